package io.converged.gluster.csi.testing;

import static io.converged.gluster.csi.testing.PoolCleanup.removeTree;
import static io.converged.gluster.csi.testing.PoolCleanup.unmountAll;
import static io.converged.gluster.csi.testing.ProcTable.awaitGone;
import static io.converged.gluster.csi.testing.ProcTable.processes;

import io.converged.gluster.csi.exec.CommandException;
import io.converged.gluster.csi.exec.CommandResult;
import io.converged.gluster.csi.exec.CommandRunner;
import io.converged.gluster.csi.exec.LocalCommandRunner;
import io.converged.gluster.csi.testing.LocalGlusterPool.Peer;
import io.converged.gluster.csi.testing.ProcTable.ProcessInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The life of a pool's peers: probing them into one pool and waiting until all are connected; one glusterd
 * at a time: starting one and waiting until it answers,
 * stopping or killing it, killing all a peer runs, wiping a peer's state, starting a new peer in its
 * place, giving a peer another's identity, and reading a peer's pid and UUID from its files. The
 * contracts of these operations are documented on {@link LocalGlusterPool}, which delegates here.
 */
final class PeerLifecycle {
    private static final Duration GLUSTERD_START = Duration.ofSeconds(30);
    private static final Duration CONNECT_WAIT = Duration.ofSeconds(60);

    private final LocalGlusterPool pool;
    private final CommandRunner runner = new LocalCommandRunner();

    PeerLifecycle(LocalGlusterPool pool) {
        this.pool = pool;
    }

    /** Probes every other peer from peer 1 and waits until each peer sees all others Connected. */
    void form() throws IOException {
        for (Peer peer : pool.peers().subList(1, pool.peers().size())) {
            CommandResult probe = pool.gluster(1, "peer", "probe", peer.address());
            if (!probe.succeeded()) {
                throw new IOException("peer probe " + peer.address() + " failed: " + probe.message());
            }
        }
        awaitConnected();
    }

    /** Waits until every running peer lists all others as Connected. */
    void awaitConnected() throws IOException {
        long deadline = System.nanoTime() + CONNECT_WAIT.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            boolean all = true;
            for (Peer peer : pool.peers()) {
                CommandResult list = pool.gluster(peer.index(), "pool", "list");
                last = list.stdout();
                long connected = list.stdout().lines().filter(l -> l.contains("Connected")
                        && !l.contains("Disconnected")).count();
                if (!list.succeeded() || connected != pool.peers().size()) {
                    all = false;
                    break;
                }
            }
            if (all) {
                return;
            }
            LocalGlusterPool.sleep(50);
        }
        throw new IOException("the pool did not connect within " + CONNECT_WAIT + "; last pool list:\n" + last);
    }

    void stopGlusterd(int index) throws IOException {
        signalGlusterd(index, false);
    }

    void killGlusterd(int index) throws IOException {
        signalGlusterd(index, true);
    }

    void killPeer(int index) throws IOException {
        Peer peer = pool.peer(index);
        List<ProcessHandle> victims = new ArrayList<>();
        glusterdPid(peer).flatMap(ProcessHandle::of).ifPresent(victims::add);
        for (ProcessInfo p : processes()) {
            if (p.isGluster() && !p.fuseClient() && p.servedBy(peer.address())) {
                ProcessHandle.of(p.pid()).ifPresent(victims::add);
            }
        }
        victims.forEach(ProcessHandle::destroyForcibly);
        awaitGone(victims, Duration.ofSeconds(10));
    }

    void wipePeer(int index) throws IOException {
        killPeer(index);
        Peer peer = pool.peer(index);
        // FUSE mounts made on the node (a shared pool's, by the controller in local mode) go with it.
        unmountAll(mount -> mount.target().startsWith(peer.dir()));
        for (Path p : List.of(peer.workingDir(), peer.runDir(), peer.brickPrefix())) {
            removeTree(p);
            if (Files.exists(p)) {
                throw new IOException("cannot remove " + p);
            }
        }
    }

    void startNewPeer(int index) throws IOException {
        Peer peer = pool.peer(index);
        if (glusterdPid(peer).flatMap(ProcessHandle::of).filter(ProcTable::running).isPresent()) {
            throw new IllegalStateException("glusterd of peer " + index + " is running");
        }
        for (Path p : List.of(peer.workingDir(), peer.runDir())) {
            removeTree(p);
        }
        for (Path p : List.of(peer.workingDir(), peer.runDir(), peer.logDir(), peer.brickPrefix())) {
            Files.createDirectories(p);
        }
        startGlusterd(peer);
    }

    void cloneIdentity(int original, int clone) throws IOException {
        if (original == clone) {
            throw new IllegalArgumentException("a peer cannot be cloned onto itself");
        }
        Path info = pool.peer(original).workingDir().resolve("glusterd.info");
        if (!Files.isRegularFile(info)) {
            throw new IllegalStateException("peer " + original + " has no glusterd.info yet");
        }
        Peer target = pool.peer(clone);
        List<ProcessHandle> running = glusterdPid(target).flatMap(ProcessHandle::of)
                .filter(ProcTable::running).stream().toList();
        running.forEach(ProcessHandle::destroy);
        awaitGone(running, Duration.ofSeconds(15));
        removeTree(target.workingDir());
        removeTree(target.runDir());
        Files.createDirectories(target.workingDir());
        Files.createDirectories(target.runDir());
        Files.copy(info, target.workingDir().resolve("glusterd.info"));
        startGlusterd(target);
    }

    String uuid(int index) throws IOException {
        for (String line : Files.readAllLines(pool.peer(index).workingDir().resolve("glusterd.info"))) {
            if (line.startsWith("UUID=")) {
                return line.substring("UUID=".length()).strip();
            }
        }
        throw new IOException("no UUID in glusterd.info of peer " + index);
    }

    void startGlusterd(int index) throws IOException {
        Peer peer = pool.peer(index);
        if (glusterdPid(peer).flatMap(ProcessHandle::of).filter(ProcTable::running).isPresent()) {
            throw new IllegalStateException("glusterd of peer " + index + " is running");
        }
        startGlusterd(peer);
    }

    private void signalGlusterd(int index, boolean kill) throws IOException {
        Peer peer = pool.peer(index);
        ProcessHandle handle = glusterdPid(peer).flatMap(ProcessHandle::of)
                .orElseThrow(() -> new IllegalStateException("glusterd of peer " + index + " is not running"));
        if (kill) {
            handle.destroyForcibly();
        } else {
            handle.destroy();
        }
        awaitGone(List.of(handle), Duration.ofSeconds(15));
    }

    /** Starts every peer's glusterd at once, each in its own thread; throws the first failure in peer order. */
    void startAll() throws IOException {
        ExecutorService starter = Executors.newFixedThreadPool(pool.peers().size());
        try {
            List<Future<?>> started = new ArrayList<>();
            for (Peer peer : pool.peers()) {
                started.add(starter.submit(() -> {
                    startGlusterd(peer);
                    return null;
                }));
            }
            for (Future<?> f : started) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    throw cause instanceof IOException io ? io : new IOException(cause);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while starting glusterd", e);
                }
            }
        } finally {
            starter.shutdownNow();
        }
    }

    private void startGlusterd(Peer peer) throws IOException {
        // glusterd daemonizes once it is initialized (about 1.5 s), so the parent's exit means ready.
        CommandResult result = run(peer.glusterdArgv(), GLUSTERD_START);
        if (!result.succeeded()) {
            throw new IOException("glusterd of peer " + peer.index() + " failed (exit " + result.exitCode() + "): "
                    + result.message() + "\n" + tail(peer.logDir().resolve("glusterd.log")));
        }
        long deadline = System.nanoTime() + GLUSTERD_START.toNanos();
        while (true) {
            CommandResult list = pool.gluster(peer.index(), "pool", "list");
            if (list.succeeded()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("glusterd of peer " + peer.index() + " does not answer: " + list.message()
                        + "\n" + tail(peer.logDir().resolve("glusterd.log")));
            }
            LocalGlusterPool.sleep(20);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log at " + log + ")";
        }
    }

    static Optional<Long> glusterdPid(Peer peer) {
        try {
            return Optional.of(Long.parseLong(Files.readString(peer.pidFile()).strip()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private CommandResult run(List<String> argv, Duration timeout) {
        try {
            return runner.run(argv, timeout);
        } catch (CommandException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
