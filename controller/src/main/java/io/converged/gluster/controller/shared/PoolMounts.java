package io.converged.gluster.controller.shared;

import io.converged.gluster.controller.gluster.Brick;
import io.converged.gluster.controller.gluster.VolumeInfo;
import io.converged.gluster.controller.peer.Peer;
import io.converged.gluster.controller.provision.TrustedPool;
import io.converged.gluster.csi.exec.CommandException;
import io.converged.gluster.csi.exec.CommandResult;
import io.converged.gluster.csi.runtime.CsiException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * The controller's FUSE mount of each shared pool, on a peer whose glusterd answers (inside the peer
 * pod on Kubernetes, through pods/exec; on this machine in local mode), at
 * {@code <mount root>/<pool>} on that peer. Mounts are made when first needed and kept; one that
 * is gone (the peer pod restarted) or whose client died is made again, on the same peer if it
 * answers or another. The mount uses {@code backup-volfile-servers}, so it comes up while any
 * brick's peer does.
 */
public final class PoolMounts implements Mounts {
    private static final Logger LOG = Logger.getLogger(PoolMounts.class.getName());
    private static final Duration MOUNT_TIMEOUT = Duration.ofSeconds(60);
    /** How long a new mount may take to reach every brick before the call that needs it is UNAVAILABLE. */
    static final Duration BRICKS_WAIT = Duration.ofSeconds(30);
    private static final Duration BRICKS_POLL = Duration.ofMillis(100);

    private final TrustedPool trusted;
    private final String mountRoot;
    private final String logDir;
    private final Duration fileTimeout;
    private final Map<String, PoolFiles> mounted = new ConcurrentHashMap<>();
    private final Duration bricksWait;

    /**
     * @param mountRoot where pools are mounted on a peer, e.g. {@code /run/gluster-csi/pools}
     * @param logDir where each pool mount's client logs on the peer
     * @param fileTimeout the bound on each file operation through a mount
     */
    public PoolMounts(TrustedPool trusted, String mountRoot, String logDir, Duration fileTimeout) {
        this(trusted, mountRoot, logDir, fileTimeout, BRICKS_WAIT);
    }

    /** @param bricksWait how long a new mount may take to reach every brick */
    PoolMounts(TrustedPool trusted, String mountRoot, String logDir, Duration fileTimeout, Duration bricksWait) {
        this.bricksWait = bricksWait;
        this.trusted = trusted;
        this.mountRoot = mountRoot;
        this.logDir = logDir;
        this.fileTimeout = fileTimeout;
    }

    @Override
    public <T> T with(VolumeInfo pool, Work<T> work) throws CsiException {
        PoolFiles files = mounted.get(pool.name());
        if (files != null) {
            try {
                return work.run(files);
            } catch (MountGoneException e) {
                LOG.warning("the mount of pool " + pool.name() + " is gone (" + e.getMessage()
                        + "); mounting it again");
                mounted.remove(pool.name(), files);
            }
        }
        return work.run(mount(pool));
    }

    private synchronized PoolFiles mount(VolumeInfo pool) throws CsiException {
        PoolFiles current = mounted.get(pool.name());
        if (current != null) {
            return current;
        }
        CsiException last = null;
        for (Peer peer : trusted.peers()) {
            try {
                PoolFiles files = mountOn(peer, pool);
                mounted.put(pool.name(), files);
                return files;
            } catch (CsiException e) {
                LOG.warning("cannot mount pool " + pool.name() + " on " + peer.name() + ": " + e.getMessage());
                last = e;
            }
        }
        throw CsiException.unavailable("no peer can mount shared pool " + pool.name()
                + (last == null ? "" : ": " + last.getMessage()), last);
    }

    private PoolFiles mountOn(Peer peer, VolumeInfo pool) throws CsiException {
        String dir = peer.pathOnPeer(mountRoot + "/" + pool.name());
        String where = "the controller's mount of pool " + pool.name() + " at " + dir + " on " + peer.name();
        PoolFiles files = peer.runner().runsHere()
                ? new LocalPoolFiles(Path.of(dir), peer.runner(), fileTimeout, where)
                : new ExecPoolFiles(dir, peer.runner(), fileTimeout, where);
        try {
            files.verify();
            awaitEveryBrick(files, pool, where);
            return files;
        } catch (MountGoneException e) {
            LOG.fine(where + ": " + e.getMessage());
        }
        run(peer, List.of("mkdir", "-p", "--", dir, peer.pathOnPeer(logDir)));
        // A mount whose client died is still in the mount table: take it off first (lazily: nothing of ours
        // is open on it).
        runQuietly(peer, List.of("umount", "-l", dir));
        run(peer, mountArgv(peer, pool.name(), pool.bricks().stream().map(Brick::host).toList(), dir,
                peer.pathOnPeer(logDir + "/" + pool.name() + ".log"), List.of()));
        files.verify();
        long took = awaitEveryBrick(files, pool, where);
        LOG.info("mounted shared pool " + pool.name() + " at " + dir + " on " + peer.name() + ", connected to every"
                + " brick after " + took + " ms");
        return files;
    }

    /**
     * Returns once the mount's client is connected to every brick of the pool (the milliseconds it waited),
     * or throws UNAVAILABLE after {@link #bricksWait}. A fresh gluster mount answers as soon as one
     * replica is up, and a claim's directory made or renamed before the others connect is made or renamed
     * on some bricks only: self-heal makes a missed directory later, but a directory rename a brick missed
     * is not always healed (the brick keeps the directory at its old place, as the snapshot copies found).
     * So the controller works on a pool only through a mount that reaches every replica; a retry finds it
     * connected.
     */
    private long awaitEveryBrick(PoolFiles files, VolumeInfo pool, String where) throws CsiException {
        long start = System.nanoTime();
        long deadline = start + bricksWait.toNanos();
        List<String> missing = files.disconnectedBricks(pool.name(), pool.bricks().size());
        while (!missing.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw CsiException.unavailable(where + " is not connected to " + String.join(", ", missing)
                        + " after " + bricksWait.toMillis() + " ms; the controller changes a pool's directories only"
                        + " through a mount that reaches every brick");
            }
            try {
                Thread.sleep(BRICKS_POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw CsiException.aborted("interrupted while waiting for the bricks of pool " + pool.name());
            }
            missing = files.disconnectedBricks(pool.name(), pool.bricks().size());
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    /**
     * The argv that mounts a gluster volume on a peer from the peer's own glusterd, with the volume's other
     * servers as backups (each once, never the primary), its client logging to {@code logFile}.
     *
     * @param servers the addresses of the volume's bricks, in brick order
     * @param extraOptions more mount options ({@code ro}, {@code xlator-option=...})
     */
    public static List<String> mountArgv(Peer peer, String volume, List<String> servers, String dir, String logFile,
            List<String> extraOptions) {
        List<String> backups = new ArrayList<>();
        for (String server : servers) {
            if (!server.equals(peer.address()) && !backups.contains(server)) {
                backups.add(server);
            }
        }
        List<String> options = new ArrayList<>();
        options.add("log-file=" + logFile);
        if (!backups.isEmpty()) {
            options.add("backup-volfile-servers=" + String.join(":", backups));
        }
        options.addAll(extraOptions);
        return List.of("mount", "-t", "glusterfs", "-o", String.join(",", options), peer.address() + ":/" + volume,
                dir);
    }

    private static void run(Peer peer, List<String> argv) throws CsiException {
        try {
            CommandResult result = peer.runner().run(argv, MOUNT_TIMEOUT);
            result.requireSuccess(peer.runner().describe());
        } catch (CommandException e) {
            throw CsiException.during(String.join(" ", argv.subList(0, 2)), e);
        }
    }

    private static void runQuietly(Peer peer, List<String> argv) {
        try {
            peer.runner().run(argv, MOUNT_TIMEOUT);
        } catch (CommandException e) {
            LOG.fine(String.join(" ", argv) + ": " + e.getMessage());
        }
    }
}
