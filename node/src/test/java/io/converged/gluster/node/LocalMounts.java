package io.converged.gluster.node;

import io.converged.gluster.csi.exec.CommandException;
import io.converged.gluster.csi.exec.CommandResult;
import io.converged.gluster.csi.exec.LocalCommandRunner;
import io.converged.gluster.node.mount.MountPoint;
import io.converged.gluster.node.mount.MountTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/** What integration tests need to see and undo of this machine's real mounts and FUSE clients. */
final class LocalMounts {
    private static final Logger LOG = Logger.getLogger(LocalMounts.class.getName());
    private static final LocalCommandRunner RUNNER = new LocalCommandRunner();

    private LocalMounts() {
    }

    static MountTable table() throws IOException {
        return MountTable.parse(Files.readString(Path.of("/proc/self/mountinfo")));
    }

    static Optional<MountPoint> at(Path path) throws IOException {
        return table().at(path);
    }

    /** Every mount at or below the directory, newest first. */
    static List<MountPoint> under(Path root) throws IOException {
        List<MountPoint> found = new ArrayList<>();
        for (MountPoint mount : table().all()) {
            if (mount.mountPoint().startsWith(root)) {
                found.add(0, mount);
            }
        }
        return found;
    }

    /**
     * Unmounts everything below the directory, newest first, so no test leaves a mount behind even
     * when it failed half-way. A mount that refuses is detached lazily: this is test cleanup, not
     * the driver.
     */
    static void unmountAllUnder(Path root) throws IOException {
        for (MountPoint mount : under(root)) {
            CommandResult result = run(List.of("umount", "--no-canonicalize", mount.mountPoint().toString()));
            if (!result.succeeded() && at(mount.mountPoint()).isPresent()) {
                LOG.warning("test cleanup: lazily detaching " + mount.mountPoint() + ": " + result.message());
                run(List.of("umount", "--no-canonicalize", "-l", mount.mountPoint().toString()));
            }
        }
    }

    static CommandResult run(List<String> argv) throws IOException {
        try {
            return RUNNER.run(argv, Duration.ofSeconds(60));
        } catch (CommandException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** The pid of the glusterfs FUSE client serving the mount point (its last argument). */
    static Optional<Long> fuseClientOf(Path mountPoint) throws IOException {
        try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"))) {
            for (Path entry : proc) {
                String name = entry.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                List<String> argv;
                try {
                    argv = List.of(new String(Files.readAllBytes(entry.resolve("cmdline")), StandardCharsets.UTF_8)
                            .split("\u0000"));
                } catch (IOException e) {
                    continue;
                }
                if (argv.size() > 1 && argv.get(0).endsWith("glusterfs")
                        && argv.get(argv.size() - 1).equals(mountPoint.toString())) {
                    return Optional.of(Long.parseLong(name));
                }
            }
        }
        return Optional.empty();
    }

    /** Kills the FUSE client of the mount with SIGKILL, as an OOM kill or a crash would, and waits for it. */
    static void killFuseClient(Path mountPoint) throws Exception {
        long pid = fuseClientOf(mountPoint).orElseThrow(() -> new IllegalStateException("no FUSE client for "
                + mountPoint));
        ProcessHandle handle = ProcessHandle.of(pid).orElseThrow();
        handle.destroyForcibly();
        handle.onExit().get(10, TimeUnit.SECONDS);
    }

    /** The error text of statfs on the path, or "" when it answers. */
    static String statfsError(Path path) throws IOException {
        CommandResult result = run(List.of("stat", "-f", path.toString()));
        return result.succeeded() ? "" : result.message();
    }
}
