package io.converged.gluster.csi.testing;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One of the project's runnable jars started as a real process, the way an operator runs it: with
 * {@code java -jar}, or another main class of the jar, or behind a wrapper command (for example
 * {@code unshare --pid --fork}, which starts the JVM as PID 1 of a new PID namespace, as a container
 * runtime would).
 */
public final class JarProcess implements AutoCloseable {
    private final Process process;
    private final Path log;
    private final boolean wrapped;

    private JarProcess(Process process, Path log, boolean wrapped) {
        this.process = process;
        this.log = log;
        this.wrapped = wrapped;
    }

    /**
     * How a jar is started besides its arguments.
     *
     * @param wrapper a command put in front of {@code java} (empty for none)
     * @param mainClass the main class to run with {@code -cp}, or null for the jar's own ({@code -jar})
     * @param jvmFlags flags for the JVM
     * @param environment extra environment variables
     */
    public record Launch(List<String> wrapper, String mainClass, List<String> jvmFlags,
            Map<String, String> environment) {
        public Launch {
            wrapper = List.copyOf(wrapper);
            jvmFlags = List.copyOf(jvmFlags);
            environment = Map.copyOf(environment);
        }

        /** {@code java -jar JAR}, nothing else. */
        public static Launch plain() {
            return new Launch(List.of(), null, List.of(), Map.of());
        }

        public Launch wrappedIn(String... command) {
            return new Launch(List.of(command), mainClass, jvmFlags, environment);
        }

        public Launch mainClass(String name) {
            return new Launch(wrapper, name, jvmFlags, environment);
        }

        public Launch jvmFlags(String... flags) {
            return new Launch(wrapper, mainClass, List.of(flags), environment);
        }

        public Launch environment(Map<String, String> variables) {
            return new Launch(wrapper, mainClass, jvmFlags, variables);
        }
    }

    /** Finds a module's runnable jar, e.g. {@code gluster-csi-node.jar} under {@code target/}. */
    public static Path jar(String fileName) {
        Path jar = Path.of("target", fileName).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing; run the tests through 'mvn verify'");
        }
        return jar;
    }

    public static JarProcess start(Path jar, Path log, String... args) throws IOException {
        return start(jar, log, Map.of(), args);
    }

    /** Starts the jar with extra environment variables (e.g. a fault-injection switch). */
    public static JarProcess start(Path jar, Path log, Map<String, String> environment, String... args)
            throws IOException {
        return start(jar, log, Launch.plain().environment(environment), args);
    }

    /** Starts the jar as the launch says: wrapped, with another main class, JVM flags or environment. */
    public static JarProcess start(Path jar, Path log, Launch launch, String... args) throws IOException {
        List<String> command = new ArrayList<>(launch.wrapper());
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(launch.jvmFlags());
        if (launch.mainClass() == null) {
            command.add("-jar");
            command.add(jar.toString());
        } else {
            command.add("-cp");
            command.add(jar.toString());
            command.add(launch.mainClass());
        }
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(launch.environment());
        Process process = builder
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        return new JarProcess(process, log, !launch.wrapper().isEmpty());
    }

    /** Waits until a client can connect to the socket; returns how long that took. */
    public Duration awaitSocket(Path socket, Duration limit) throws IOException, InterruptedException {
        long start = System.nanoTime();
        long deadline = start + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("server exited with " + process.exitValue() + ":\n" + output());
            }
            if (Files.exists(socket) && connects(socket)) {
                return Duration.ofNanos(System.nanoTime() - start);
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("no socket at " + socket + " after " + limit + ":\n" + output());
    }

    private static boolean connects(Path socket) {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Waits for the process to exit by itself and returns its exit code. */
    public int awaitExit(Duration limit) throws InterruptedException {
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("process still running after " + limit);
        }
        return process.exitValue();
    }

    /** Sends SIGTERM, as kubelet does when a pod stops, and returns the exit code. */
    public int terminate(Duration limit) throws InterruptedException {
        process.destroy();
        return awaitExit(limit);
    }

    /** Sends SIGKILL, as a crash or an OOM kill would, and returns the exit code (137). */
    public int kill(Duration limit) throws InterruptedException {
        process.destroyForcibly();
        return awaitExit(limit);
    }

    /** True while the process runs. */
    public boolean alive() {
        return process.isAlive();
    }

    /** The pid of the process started: the wrapper's when there is one. */
    public long pid() {
        return process.pid();
    }

    /**
     * The JVM: the process started, or the wrapper's descendant that runs java (waiting for the
     * wrapper to start it, at most the limit).
     */
    public ProcessHandle java(Duration limit) throws InterruptedException {
        if (!wrapped) {
            return process.toHandle();
        }
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            Optional<ProcessHandle> java = process.descendants()
                    .filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false)).findFirst();
            if (java.isPresent()) {
                return java.get();
            }
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("no java process under the wrapper (pid " + process.pid() + ")");
            }
            Thread.sleep(10);
        }
    }

    /**
     * Sends SIGKILL to the JVM itself (under a wrapper: not to the wrapper), as a crash, an OOM kill
     * or a container stop would, and waits for the process started to exit; returns its exit code.
     */
    public int killJava(Duration limit) throws InterruptedException {
        java(limit).destroyForcibly();
        return awaitExit(limit);
    }

    /** Resident set size of the JVM in KiB, from /proc. */
    public long rssKiB() throws IOException {
        long pid;
        try {
            pid = java(Duration.ofSeconds(10)).pid();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while looking for the java process", e);
        }
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmRSS for pid " + pid);
    }

    public String output() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
