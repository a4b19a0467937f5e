package io.converged.gluster.node.mount;

import io.converged.gluster.csi.exec.CommandException;
import io.converged.gluster.csi.exec.CommandResult;
import io.converged.gluster.csi.exec.CommandRunner;
import io.converged.gluster.csi.exec.CommandTimeoutException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The real mounter: {@code mount}, {@code umount} and {@code stat -f} run as argv commands with a
 * time bound, and the mount table read from {@code /proc/self/mountinfo}. Statfs runs as a command
 * so that a hung FUSE server blocks a killable child, never a server thread.
 *
 * <p>Liveness, asked on every publish, is an {@code opendir} of the mount done in the JVM on a worker
 * thread with the same time bound (a hung FUSE server holds that worker, never the call): FUSE sends
 * every opendir to its client, and one whose client died fails at once with "Transport endpoint is
 * not connected". A command for it cost a fork, most of what NodePublishVolume took. It is not a
 * statfs: with {@code quota-deem-statfs} a statfs also waits for the quota daemon, and a mount must
 * not be called dead because quota is slow.
 */
public final class CommandMounter implements Mounter {
    static final String NOT_CONNECTED = "transport endpoint is not connected";
    /** Liveness probes; a hung FUSE server holds one of these threads, never a call's. */
    private static final ExecutorService PROBES = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "mount-probe");
        thread.setDaemon(true);
        return thread;
    });

    private final CommandRunner runner;
    private final Path mountInfo;
    private final Duration mountTimeout;
    private final Duration statTimeout;

    public CommandMounter(CommandRunner runner, Path mountInfo, Duration mountTimeout, Duration statTimeout) {
        this.runner = runner;
        this.mountInfo = mountInfo;
        this.mountTimeout = mountTimeout;
        this.statTimeout = statTimeout;
    }

    @Override
    public MountTable mounts() throws MountException {
        try {
            return MountTable.parse(Files.readString(mountInfo, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new MountException(MountException.Reason.FAILED, "cannot read " + mountInfo + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void mountGluster(GlusterMount mount, Path target) throws MountException {
        CommandResult result = run(List.of("mount", "-t", "glusterfs", "-o", mount.optionString(), mount.source(),
                target.toString()), mountTimeout, target);
        if (!result.succeeded()) {
            throw new MountException(MountException.Reason.FAILED, "mounting gluster volume " + mount.path()
                    + " from " + String.join(", ", mount.servers()) + " at " + target + " failed: " + result.message()
                    + " (client log: " + mount.logFile() + ")");
        }
    }

    @Override
    public void bind(Path source, Path target, boolean readOnly) throws MountException {
        List<String> argv = new ArrayList<>(List.of("mount", "--bind"));
        if (readOnly) {
            argv.addAll(List.of("-o", "ro"));
        }
        argv.addAll(List.of(source.toString(), target.toString()));
        CommandResult result = run(argv, mountTimeout, target);
        if (!result.succeeded()) {
            throw new MountException(reasonOf(result), "bind-mounting " + source + " at " + target + " failed: "
                    + result.message());
        }
    }

    /**
     * Without {@code --no-canonicalize}, umount stats and statfs-es the target first to learn its
     * type: that fails on a dead FUSE client and hangs while gluster's quota daemon does not answer.
     * Targets are already canonical (their parents' links resolved).
     */
    @Override
    public void unmount(Path target) throws MountException {
        CommandResult result = run(List.of("umount", "--no-canonicalize", target.toString()), mountTimeout, target);
        String message = result.message().toLowerCase(Locale.ROOT);
        if (result.succeeded() || message.contains("not mounted")) {
            return;
        }
        if (message.contains("target is busy") || message.contains("device or resource busy")) {
            throw new MountException(MountException.Reason.IN_USE, target + " is busy (a process still uses it);"
                    + " it stays mounted and will not be detached lazily");
        }
        throw new MountException(MountException.Reason.FAILED, "unmounting " + target + " failed: "
                + result.message());
    }

    /** An {@code opendir} in the JVM, bounded in time: FUSE must ask its client. */
    @Override
    public void probe(Path path) throws MountException {
        Future<Void> opened = PROBES.submit(() -> {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(path)) {
                return null;
            }
        });
        try {
            opened.get(statTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            opened.cancel(true);
            throw new MountException(MountException.Reason.TIMEOUT, "opening " + path + " did not finish within "
                    + statTimeout.toMillis() + " ms (is a gluster server hung?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MountException(MountException.Reason.FAILED, "interrupted while opening " + path, e);
        } catch (ExecutionException e) {
            String said = String.valueOf(e.getCause().getMessage());
            throw new MountException(said.toLowerCase(Locale.ROOT).contains(NOT_CONNECTED)
                    ? MountException.Reason.NOT_CONNECTED : MountException.Reason.FAILED,
                    "opening " + path + " failed: " + e.getCause(), e.getCause());
        }
    }

    @Override
    public FsStats statfs(Path path) throws MountException {
        CommandResult result = run(List.of("stat", "-f", "-c", "%S %b %f %a %c %d", path.toString()), statTimeout,
                path);
        if (!result.succeeded()) {
            throw new MountException(reasonOf(result), "statfs of " + path + " failed: " + result.message());
        }
        return parseStatfs(result.stdout(), path);
    }

    static FsStats parseStatfs(String output, Path path) throws MountException {
        String[] fields = output.trim().split("\\s+");
        try {
            long blockSize = Long.parseLong(fields[0]);
            return new FsStats(blockSize * Long.parseLong(fields[1]), blockSize * Long.parseLong(fields[2]),
                    blockSize * Long.parseLong(fields[3]), Long.parseLong(fields[4]), Long.parseLong(fields[5]));
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            throw new MountException(MountException.Reason.FAILED, "unexpected statfs output for " + path + ": '"
                    + output.trim() + "'", e);
        }
    }

    private static MountException.Reason reasonOf(CommandResult result) {
        return result.message().toLowerCase(Locale.ROOT).contains(NOT_CONNECTED)
                ? MountException.Reason.NOT_CONNECTED
                : MountException.Reason.FAILED;
    }

    private CommandResult run(List<String> argv, Duration timeout, Path path) throws MountException {
        try {
            return runner.run(argv, timeout);
        } catch (CommandTimeoutException e) {
            throw new MountException(MountException.Reason.TIMEOUT, argv.get(0) + " on " + path + " did not finish"
                    + " within " + timeout.toMillis() + " ms (is a gluster server hung?)", e);
        } catch (CommandException e) {
            throw new MountException(MountException.Reason.FAILED, e.getMessage(), e);
        }
    }
}
