package io.converged.gluster.tools.bench;

import io.converged.gluster.csi.exec.CommandException;
import io.converged.gluster.csi.exec.LocalCommandRunner;
import io.converged.gluster.csi.runtime.Endpoint;
import io.converged.gluster.csi.runtime.UnixChannel;
import io.converged.gluster.csi.v1.CapacityRange;
import io.converged.gluster.csi.v1.ControllerGrpc;
import io.converged.gluster.csi.v1.CreateVolumeRequest;
import io.converged.gluster.csi.v1.DeleteVolumeRequest;
import io.converged.gluster.csi.v1.IdentityGrpc;
import io.converged.gluster.csi.v1.NodeGrpc;
import io.converged.gluster.csi.v1.ProbeRequest;
import io.converged.gluster.csi.v1.Volume;
import io.converged.gluster.csi.v1.VolumeCapability;
import io.converged.gluster.tools.bench.BenchOptions.Phase;
import io.converged.gluster.tools.bench.Report.Row;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The benchmark of the embedded default: CSI calls over the sockets of a running
 * {@code deploy/local/up DIR} next to the same gluster commands run raw against the same pool in
 * the same run (the floor). Prints one table of figures; never a pass/fail test. Run it through
 * {@code deploy/local/bench [--quick]}, or by hand from the tools jar:
 * {@code java -cp tools/target/gluster-csi-tools.jar io.converged.gluster.tools.bench.Bench DIR} ({@code --help}
 * lists the options; bad options exit with code 2).
 *
 * <p>Bench runs the phases in order ({@link BenchOptions.Phase}) and owns what they share: the
 * channels to the servers, the floor's {@link RawGluster}, the report, and the volumes the run made,
 * which it removes at the end whatever happened. Each phase is its own class: {@link Footprint},
 * {@link SequenceBench}, {@link NodeBench}, {@link BurstBench}, {@link ScaleBench},
 * {@link SharedBench}, {@link QuotaBench}, {@link SnapshotBench}.
 */
@Command(name = "Bench", sortOptions = false,
        description = "The benchmark of the embedded default: CSI calls next to the same gluster commands run raw.")
public final class Bench implements Callable<Integer> {
    /** Netty warns that unix sockets have no SO_KEEPALIVE; held strongly so the level sticks. */
    private static final Logger NETTY_BOOTSTRAP = Logger.getLogger("io.grpc.netty.shaded.io.netty.bootstrap");
    private static final long GIB = 1L << 30;
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final PrintStream out;
    private final PrintStream log;
    private final Report report = new Report();
    private final LocalCommandRunner runner = new LocalCommandRunner();
    private final String run = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
    /** What this run made and has not removed yet: CSI volume ids and raw volume names. */
    private final Map<String, Boolean> csiVolumes = new ConcurrentHashMap<>();
    private final Map<String, Boolean> rawVolumes = new ConcurrentHashMap<>();

    private EnvFile env;
    private RawGluster raw;
    private UnixChannel controllerChannel;
    private UnixChannel nodeChannel;
    private List<String> peers;

    @Mixin
    private final BenchOptions options = new BenchOptions();

    Bench(PrintStream out, PrintStream log) {
        this.out = out;
        this.log = log;
    }

    public static void main(String[] args) {
        NETTY_BOOTSTRAP.setLevel(Level.SEVERE);
        System.exit(new Bench(System.out, System.err).run(args));
    }

    /** Parses the options and runs the benchmark; returns the exit code (0 ran, 1 failed, 2 bad usage). */
    int run(String... args) {
        return new CommandLine(this)
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(log, true))
                .setCaseInsensitiveEnumValuesAllowed(true)
                .execute(args);
    }

    /** --quick's figures where no option gives one, else the full run's. */
    void settleDefaults() {
        options.settleDefaults();
    }

    @Override
    public Integer call() {
        settleDefaults();
        try {
            Path dir = options.dir();
            env = EnvFile.read(dir.resolve("env"));
            peers = env.list("GLUSTER_PEERS");
            List<String> sockets = env.list("GLUSTER_SOCKETS");
            raw = new RawGluster(runner, peers, env.list("BRICK_ROOTS"), sockets.get(0),
                    dir.resolve("bench-cli.log").toString());
            controllerChannel = UnixChannel.open(Endpoint.parse(env.get("CSI_CONTROLLER_ENDPOINT")));
            nodeChannel = UnixChannel.open(Endpoint.parse(env.get("CSI_NODE_ENDPOINT")));
            out.print(header());
            out.flush();
            try {
                phases();
            } finally {
                cleanUp();
            }
            out.println();
            out.print(report.render());
            if (options.markdown() != null) {
                Files.writeString(options.markdown(), report.markdown(), StandardCharsets.UTF_8);
            }
            return 0;
        } catch (Exception e) {
            log.println("bench failed: " + e);
            e.printStackTrace(log);
            if (!report.rows().isEmpty()) {
                out.println();
                out.print(report.render());
            }
            return 1;
        } finally {
            if (controllerChannel != null) {
                controllerChannel.close();
            }
            if (nodeChannel != null) {
                nodeChannel.close();
            }
        }
    }

    private String header() throws CommandException {
        String load = runner.run(List.of("cat", "/proc/loadavg"), Duration.ofSeconds(5)).stdout().strip();
        return "gluster-csi benchmark " + LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
                .substring(0, 19) + " on " + Runtime.getRuntime().availableProcessors() + " CPUs, load " + load + "\n"
                + "pool " + String.join(" ", peers) + ", cluster.brick-multiplex=" + raw.globalOption(
                        "cluster.brick-multiplex") + ", java " + System.getProperty("java.version") + "\n";
    }

    private void progress(String message) {
        log.println(LocalDateTime.now().format(CLOCK) + " bench: " + message);
        log.flush();
    }

    private void phases() throws Exception {
        if (options.runs(Phase.FOOTPRINT)) {
            new Footprint(this).measure();
        }
        SequenceBench sequence = new SequenceBench(this, run, options.settle());
        if (options.runs(Phase.SEQUENCE)) {
            List<String[]> pairs = sequence.create(options.sequence());
            if (options.runs(Phase.NODE)) {
                new NodeBench(this).measure(pairs, options.nodeVolumes());
            }
            sequence.delete(pairs);
        }
        if (options.runs(Phase.BURST)) {
            BurstBench burst = new BurstBench(this, run);
            for (int k : options.bursts()) {
                burst.measure(k, sequence.rawCreates());
            }
        }
        if (options.runs(Phase.SCALE)) {
            new ScaleBench(this, run).measure(options.scale(), sequence.firstCreates());
        }
        if (options.runs(Phase.SHARED)) {
            SharedBench shared = new SharedBench(this, run);
            try {
                shared.measure(options.sharedSequence(), options.sharedBurst(), options.sharedScale(),
                        Stats.median(sequence.firstCreates()));
            } finally {
                shared.cleanUp();
            }
        }
        if (options.runs(Phase.QUOTA)) {
            QuotaBench quota = new QuotaBench(this, run);
            try {
                quota.measure(options.quotaWriteMib());
            } finally {
                quota.cleanUp();
            }
        }
        if (options.runs(Phase.SNAPSHOT)) {
            SnapshotBench snapshots = new SnapshotBench(this, run);
            try {
                int files = options.snapshotFiles();
                snapshots.measure(files, (long) options.snapshotMib() * 1024 * 1024 / files, options.snapshotRounds());
            } finally {
                snapshots.cleanUp();
            }
        }
    }

    // ---------------------------------------------------------------- CSI calls

    ControllerGrpc.ControllerBlockingStub controller() {
        return ControllerGrpc.newBlockingStub(controllerChannel.channel()).withDeadlineAfter(10, TimeUnit.MINUTES);
    }

    NodeGrpc.NodeBlockingStub node() {
        return NodeGrpc.newBlockingStub(nodeChannel.channel()).withDeadlineAfter(5, TimeUnit.MINUTES);
    }

    static VolumeCapability capability() {
        return VolumeCapability.newBuilder().setMount(VolumeCapability.MountVolume.getDefaultInstance())
                .setAccessMode(VolumeCapability.AccessMode.newBuilder()
                        .setMode(VolumeCapability.AccessMode.Mode.MULTI_NODE_MULTI_WRITER))
                .build();
    }

    /** CreateVolume with the parameters of storageclass-examples/replica3.yaml (the default class), 1 GiB. */
    Volume createVolume(String claim) {
        Volume volume = controller().createVolume(CreateVolumeRequest.newBuilder().setName("pvc-" + claim)
                .putParameters("replica", "3").putParameters("brickRoot", "/mnt/brick1")
                .putParameters("csi.storage.k8s.io/pvc/name", claim)
                .putParameters("csi.storage.k8s.io/pvc/namespace", "bench")
                .addVolumeCapabilities(capability())
                .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(GIB)).build()).getVolume();
        csiVolumes.put(volume.getVolumeId(), true);
        return volume;
    }

    /** DeleteVolume of anything the run made. */
    void deleteVolume(String id) {
        controller().deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId(id).build());
        csiVolumes.remove(id);
    }

    /** The floor's commands for one volume of 1 GiB; the clean-up deletes it if nothing else does. */
    void rawCreate(String name) throws CommandException {
        rawVolumes.put(name, true);
        raw.create(name, GIB);
    }

    void rawDelete(String name) throws CommandException {
        raw.delete(name);
        rawVolumes.remove(name);
    }

    @FunctionalInterface
    interface Timed {
        void run() throws Exception;
    }

    static double millis(Timed action) throws Exception {
        long start = System.nanoTime();
        action.run();
        return (System.nanoTime() - start) / 1e6;
    }

    // ---------------------------------------------------------------- clean-up

    /** Removes everything this run made, eight at a time, so deploy/local/down has little to do. */
    private void cleanUp() throws InterruptedException {
        List<String> csi = new ArrayList<>(csiVolumes.keySet());
        List<String> raws = new ArrayList<>(rawVolumes.keySet());
        if (csi.isEmpty() && raws.isEmpty()) {
            return;
        }
        Collections.sort(csi);
        progress("clean-up: deleting " + csi.size() + " CSI and " + raws.size() + " raw volumes, 8 at a time");
        AtomicInteger failed = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        long start = System.nanoTime();
        try {
            List<Future<?>> futures = new ArrayList<>();
            csi.forEach(id -> futures.add(pool.submit(() -> {
                try {
                    deleteVolume(id);
                } catch (RuntimeException e) {
                    failed.incrementAndGet();
                    progress("clean-up: DeleteVolume " + id + " failed: " + e.getMessage());
                }
            })));
            raws.forEach(name -> futures.add(pool.submit(() -> {
                try {
                    rawDelete(name);
                } catch (CommandException e) {
                    failed.incrementAndGet();
                    progress("clean-up: raw delete " + name + " failed: " + e.getMessage());
                }
            })));
            for (Future<?> f : futures) {
                try {
                    f.get(30, TimeUnit.MINUTES);
                } catch (ExecutionException | TimeoutException e) {
                    failed.incrementAndGet();
                }
            }
        } finally {
            pool.shutdownNow();
        }
        double wall = (System.nanoTime() - start) / 1e6;
        if (!csi.isEmpty() && csi.size() + raws.size() >= 20) {
            report.add(new Row("clean-up", "delete " + (csi.size() + raws.size()) + " volumes, 8 at a time",
                    Report.millis(wall) + " (" + failed.get() + " failed)", "", "", "", ""));
        }
        progress("clean-up: done in " + Report.millis(wall) + ", " + failed.get() + " failed");
    }

    // ---------------------------------------------------------------- for the sections

    Path dir() {
        return options.dir();
    }

    EnvFile env() {
        return env;
    }

    int quotaWriteMib() {
        return options.quotaWriteMib();
    }

    int footprintRuns() {
        return options.footprintRuns();
    }

    Report report() {
        return report;
    }

    RawGluster raw() {
        return raw;
    }

    List<String> peers() {
        return peers;
    }

    /** A progress line on the log (stderr), stamped with the time of day. */
    void note(String message) {
        progress(message);
    }

    static boolean probeReady(Path socket) {
        try (UnixChannel channel = UnixChannel.open(new Endpoint(socket))) {
            return IdentityGrpc.newBlockingStub(channel.channel()).withDeadlineAfter(2, TimeUnit.SECONDS)
                    .probe(ProbeRequest.getDefaultInstance()).getReady().getValue();
        } catch (RuntimeException e) {
            return false;
        }
    }

    static void deleteTree(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (var walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
