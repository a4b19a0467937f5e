package io.converged.gluster.csi.testing;

import static io.converged.gluster.csi.testing.LocalGlusterPool.DIR_PREFIX;
import static io.converged.gluster.csi.testing.LocalGlusterPool.TMP;
import static io.converged.gluster.csi.testing.ProcTable.awaitGoneQuietly;
import static io.converged.gluster.csi.testing.ProcTable.mounts;
import static io.converged.gluster.csi.testing.ProcTable.processes;
import static io.converged.gluster.csi.testing.ProcTable.running;

import io.converged.gluster.csi.exec.CommandException;
import io.converged.gluster.csi.exec.CommandResult;
import io.converged.gluster.csi.exec.LocalCommandRunner;
import io.converged.gluster.csi.testing.ProcTable.MountInfo;
import io.converged.gluster.csi.testing.ProcTable.ProcessInfo;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Removing what gluster left on this machine, and finding it: killing processes (SIGTERM, then SIGKILL),
 * taking FUSE mounts off (deepest first, lazily as a last resort), removing trees with an {@code rm} that
 * keeps to one file system, and the machine-wide sweep of any test pool's leftovers ({@link #cleanLeftovers},
 * {@link #leftoverProcesses}, {@link #leftoverMounts}). One pool's own teardown is {@link PoolTeardown}'s;
 * it uses these.
 */
final class PoolCleanup {
    private static final Logger LOG = Logger.getLogger(LocalGlusterPool.class.getName());

    private PoolCleanup() {
    }

    /**
     * Removes what a crashed earlier run left: processes and mounts of any test pool (their command
     * lines name a {@code /tmp/gluster-csi-test-pool-*} directory or a {@code 127.1.9.x} server)
     * and those directories. Only call it while holding the pool lock.
     */
    static void cleanLeftovers() {
        List<ProcessInfo> stale = processes().stream().filter(ProcessInfo::anyTestPool).toList();
        Set<Path> sockets = new HashSet<>();
        List<ProcessHandle> victims = new ArrayList<>();
        for (ProcessInfo p : stale) {
            LOG.info("removing a leftover test pool process " + p.pid() + ": " + String.join(" ", p.argv()));
            sockets.addAll(p.sockets());
            ProcessHandle.of(p.pid()).ifPresent(victims::add);
        }
        unmountAll(MountInfo::anyTestPool);
        killAll(victims);
        unmountAll(MountInfo::anyTestPool);
        sockets.forEach(PoolCleanup::deleteQuietly);
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(TMP, DIR_PREFIX + "*")) {
            for (Path old : dirs) {
                LOG.info("removing a leftover test pool directory " + old);
                removeTree(old);
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot list " + TMP, e);
        }
    }

    /** Gluster processes of any test pool still running on this machine, as "pid argv" lines. */
    static List<String> leftoverProcesses() {
        return processes().stream()
                .filter(p -> p.anyTestPool() && running(ProcessHandle.of(p.pid()).orElse(null)))
                .map(p -> p.pid() + " " + String.join(" ", p.argv()))
                .toList();
    }

    /** Gluster FUSE mounts of any test pool still mounted, as "source target" lines. */
    static List<String> leftoverMounts() {
        return mounts().stream().filter(MountInfo::anyTestPool).map(m -> m.source() + " " + m.target()).toList();
    }

    static void unmountAll(Predicate<MountInfo> which) {
        // Deepest first, so nested mounts come off before their parents.
        List<MountInfo> targets = new ArrayList<>(mounts().stream().filter(which).toList());
        targets.sort((a, b) -> b.target().getNameCount() - a.target().getNameCount());
        for (MountInfo mount : targets) {
            umount(mount.target());
        }
    }

    static void umount(Path target) {
        CommandResult plain = runQuietly(List.of("umount", target.toString()), Duration.ofSeconds(20));
        if (plain == null || !plain.succeeded()) {
            // A FUSE mount whose client died or is busy: detach it lazily as a last resort.
            runQuietly(List.of("umount", "-l", target.toString()), Duration.ofSeconds(20));
        }
    }

    static void killAll(List<ProcessHandle> victims) {
        if (victims.isEmpty()) {
            return;
        }
        victims.forEach(ProcessHandle::destroy);
        if (!awaitGoneQuietly(victims, Duration.ofSeconds(3))) {
            victims.forEach(ProcessHandle::destroyForcibly);
            awaitGoneQuietly(victims, Duration.ofSeconds(10));
        }
    }

    private static CommandResult runQuietly(List<String> argv, Duration timeout) {
        try {
            return new LocalCommandRunner().run(argv, timeout);
        } catch (CommandException e) {
            LOG.log(Level.WARNING, "test pool teardown: " + e.getMessage(), e);
            return null;
        }
    }

    static Set<String> list(Path dir) {
        Set<String> names = new HashSet<>();
        if (!Files.isDirectory(dir)) {
            return names;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            entries.forEach(e -> names.add(e.getFileName().toString()));
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot list " + dir, e);
        }
        return names;
    }

    static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.log(Level.FINE, "cannot delete " + path, e);
        }
    }

    static void removeTree(Path path) {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        // rm keeps to one file system, so a mount we failed to take off is never emptied.
        CommandResult rm = runQuietly(List.of("rm", "-rf", "--one-file-system", "--", path.toString()),
                Duration.ofSeconds(60));
        if (rm != null && !rm.succeeded()) {
            LOG.warning("test pool teardown: cannot remove " + path + ": " + rm.message());
        }
    }
}
