package io.converged.gluster.tools.bench;

import io.converged.gluster.csi.exec.CommandException;
import io.converged.gluster.csi.exec.CommandResult;
import io.converged.gluster.csi.exec.CommandRunner;
import io.converged.gluster.csi.exec.GlusterCliEnvironment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The floor: the gluster commands one volume needs, run directly as argv against the pool's
 * glusterd sockets, the way an operator's script would — mkdir the brick on every peer, volume
 * create, one volume set of the metadata, start, quota enable, limit-usage; for deletion stop,
 * delete, rm -rf. Lock contention ("Another transaction is in progress") is retried with jittered
 * backoff, as any script running several of these at once must.
 */
final class RawGluster {
    private static final Duration TIMEOUT = Duration.ofSeconds(180);
    private static final int MAX_ATTEMPTS = 300;

    private final CommandRunner runner;
    private final List<String> peers;
    private final List<String> brickRoots;
    private final List<String> cli;
    /** Added to each CLI call's environment: none as an operator types it, or the driver's. */
    private final Map<String, String> environment;
    private final AtomicInteger lockRetries = new AtomicInteger();
    /** Milliseconds per step name ("volume start", "mkdir x3", ...), over every volume of the run. */
    private final Map<String, List<Double>> steps = new ConcurrentHashMap<>();

    /**
     * @param peers the peers' addresses
     * @param brickRoots each peer's brick root on this machine, same order
     * @param socket the glusterd socket the CLI talks to (the first peer's, as the controller's first chosen peer)
     * @param cliLog the CLI's log file
     */
    RawGluster(CommandRunner runner, List<String> peers, List<String> brickRoots, String socket, String cliLog) {
        this(runner, peers, brickRoots, List.of("gluster", "--mode=script", "--glusterd-sock=" + socket,
                "--log-file=" + cliLog), Map.of());
    }

    private RawGluster(CommandRunner runner, List<String> peers, List<String> brickRoots, List<String> cli,
            Map<String, String> environment) {
        this.runner = runner;
        this.peers = List.copyOf(peers);
        this.brickRoots = List.copyOf(brickRoots);
        this.cli = cli;
        this.environment = Map.copyOf(environment);
    }

    /**
     * The same commands with the CLI started as the driver starts it ({@link GlusterCliEnvironment}: no
     * python to ask whether geo-replication is installed), to tell the driver's own cost from what it
     * saves on every CLI call. Its steps are its own.
     */
    RawGluster asTheDriverRunsIt() {
        return new RawGluster(runner, peers, brickRoots, cli, GlusterCliEnvironment.VARIABLES);
    }

    int lockRetries() {
        return lockRetries.get();
    }

    /** The time each step took, per step, in the order of {@link #CREATE_STEPS} and {@link #DELETE_STEPS}. */
    Map<String, List<Double>> steps() {
        return steps;
    }

    static final List<String> CREATE_STEPS = List.of("mkdir x3", "volume create", "volume set user.*", "volume start",
            "quota enable", "quota limit-usage");
    static final List<String> DELETE_STEPS = List.of("volume stop", "volume delete", "rm -rf x3");

    private void timed(String step, long startNanos) {
        steps.computeIfAbsent(step, s -> new CopyOnWriteArrayList<>()).add((System.nanoTime() - startNanos) / 1e6);
    }

    /** Makes, tags, starts and caps a replica-N volume of the given size. */
    void create(String volume, long bytes) throws CommandException {
        List<String> bricks = new ArrayList<>();
        long t = System.nanoTime();
        for (int i = 0; i < peers.size(); i++) {
            String brick = brickRoots.get(i) + "/" + volume + "/brick";
            run(List.of("mkdir", "-p", "--", brick));
            bricks.add(peers.get(i) + ":" + brick);
        }
        List<String> create = new ArrayList<>(List.of("volume", "create", volume, "replica",
                Integer.toString(peers.size())));
        create.addAll(bricks);
        create.add("force");
        timed("mkdir x3", t);
        t = System.nanoTime();
        gluster(create);
        timed("volume create", t);
        t = System.nanoTime();
        gluster(List.of("volume", "set", volume,
                "user.bench.driver", "raw-floor", "user.bench.request-name", "pvc-" + volume,
                "user.bench.capacity-bytes", Long.toString(bytes), "user.bench.brick-root", "/mnt/brick1",
                "user.bench.on-delete", "delete", "user.bench.pvc-name", volume, "user.bench.pvc-namespace", "bench"));
        timed("volume set user.*", t);
        t = System.nanoTime();
        gluster(List.of("volume", "start", volume));
        timed("volume start", t);
        t = System.nanoTime();
        gluster(List.of("volume", "quota", volume, "enable"));
        timed("quota enable", t);
        t = System.nanoTime();
        gluster(List.of("volume", "quota", volume, "limit-usage", "/", Long.toString(bytes)));
        timed("quota limit-usage", t);
    }

    /** Stops and deletes the volume and removes its brick directories. */
    void delete(String volume) throws CommandException {
        long t = System.nanoTime();
        try {
            gluster(List.of("volume", "stop", volume));
        } catch (CommandException e) {
            // Under many concurrent stops glusterd sometimes answers "Commit failed on localhost".
            gluster(List.of("volume", "stop", volume, "force"));
        }
        timed("volume stop", t);
        t = System.nanoTime();
        gluster(List.of("volume", "delete", volume));
        timed("volume delete", t);
        t = System.nanoTime();
        for (String root : brickRoots) {
            run(List.of("rm", "-rf", "--one-file-system", "--", root + "/" + volume));
        }
        timed("rm -rf x3", t);
    }

    /** How many volumes the pool holds now. */
    int volumeCount() throws CommandException {
        String out = gluster(List.of("volume", "list")).stdout();
        return (int) out.lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("No volumes present")).count();
    }

    /** {@code volume get all KEY}: a pool-wide option, e.g. brick multiplexing. */
    String globalOption(String key) throws CommandException {
        return volumeOption("all", key);
    }

    /** {@code volume get VOLUME KEY}: one option's value as gluster shows it, or "?". */
    String volumeOption(String volume, String key) throws CommandException {
        String out = gluster(List.of("volume", "get", volume, key)).stdout();
        for (String line : out.lines().toList()) {
            String[] parts = line.strip().split("\\s+");
            if (parts.length >= 2 && parts[0].equals(key)) {
                return parts[1];
            }
        }
        return "?";
    }

    CommandResult gluster(List<String> args) throws CommandException {
        List<String> argv = new ArrayList<>(cli);
        argv.addAll(args);
        for (int attempt = 1;; attempt++) {
            CommandResult result = runner.run(argv, environment, TIMEOUT);
            if (result.succeeded()) {
                return result;
            }
            String said = result.message().toLowerCase(Locale.ROOT);
            boolean contention = said.contains("another transaction") || said.contains("locking failed")
                    || said.contains("unable to acquire lock");
            if (!contention || attempt >= MAX_ATTEMPTS) {
                throw new CommandException("gluster " + String.join(" ", args) + ": " + result.message());
            }
            lockRetries.incrementAndGet();
            sleep(Math.min(1000, 50L << Math.min(attempt - 1, 4)));
        }
    }

    private void run(List<String> argv) throws CommandException {
        CommandResult result = runner.run(argv, TIMEOUT);
        if (!result.succeeded()) {
            throw new CommandException(String.join(" ", argv) + ": " + result.message());
        }
    }

    private static void sleep(long ceilingMs) throws CommandException {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(ceilingMs / 2, ceilingMs + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandException("interrupted", e);
        }
    }
}
