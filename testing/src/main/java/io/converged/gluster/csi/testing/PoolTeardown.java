package io.converged.gluster.csi.testing;

import static io.converged.gluster.csi.testing.LocalGlusterPool.GLUSTER_LIB;
import static io.converged.gluster.csi.testing.LocalGlusterPool.GLUSTER_RUN;
import static io.converged.gluster.csi.testing.PeerLifecycle.glusterdPid;
import static io.converged.gluster.csi.testing.PoolCleanup.deleteQuietly;
import static io.converged.gluster.csi.testing.PoolCleanup.killAll;
import static io.converged.gluster.csi.testing.PoolCleanup.list;
import static io.converged.gluster.csi.testing.PoolCleanup.removeTree;
import static io.converged.gluster.csi.testing.PoolCleanup.umount;
import static io.converged.gluster.csi.testing.PoolCleanup.unmountAll;
import static io.converged.gluster.csi.testing.ProcTable.isMountPoint;
import static io.converged.gluster.csi.testing.ProcTable.processes;

import io.converged.gluster.csi.exec.CommandResult;
import io.converged.gluster.csi.testing.LocalGlusterPool.Peer;
import io.converged.gluster.csi.testing.ProcTable.ProcessInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * One pool's teardown, in the order that keeps it from hanging or leaking: what the pool mounted, its
 * volumes, its processes, /var/run/gluster and /var/lib/glusterd entries that appeared during its life
 * (while no other gluster refers to them), and its directory. It owns what the pool must remember for
 * that: the entries of those two directories before the pool started, and the extra directories whose
 * FUSE mounts it also takes off ({@link LocalGlusterPool#watchMountsUnder}).
 */
final class PoolTeardown {
    private static final Logger LOG = Logger.getLogger(LocalGlusterPool.class.getName());
    private static final Duration VOLUME_TEARDOWN_BUDGET = Duration.ofSeconds(20);

    private final LocalGlusterPool pool;
    private final Set<String> runEntriesBefore;
    private final Set<String> libEntriesBefore;
    private final Set<Path> extraMountRoots = new LinkedHashSet<>();

    PoolTeardown(LocalGlusterPool pool, Set<String> runEntriesBefore, Set<String> libEntriesBefore) {
        this.pool = pool;
        this.runEntriesBefore = runEntriesBefore;
        this.libEntriesBefore = libEntriesBefore;
    }

    /**
     * Takes off the pool's mounts, deletes its volumes (within 20 s), kills its processes (twice: a
     * quota helper can start while others die), takes off what was mounted meanwhile, then cleans
     * /var/run/gluster and /var/lib/glusterd of what the pool added and removes its directory.
     */
    void run() {
        Path dir = pool.dir();
        unmountAll(mount -> mount.ours(dir) || underExtraRoot(mount.target()));
        deleteVolumes();
        Set<Path> sockets = new HashSet<>();
        List<ProcessHandle> victims = new ArrayList<>();
        for (Peer peer : pool.peers()) {
            glusterdPid(peer).flatMap(ProcessHandle::of).ifPresent(victims::add);
        }
        for (ProcessInfo p : processes()) {
            if (p.ours(dir)) {
                ProcessHandle.of(p.pid()).ifPresent(victims::add);
                sockets.addAll(p.sockets());
            }
        }
        killAll(victims);
        // A glusterfs process can start (a quota helper) while others die; sweep once more.
        List<ProcessHandle> late = new ArrayList<>();
        for (ProcessInfo p : processes()) {
            if (p.ours(dir)) {
                ProcessHandle.of(p.pid()).ifPresent(late::add);
                sockets.addAll(p.sockets());
            }
        }
        killAll(late);
        unmountAll(mount -> mount.ours(dir) || underExtraRoot(mount.target()));
        cleanRunDir(sockets, runEntriesBefore);
        cleanLibDir(libEntriesBefore);
        removeTree(dir);
    }

    void watchMountsUnder(Path root) {
        synchronized (extraMountRoots) {
            extraMountRoots.add(root.toAbsolutePath().normalize());
        }
    }

    private boolean underExtraRoot(Path target) {
        synchronized (extraMountRoots) {
            return extraMountRoots.stream().anyMatch(target::startsWith);
        }
    }

    private void deleteVolumes() {
        long deadline = System.nanoTime() + VOLUME_TEARDOWN_BUDGET.toNanos();
        Optional<Peer> live = pool.peers().stream()
                .filter(p -> glusterdPid(p).flatMap(ProcessHandle::of).filter(ProcTable::running).isPresent())
                .findFirst();
        if (live.isEmpty()) {
            return;
        }
        int index = live.get().index();
        CommandResult list = pool.gluster(index, "volume", "list");
        if (!list.succeeded()) {
            return;
        }
        for (String volume : list.stdout().lines().map(String::strip).filter(l -> !l.isEmpty()).toList()) {
            if (volume.startsWith("No volumes")) {
                break;
            }
            if (System.nanoTime() > deadline) {
                LOG.info("test pool teardown: leaving the remaining volumes to be killed");
                break;
            }
            pool.gluster(index, "volume", "stop", volume, "force");
            CommandResult delete = pool.gluster(index, "volume", "delete", volume);
            if (!delete.succeeded()) {
                LOG.fine("test pool teardown: delete " + volume + ": " + delete.message());
            }
        }
    }

    /**
     * Removes from /var/run/gluster what this pool caused: the sockets named by its processes, and
     * entries that appeared during its life that no other gluster process refers to (brick sockets
     * of volumes it stopped, quotad.socket, quota helper pid files and mount points).
     */
    private void cleanRunDir(Set<Path> ourSockets, Set<String> before) {
        for (Path socket : ourSockets) {
            deleteQuietly(socket);
        }
        Set<String> foreignRefs = foreignGlusterReferences();
        boolean foreignGlusterd = !foreignRefs.isEmpty();
        for (String name : list(GLUSTER_RUN)) {
            if (before.contains(name) || foreignRefs.stream().anyMatch(ref -> ref.contains(name))) {
                continue;
            }
            if (name.equals("quotad.socket") && foreignRefs.stream().anyMatch(ref -> ref.contains("quotad"))) {
                continue;
            }
            Path entry = GLUSTER_RUN.resolve(name);
            boolean dirOfGlusterd = name.equals("snaps") || name.equals("tmp");
            if (dirOfGlusterd && foreignGlusterd) {
                continue;
            }
            if (Files.isDirectory(entry) && isMountPoint(entry)) {
                umount(entry);
            }
            removeTree(entry);
        }
    }

    /** glusterd creates a few directories in /var/lib/glusterd whatever its working directory; remove new ones. */
    private static void cleanLibDir(Set<String> before) {
        if (!foreignGlusterReferences().isEmpty()) {
            return;
        }
        for (String name : List.of("geo-replication", "ss_brick")) {
            if (!before.contains(name)) {
                removeTree(GLUSTER_LIB.resolve(name));
            }
        }
    }

    /** The command lines of gluster processes that are not test pools'. */
    private static Set<String> foreignGlusterReferences() {
        Set<String> refs = new HashSet<>();
        for (ProcessInfo p : processes()) {
            if (p.isGluster() && !p.anyTestPool()) {
                refs.add(String.join(" ", p.argv()));
            }
        }
        return refs;
    }
}
