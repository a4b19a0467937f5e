package io.converged.gluster.csi.exec;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs commands as child processes of this JVM. Output goes to temporary files rather than pipes:
 * commands such as {@code mount -t glusterfs} or {@code glusterd} leave daemons behind that may keep
 * an inherited pipe open forever, and a file never blocks anyone.
 */
public final class LocalCommandRunner implements CommandRunner {
    private final Map<String, String> environment;

    public LocalCommandRunner() {
        this(Map.of());
    }

    /** @param environment variables added to (or replacing) the inherited environment */
    public LocalCommandRunner(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    @Override
    public CommandResult run(List<String> argv, Duration timeout) throws CommandException {
        return run(argv, Map.of(), timeout);
    }

    /** Sets the variables on the process itself, with no {@code env} in between. */
    @Override
    public CommandResult run(List<String> argv, Map<String, String> extra, Duration timeout) throws CommandException {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        long start = System.nanoTime();
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("cmd-", ".out");
            err = Files.createTempFile("cmd-", ".err");
            ProcessBuilder builder = new ProcessBuilder(argv)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            builder.environment().putAll(environment);
            builder.environment().putAll(extra);
            Process process;
            try {
                process = builder.start();
            } catch (IOException e) {
                throw new CommandException("cannot run " + argv.get(0) + ": " + e.getMessage(), e);
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                throw new CommandTimeoutException(String.join(" ", argv) + " did not finish within "
                        + timeout.toMillis() + " ms and was killed");
            }
            // Bytes that are not UTF-8 (a file's name can hold any) read as U+FFFD, as over pods/exec.
            return new CommandResult(argv, process.exitValue(), new String(Files.readAllBytes(out),
                    StandardCharsets.UTF_8), new String(Files.readAllBytes(err), StandardCharsets.UTF_8),
                    Duration.ofNanos(System.nanoTime() - start));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandException("interrupted while running " + argv.get(0), e);
        } catch (IOException e) {
            throw new CommandException("cannot capture the output of " + argv.get(0) + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private static void deleteQuietly(Path path) {
        if (path != null) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                // A temporary file left in /tmp is harmless; the command's outcome matters more.
            }
        }
    }

    @Override
    public String describe() {
        return "local";
    }

    @Override
    public boolean runsHere() {
        return true;
    }
}
