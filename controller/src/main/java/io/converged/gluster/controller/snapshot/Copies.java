package io.converged.gluster.controller.snapshot;

import io.converged.gluster.controller.peer.Peer;
import io.converged.gluster.controller.provision.Step;
import io.converged.gluster.controller.provision.TrustedPool;
import io.converged.gluster.controller.shared.PoolMounts;
import io.converged.gluster.csi.exec.CommandResult;
import io.converged.gluster.csi.runtime.CsiException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * The copies this process runs in the background, at most {@code threads} at once, each known by its
 * destination's key: CreateSnapshot and CreateVolume ask here how far theirs is, DeleteVolume and
 * DeleteSnapshot whether a copy reads or fills what they would delete.
 *
 * <p>Each run of a copy is an {@link Attempt}: on the first peer that answers, it mounts what it needs
 * under {@code <mount root>/.copies/<key hash>-<stamp>/} (the source read-only, the target with
 * gluster's flush-behind off, so a copy program's every close waits until its writes reached the
 * bricks) and unmounts when done. A controller that died in the middle of a copy left the copy program
 * running on the peer over such mounts: the next attempt on that peer first takes away every mount
 * there that no copy of this process owns, which makes the orphan fail at once (it then writes nowhere),
 * so two copies never write into one place.
 */
final class Copies implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Copies.class.getName());
    static final String DIR = ".copies";
    /** Finished copies whose outcome no call came to read are forgotten after this long. */
    private static final Duration KEEP_FINISHED = Duration.ofHours(1);
    /** How long a fresh copy mount may take to connect to every brick of its volume. */
    static final Duration BRICKS_WAIT = Duration.ofSeconds(30);

    private final TrustedPool trusted;
    private final String mountRoot;
    private final String logDir;
    private final Duration commandTimeout;
    private final Step.Listener listener;
    private final CopyMetrics metrics;
    private final ExecutorService workers;
    private final ExecutorService processes;
    private final Map<String, CopyJob> jobs = new ConcurrentHashMap<>();
    /** Attempt directories in use, as {@code PEER PATH}: the sweep leaves them alone. */
    private final Set<String> active = ConcurrentHashMap.newKeySet();
    private final AtomicLong stamps = new AtomicLong(System.currentTimeMillis());

    /**
     * @param mountRoot the controller's mount root on a peer ({@code --pool-mount-root})
     * @param logDir where the copy mounts' clients log on the peer
     * @param threads copies that run at once; more wait their turn
     */
    Copies(TrustedPool trusted, String mountRoot, String logDir, Duration commandTimeout, Step.Listener listener,
            CopyMetrics metrics, int threads) {
        this.trusted = trusted;
        this.mountRoot = mountRoot;
        this.logDir = logDir;
        this.commandTimeout = commandTimeout;
        this.listener = listener;
        this.metrics = metrics;
        this.workers = Executors.newFixedThreadPool(threads, task -> daemon(task, "copy"));
        this.processes = Executors.newCachedThreadPool(task -> daemon(task, "copy-process"));
        metrics.watch(this);
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    // ---------------------------------------------------------------- the jobs

    /** Starts the job unless a copy to the same destination is queued or running; returns the one that is. */
    CopyJob submit(CopyJob job) {
        forgetStale();
        CopyJob current = jobs.compute(job.key, (key, old) -> old != null && !old.finished() ? old : job);
        if (current == job) {
            workers.execute(job);
        }
        return current;
    }

    /** The copy to that destination this process knows of (running, or finished and not yet read). */
    Optional<CopyJob> job(String key) {
        return Optional.ofNullable(jobs.get(key));
    }

    /** Forgets a finished copy whose outcome was read. */
    void forget(CopyJob job) {
        jobs.remove(job.key, job);
    }

    /** A copy that is queued or running and reads the source with that key. */
    Optional<CopyJob> readerOf(String sourceKey) {
        return jobs.values().stream().filter(job -> !job.finished() && sourceKey.equals(job.sourceKey)).findFirst();
    }

    /** Every copy known, for the metrics. */
    List<CopyJob> all() {
        return List.copyOf(jobs.values());
    }

    /** Cancels the copy and waits for it to end; ABORTED when it does not end in time. */
    void cancel(CopyJob job, Duration limit) throws CsiException {
        if (workers instanceof ThreadPoolExecutor pool && pool.remove(job)) {
            job.dropped();
        }
        job.cancel();
        try {
            if (!job.await(limit)) {
                throw CsiException.aborted(job.describe() + " is being stopped; retry");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CsiException.aborted("interrupted while stopping " + job.describe());
        }
        forget(job);
    }

    private void forgetStale() {
        long now = System.nanoTime();
        jobs.values().removeIf(job -> job.finished() && now - job.finishedNanos() > KEEP_FINISHED.toNanos());
    }

    <T> Future<T> launch(Callable<T> process) {
        return processes.submit(process);
    }

    Step.Listener listener() {
        return listener;
    }

    CopyMetrics metrics() {
        return metrics;
    }

    @Override
    public void close() {
        workers.shutdownNow();
        processes.shutdownNow();
    }

    /** Waits for the copy programs started here to end, after {@link #close}; false when they did not in time. */
    boolean awaitProcesses(Duration limit) throws InterruptedException {
        return processes.awaitTermination(limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    // ---------------------------------------------------------------- attempts and their mounts

    /** A new attempt for the destination, on the first peer that answers, after sweeping what orphans left there. */
    Attempt open(String key) throws CsiException {
        CsiException last = null;
        for (Peer peer : trusted.peers()) {
            PeerTree tree = new PeerTree(peer.runner(), commandTimeout);
            String root = peer.pathOnPeer(mountRoot + "/" + DIR);
            String base = root + "/" + hash(key) + "-" + Long.toString(stamps.incrementAndGet(), 36);
            String mark = peer.name() + " " + base;
            active.add(mark);
            try {
                tree.makeDirectories(base + "/s", base + "/t", peer.pathOnPeer(logDir));
                sweep(peer, tree, root);
                return new Attempt(peer, tree, base, mark);
            } catch (CsiException e) {
                active.remove(mark);
                LOG.warning("cannot prepare a copy on " + peer.name() + ": " + e.getMessage());
                last = e;
            }
        }
        throw CsiException.unavailable("no peer can run a copy now" + (last == null ? "" : ": " + last.getMessage()),
                last);
    }

    /** Sweeps every peer, as at start-up: nothing of this process's runs yet, so whatever is there is an orphan's. */
    void sweepAll() {
        try {
            for (Peer peer : trusted.peers()) {
                try {
                    PeerTree tree = new PeerTree(peer.runner(), commandTimeout);
                    sweep(peer, tree, peer.pathOnPeer(mountRoot + "/" + DIR));
                } catch (CsiException e) {
                    LOG.warning("cannot sweep the copy mounts of " + peer.name() + ": " + e.getMessage());
                }
            }
        } catch (CsiException e) {
            LOG.warning("cannot sweep the copy mounts: " + e.getMessage());
        }
    }

    /** Takes away the mounts (and their directories) on the peer that no attempt of this process owns. */
    private void sweep(Peer peer, PeerTree tree, String root) throws CsiException {
        for (String name : tree.names(root)) {
            String base = root + "/" + name;
            if (active.contains(peer.name() + " " + base)) {
                continue;
            }
            boolean unmounted = false;
            for (String side : List.of("/s", "/t")) {
                try {
                    unmounted |= tree.unmount(base + side);
                    tree.removeDirectory(base + side);
                } catch (CsiException e) {
                    LOG.fine("sweeping " + base + side + ": " + e.getMessage());
                }
            }
            try {
                tree.removeDirectory(base);
                LOG.warning("took away a copy's mounts that a stopped controller left at " + base + " on "
                        + peer.name() + (unmounted ? " (a copy may have been running there; it stops now)" : ""));
            } catch (CsiException e) {
                LOG.warning("cannot remove " + base + " on " + peer.name() + ": " + e.getMessage());
            }
        }
    }

    private static String hash(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * One run of a copy: its directory on one peer, with the source mounted at {@code s} and the target
     * at {@code t}. Closing it unmounts both and removes the directory.
     */
    final class Attempt implements AutoCloseable {
        private final Peer peer;
        private final PeerTree tree;
        private final String base;
        private final String mark;
        private boolean sourceMounted;
        private boolean targetMounted;
        private boolean succeeded;

        private Attempt(Peer peer, PeerTree tree, String base, String mark) {
            this.peer = peer;
            this.tree = tree;
            this.base = base;
            this.mark = mark;
        }

        PeerTree tree() {
            return tree;
        }

        /** Mounts the place's volume read-only; returns where the place is under the mount. */
        synchronized String source(Place place) throws CsiException {
            if (!sourceMounted) {
                mount(place, base + "/s", "s", List.of("ro"));
                sourceMounted = true;
            }
            return place.under(base + "/s");
        }

        /** Mounts the place's volume for writing, each close waiting for its writes; returns where the place is. */
        synchronized String target(Place place) throws CsiException {
            if (!targetMounted) {
                mount(place, base + "/t", "t", List.of("xlator-option=" + place.volume()
                        + "-write-behind.flush-behind=off"));
                targetMounted = true;
            }
            return place.under(base + "/t");
        }

        private void mount(Place place, String dir, String side, List<String> options) throws CsiException {
            tree.mount(PoolMounts.mountArgv(peer, place.volume(), place.servers(), dir, log(side), options));
            awaitEveryBrick(place.volume(), dir);
        }

        /**
         * Returns once the mount is connected to every brick of its volume. A fresh gluster mount answers as
         * soon as one replica of it is up, and what a copy does before the others connect they miss: the
         * copy's renames of directories (a snapshot's staging directory to {@code data}; restores moved their
         * entries up into the volume's root before they copied straight into it) are then not always
         * healed, since the brick that missed them still holds each moved directory's gfid at the old place
         * and self-heal cannot make it at the new one (a claim restored in SnapshotCrashIT kept
         * {@code .csi-restored} on one brick after a heal of the pool). A brick that does not connect within
         * {@link #BRICKS_WAIT} makes the attempt UNAVAILABLE (the next call copies again) rather than copy
         * with a replica short.
         */
        private void awaitEveryBrick(String volume, String dir) throws CsiException {
            long start = System.nanoTime();
            long deadline = start + BRICKS_WAIT.toNanos();
            List<String> missing = tree.disconnectedBricks(dir, volume);
            while (!missing.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw CsiException.unavailable("the copy mount of volume " + volume + " at " + dir + " on "
                            + peer.name() + " is not connected to " + String.join(", ", missing) + " after "
                            + BRICKS_WAIT.toSeconds() + " s; a copy runs only with every replica connected");
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw CsiException.aborted("interrupted while waiting for the bricks of " + volume);
                }
                missing = tree.disconnectedBricks(dir, volume);
                if (missing.isEmpty()) {
                    LOG.info("the copy mount of volume " + volume + " on " + peer.name() + " connected to every brick"
                            + " " + (System.nanoTime() - start) / 1_000_000 + " ms after it was mounted");
                }
            }
        }

        private String log(String side) {
            return peer.pathOnPeer(logDir + "/copy-" + base.substring(base.lastIndexOf('/') + 1) + "-" + side + ".log");
        }

        /** The copy succeeded: its mount logs can go. */
        void succeeded() {
            succeeded = true;
        }

        /** Takes the mounts away under whatever runs on them (lazily, from another thread). */
        void fence() {
            for (String side : List.of("/s", "/t")) {
                try {
                    peer.runner().run(List.of("umount", "-l", base + side), commandTimeout);
                } catch (CsiException e) {
                    LOG.warning("cannot take away " + base + side + " on " + peer.name() + ": " + e.getMessage());
                }
            }
        }

        @Override
        public void close() {
            try {
                for (String side : List.of("/t", "/s")) {
                    tree.unmount(base + side);
                    tree.removeDirectory(base + side);
                }
                tree.removeDirectory(base);
                if (succeeded) {
                    CommandResult removed = peer.runner().run(List.of("rm", "-f", "--", log("s"), log("t")),
                            commandTimeout);
                    if (!removed.succeeded()) {
                        LOG.fine("copy logs: " + removed.message());
                    }
                }
            } catch (CsiException e) {
                LOG.warning("cannot clean up " + base + " on " + peer.name() + " (the next copy there sweeps it): "
                        + e.getMessage());
            } finally {
                active.remove(mark);
            }
        }
    }
}
