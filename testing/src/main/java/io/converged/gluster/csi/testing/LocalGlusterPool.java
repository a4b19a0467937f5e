package io.converged.gluster.csi.testing;

import static io.converged.gluster.csi.testing.PoolCleanup.list;

import io.converged.gluster.csi.exec.CommandException;
import io.converged.gluster.csi.exec.CommandResult;
import io.converged.gluster.csi.exec.CommandRunner;
import io.converged.gluster.csi.exec.GlusterCliEnvironment;
import io.converged.gluster.csi.exec.LocalCommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * A real GlusterFS trusted storage pool of N glusterd processes on this machine, one per loopback
 * address {@code 127.1.9.1..N}, each with its own working, run and log directories under one
 * temporary directory (the way GlusterFS's own regression tests run several peers on one host).
 *
 * <p>A machine-wide exclusive file lock ({@value #LOCK_FILE}) is held for the pool's whole life,
 * so two test JVMs never run pools at the same time; inside one JVM, pools are serialized too.
 * Everything the pool caused is removed by {@link #close()}, even after failed tests: FUSE mounts
 * of its volumes, volumes, its processes (by pid, never by name), the sockets and pid files its
 * processes left in {@code /var/run/gluster}, and its directory. {@link #start} first removes what
 * a previous crashed run left behind.
 *
 * <p>Peers are numbered from 1; peer i listens on {@code 127.1.9.i}. Each peer has a brick prefix:
 * the directory under which that peer's brick root lives (three peers on one machine cannot share
 * {@code /mnt/brick1}, so peer i's {@code /mnt/brick1} is {@code brickPrefix()/mnt/brick1}).
 *
 * <p>This class is the API tests use; the work is done beside it: {@link PoolLock} (the lock),
 * {@link PeerLifecycle} (starting, stopping, killing, wiping and cloning peers), {@link PoolTeardown}
 * (this pool's teardown), {@link PoolCleanup} (killing, unmounting, removing, and the leftovers of any
 * test pool) and {@link ProcTable} (what {@code /proc} says).
 */
public final class LocalGlusterPool implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LocalGlusterPool.class.getName());

    /** The machine-wide lock every pool holds for its whole life. */
    public static final String LOCK_FILE = "/tmp/gluster-csi-test-pool.lock";
    /** Test pools listen on {@code 127.1.9.x}; {@code 127.1.1.x} is deploy/local's. */
    public static final String ADDRESS_PREFIX = "127.1.9.";
    /** Every pool directory is {@code /tmp/gluster-csi-test-pool-*}; leftovers are found by it. */
    public static final String DIR_PREFIX = "gluster-csi-test-pool-";

    static final Path TMP = Path.of("/tmp");
    static final Path GLUSTER_RUN = Path.of("/var/run/gluster");
    static final Path GLUSTER_LIB = Path.of("/var/lib/glusterd");
    private static final Duration CLI_TIMEOUT = Duration.ofSeconds(120);
    private static final Pattern VALID_ARG = Pattern.compile("[^\\x00]*");

    /** One glusterd of the pool. */
    public record Peer(int index, String address, Path dir, Path glusterdSocket, Path brickPrefix, Path logDir) {

        /** The argv prefix that runs the gluster CLI against this peer's glusterd with full rights. */
        public List<String> cli() {
            return List.of("gluster", "--mode=script", "--glusterd-sock=" + glusterdSocket,
                    "--log-file=" + logDir.resolve("cli.log"));
        }

        public Path workingDir() {
            return dir.resolve("gd");
        }

        public Path runDir() {
            return dir.resolve("run");
        }

        public Path pidFile() {
            return runDir().resolve("glusterd.pid");
        }

        /** Where a brick path as the peer sees it (e.g. {@code /mnt/brick1/v/brick}) lies on this machine. */
        public Path local(String peerPath) {
            return brickPrefix.resolve(peerPath.startsWith("/") ? peerPath.substring(1) : peerPath);
        }

        /** This peer as a line of the controller's local peers file. */
        public String peersFileLine() {
            return address + " " + glusterdSocket + " " + brickPrefix + " node=local-" + index;
        }

        List<String> glusterdArgv() {
            return List.of("glusterd",
                    "--xlator-option", "management.working-directory=" + workingDir(),
                    "--xlator-option", "management.transport.socket.bind-address=" + address,
                    "--xlator-option", "management.glusterd-sockfile=" + glusterdSocket,
                    "--xlator-option", "management.run-directory=" + runDir(),
                    "--xlator-option", "management.logging-directory=" + logDir,
                    "--log-file=" + logDir.resolve("glusterd.log"),
                    "--pid-file=" + pidFile());
        }
    }

    private final Path dir;
    private final List<Peer> peers;
    private final PoolLock lock;
    private final CommandRunner runner = new LocalCommandRunner();
    private final PoolTeardown teardown;
    private final PeerLifecycle lifecycle;
    private final Thread shutdownHook;
    private boolean closed;
    private List<String> leftAfterClose = List.of();

    private LocalGlusterPool(Path dir, List<Peer> peers, PoolLock lock, Set<String> runEntriesBefore,
            Set<String> libEntriesBefore) {
        this.dir = dir;
        this.peers = List.copyOf(peers);
        this.lock = lock;
        this.teardown = new PoolTeardown(this, runEntriesBefore, libEntriesBefore);
        this.lifecycle = new PeerLifecycle(this);
        this.shutdownHook = new Thread(this::closeQuietly, "gluster-pool-teardown");
    }

    /** Starts N peers and probes them into one pool; returns once every peer sees all others Connected. */
    public static LocalGlusterPool startFormed(int peerCount) throws IOException {
        LocalGlusterPool pool = startUnformed(peerCount);
        try {
            pool.form();
        } catch (RuntimeException | IOException e) {
            pool.close();
            throw e;
        }
        return pool;
    }

    /** Starts N glusterd that know nothing of each other: every one is a pool of one. */
    public static LocalGlusterPool startUnformed(int peerCount) throws IOException {
        return startUnformed(peerCount, () -> { });
    }

    /** Work a test does while it holds the machine-wide lock, before the leftovers of crashed runs are cleaned. */
    interface Locked {
        void run() throws Exception;
    }

    /**
     * As {@link #startUnformed(int)}, running {@code whileLocked} once the machine-wide lock is held and
     * before leftovers are cleaned: a test that makes a crashed run's leftovers makes them there, so no
     * other JVM's pool start cleans them first.
     */
    static LocalGlusterPool startUnformed(int peerCount, Locked whileLocked) throws IOException {
        if (peerCount < 1 || peerCount > 9) {
            throw new IllegalArgumentException("a test pool has 1 to 9 peers, not " + peerCount);
        }
        PoolLock lock = PoolLock.take();
        LocalGlusterPool pool = null;
        try {
            runLocked(whileLocked);
            cleanLeftovers();
            Set<String> runBefore = list(GLUSTER_RUN);
            Set<String> libBefore = list(GLUSTER_LIB);
            Path dir = Files.createTempDirectory(TMP, DIR_PREFIX);
            List<Peer> peers = new ArrayList<>();
            for (int i = 1; i <= peerCount; i++) {
                Path peerDir = dir.resolve("p" + i);
                Peer peer = new Peer(i, ADDRESS_PREFIX + i, peerDir, peerDir.resolve("gd").resolve("gd.sock"),
                        peerDir.resolve("root"), peerDir.resolve("log"));
                for (Path p : List.of(peer.workingDir(), peer.runDir(), peer.logDir(), peer.brickPrefix())) {
                    Files.createDirectories(p);
                }
                peers.add(peer);
            }
            pool = new LocalGlusterPool(dir, peers, lock, runBefore, libBefore);
            Runtime.getRuntime().addShutdownHook(pool.shutdownHook);
            pool.lifecycle.startAll();
            return pool;
        } catch (IOException | RuntimeException e) {
            if (pool != null) {
                pool.close();
            } else {
                lock.release();
            }
            throw e;
        }
    }

    private static void runLocked(Locked work) throws IOException {
        try {
            work.run();
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("the work done under the pool lock failed: " + e.getMessage(), e);
        }
    }

    /** How long this pool waited for another JVM's pool to finish before it could start. */
    public long lockWaitMillis() {
        return lock.waitedMillis();
    }

    public Path dir() {
        return dir;
    }

    public List<Peer> peers() {
        return peers;
    }

    /** Peer i, counted from 1 (its address is {@code 127.1.9.i}). */
    public Peer peer(int index) {
        if (index < 1 || index > peers.size()) {
            throw new IllegalArgumentException("no peer " + index + " in a pool of " + peers.size());
        }
        return peers.get(index - 1);
    }

    /** The pool's peers as the controller's local peers file, one line per peer. */
    public String peersFileText() {
        StringBuilder text = new StringBuilder("# address glusterd-socket brick-prefix [zone=Z] [node=N]\n");
        for (Peer peer : peers) {
            text.append(peer.peersFileLine()).append('\n');
        }
        return text.toString();
    }

    /**
     * A directory for mount points and scratch files that teardown also cleans: any FUSE mount
     * under it is unmounted.
     */
    public Path scratchDir(String name) throws IOException {
        Path scratch = dir.resolve("scratch").resolve(name);
        Files.createDirectories(scratch);
        return scratch;
    }

    /** Makes teardown also unmount gluster FUSE mounts under this directory (e.g. a JUnit temp dir). */
    public void watchMountsUnder(Path root) {
        teardown.watchMountsUnder(root);
    }

    /** Runs {@code gluster ARGS} on peer i (no {@code --xml} added) and returns its result, whatever the exit code. */
    public CommandResult gluster(int index, String... args) {
        List<String> argv = new ArrayList<>(peer(index).cli());
        for (String arg : args) {
            if (!VALID_ARG.matcher(arg).matches()) {
                throw new IllegalArgumentException("argument with NUL: " + arg);
            }
            argv.add(arg);
        }
        try {
            return runner.run(argv, GlusterCliEnvironment.VARIABLES, CLI_TIMEOUT);
        } catch (CommandException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Probes every other peer from peer 1 and waits until each peer sees all others Connected. */
    public void form() throws IOException {
        lifecycle.form();
    }

    /** Waits until every running peer lists all others as Connected. */
    public void awaitConnected() throws IOException {
        lifecycle.awaitConnected();
    }

    /** Stops peer i's glusterd gracefully (SIGTERM) and waits until it is gone; its bricks keep running. */
    public void stopGlusterd(int index) throws IOException {
        lifecycle.stopGlusterd(index);
    }

    /** Kills peer i's glusterd (SIGKILL), as a crash would; its bricks keep running. */
    public void killGlusterd(int index) throws IOException {
        lifecycle.killGlusterd(index);
    }

    /**
     * Kills everything of peer i: its glusterd and the brick, self-heal and quota daemons it started.
     * FUSE clients of the pool's volumes are not the peer's and live on, as clients on other machines
     * do when a storage node dies, even those that name the peer as a volfile server.
     */
    public void killPeer(int index) throws IOException {
        lifecycle.killPeer(index);
    }

    /**
     * Peer i is lost for good, as a node whose disk died: everything {@link #killPeer} kills, then its
     * glusterd state, run directory and bricks are removed. The others keep it in their pool as
     * disconnected, with its bricks in their volumes.
     */
    public void wipePeer(int index) throws IOException {
        lifecycle.wipePeer(index);
    }

    /**
     * Starts a new glusterd at peer i's address with empty state (a node rebuilt after its disk was
     * lost): a new UUID, in no pool, no bricks. Its glusterd must not be running.
     */
    public void startNewPeer(int index) throws IOException {
        lifecycle.startNewPeer(index);
    }

    /**
     * Peer {@code clone} takes peer {@code original}'s identity, as a node cloned from the other's disk
     * image: its glusterd is stopped, its state replaced by a copy of original's {@code glusterd.info}
     * alone (so it knows no peers and has no volumes), and it is started again with that UUID.
     */
    public void cloneIdentity(int original, int clone) throws IOException {
        lifecycle.cloneIdentity(original, clone);
    }

    /** The UUID peer i's glusterd has, from its {@code glusterd.info}. */
    public String uuid(int index) throws IOException {
        return lifecycle.uuid(index);
    }

    /** Starts peer i's glusterd again (same working directory, so the same uuid and pool); waits until it answers. */
    public void startGlusterd(int index) throws IOException {
        lifecycle.startGlusterd(index);
    }

    // ---------------------------------------------------------------- teardown

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // The JVM is shutting down and this is the hook itself.
        }
        try {
            teardown.run();
            // Checked while the lock is still held: afterwards another JVM's pool may be starting.
            List<String> left = new ArrayList<>(leftoverProcesses());
            left.addAll(leftoverMounts());
            leftAfterClose = List.copyOf(left);
        } finally {
            lock.release();
        }
    }

    /**
     * What teardown could not remove (gluster processes and FUSE mounts of test pools, as lines),
     * checked before the lock was released; empty before {@link #close()} and after a clean one.
     */
    public synchronized List<String> leftAfterClose() {
        return leftAfterClose;
    }

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "test pool teardown failed", e);
        }
    }

    /**
     * Removes what a crashed earlier run left: processes and mounts of any test pool (their command
     * lines name a {@code /tmp/gluster-csi-test-pool-*} directory or a {@code 127.1.9.x} server)
     * and those directories. Only call it while holding the pool lock.
     */
    static void cleanLeftovers() {
        PoolCleanup.cleanLeftovers();
    }

    /** Gluster processes of any test pool still running on this machine, as "pid argv" lines. */
    public static List<String> leftoverProcesses() {
        return PoolCleanup.leftoverProcesses();
    }

    /** Gluster FUSE mounts of any test pool still mounted, as "source target" lines. */
    public static List<String> leftoverMounts() {
        return PoolCleanup.leftoverMounts();
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
