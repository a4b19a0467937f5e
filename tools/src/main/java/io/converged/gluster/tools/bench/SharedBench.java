package io.converged.gluster.tools.bench;

import io.converged.gluster.csi.exec.CommandException;
import io.converged.gluster.csi.exec.CommandResult;
import io.converged.gluster.csi.exec.LocalCommandRunner;
import io.converged.gluster.csi.v1.CapacityRange;
import io.converged.gluster.csi.v1.CreateVolumeRequest;
import io.converged.gluster.csi.v1.Volume;
import io.converged.gluster.tools.bench.Report.Row;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The shared-pool section: claims of one pool made by CreateVolume next to the floor, the same
 * claim made by hand through a FUSE mount of the pool ({@code mkdir}, then
 * {@code gluster volume quota POOL limit-usage /DIR BYTES}); a burst of claims at once; and the pool
 * grown claim by claim with the gluster processes, their memory and the time per create watched.
 */
final class SharedBench {
    static final String POOL = "bench-pool";
    private static final long CLAIM_BYTES = 64L << 20;
    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    private final Bench bench;
    private final LocalCommandRunner runner = new LocalCommandRunner();
    private final String run;
    /** Claims this section made and has not deleted yet. */
    private final Set<String> claims = ConcurrentHashMap.newKeySet();
    private final List<String> rawClaims = new ArrayList<>();
    /** The sequence's claims, each made next to the floor's. */
    private final List<Double> sequenceCreates = new ArrayList<>();
    /** The pool's first ten claims after the one that made it, one right after another, as the scale's are. */
    private final List<Double> firstTen = new ArrayList<>();
    private Path mount;

    SharedBench(Bench bench, String run) {
        this.bench = bench;
        this.run = run;
    }

    private Volume create(String claim) {
        Volume volume = bench.controller().createVolume(CreateVolumeRequest.newBuilder().setName("pvc-" + claim)
                .putParameters("pool", POOL).putParameters("replica", "3").putParameters("brickRoot", "/mnt/brick1")
                .putParameters("csi.storage.k8s.io/pvc/name", claim)
                .putParameters("csi.storage.k8s.io/pvc/namespace", "bench")
                .addVolumeCapabilities(Bench.capability())
                .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(CLAIM_BYTES)).build()).getVolume();
        claims.add(volume.getVolumeId());
        return volume;
    }

    /** The floor of one claim: mkdir through the pool's mount, then its limit, with that CLI. */
    private void rawCreate(RawGluster cli, String name) throws CommandException {
        must(List.of("mkdir", "--", mount.resolve(name).toString()));
        rawClaims.add(name);
        cli.gluster(List.of("volume", "quota", POOL, "limit-usage", "/" + name, Long.toString(CLAIM_BYTES)));
    }

    private void must(List<String> argv) throws CommandException {
        CommandResult result = runner.run(argv, TIMEOUT);
        if (!result.succeeded()) {
            throw new CommandException(String.join(" ", argv) + ": " + result.message());
        }
    }

    /** Sequence, burst and scale; {@code dedicatedMedian} is the provisioning sequence's CreateVolume median. */
    void measure(int sequence, int burst, int scale, double dedicatedMedian) throws Exception {
        bench.note("shared: the first claim makes pool " + POOL);
        double made = Bench.millis(() -> create(String.format(Locale.ROOT, "shared-%s-first", run)));
        bench.report().add(new Row("shared", "first claim, which makes the pool", Report.millis(made), "", "", "",
                ""));
        mount = bench.dir().resolve("bench-pool-mount");
        Files.createDirectories(mount);
        List<String> peers = bench.peers();
        must(List.of("mount", "-t", "glusterfs", "-o", "log-file=" + bench.dir().resolve("bench-pool-client.log")
                + ",backup-volfile-servers=" + String.join(":", peers.subList(1, peers.size())),
                peers.get(0) + ":/" + POOL, mount.toString()));
        try {
            bench.note("shared: the pool's first ten claims, one right after another");
            for (int i = 1; i <= 10; i++) {
                String claim = String.format(Locale.ROOT, "shared-%s-first-%02d", run, i);
                firstTen.add(Bench.millis(() -> create(claim)));
            }
            sequence(sequence, dedicatedMedian);
            burst(burst);
            scale(scale);
        } finally {
            runner.run(List.of("umount", mount.toString()), TIMEOUT);
        }
    }

    /**
     * Each claim is followed by the floor's commands for two others: as an operator types them, and with
     * the CLI started as the driver starts it. The first is the target's floor; the second shows what
     * the driver itself adds once the CLI's own saving is taken out.
     */
    private void sequence(int n, double dedicatedMedian) throws Exception {
        bench.note("shared: " + n + " claims one after another, each followed by the floor's commands for two"
                + " others (the CLI as typed, and as the driver starts it)");
        List<Double> raw = new ArrayList<>();
        List<Double> rawAsDriver = new ArrayList<>();
        RawGluster typed = bench.raw();
        RawGluster asDriver = typed.asTheDriverRunsIt();
        for (int i = 1; i <= n; i++) {
            String claim = String.format(Locale.ROOT, "shared-%s-%03d", run, i);
            sequenceCreates.add(Bench.millis(() -> create(claim)));
            raw.add(Bench.millis(() -> rawCreate(typed, "raw-" + claim)));
            rawAsDriver.add(Bench.millis(() -> rawCreate(asDriver, "rawd-" + claim)));
        }
        double median = Stats.median(sequenceCreates);
        double floor = Stats.median(raw);
        double ratio = Stats.ratio(median, floor);
        bench.report().add(new Row("shared", "CreateVolume of a claim, median (n=" + n + ")", Report.millis(median),
                Report.millis(floor) + " (mkdir + limit-usage)", Report.times(ratio), "<= 1.1x",
                Report.verdict(ratio <= 1.10)));
        double p95 = Stats.percentile(sequenceCreates, 95);
        double floorP95 = Stats.percentile(raw, 95);
        bench.report().add(new Row("shared", "CreateVolume of a claim, p95", Report.millis(p95),
                Report.millis(floorP95), Report.times(Stats.ratio(p95, floorP95)), "", ""));
        double driverFloor = Stats.median(rawAsDriver);
        bench.report().add(new Row("shared", "  the same, against the floor with the driver's CLI environment",
                Report.millis(median), Report.millis(driverFloor) + " (no geo-replication probe)",
                Report.times(Stats.ratio(median, driverFloor)), "", ""));
        if (!Double.isNaN(dedicatedMedian)) {
            double speedup = Stats.ratio(dedicatedMedian, median);
            bench.report().add(new Row("shared", "dedicated CreateVolume median / claim's", Report.millis(
                    dedicatedMedian) + " / " + Report.millis(median), "", Report.times(speedup), ">= 5x faster",
                    Report.verdict(speedup >= 5)));
        }
        bench.note("shared: claim " + Report.millis(median) + " vs floor " + Report.millis(floor));
    }

    private void burst(int k) throws Exception {
        bench.note("shared: " + k + " claims at once");
        AtomicInteger next = new AtomicInteger();
        List<String> failures = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(k);
        long start = System.nanoTime();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                futures.add(pool.submit(() -> create(String.format(Locale.ROOT, "shared-burst-%s-%03d", run,
                        next.incrementAndGet()))));
            }
            for (Future<?> future : futures) {
                try {
                    future.get(30, TimeUnit.MINUTES);
                } catch (Exception e) {
                    failures.add(String.valueOf(e.getCause() == null ? e : e.getCause()));
                }
            }
        } finally {
            pool.shutdownNow();
        }
        double wall = (System.nanoTime() - start) / 1e6;
        failures.stream().limit(3).forEach(f -> bench.note("shared burst: a CreateVolume failed: " + f));
        bench.report().add(new Row("shared", "burst of " + k + " claims: succeeded", (k - failures.size()) + "/" + k,
                "", "", "all", Report.verdict(failures.isEmpty())));
        bench.report().add(new Row("shared", "burst of " + k + " claims: wall time", Report.millis(wall),
                Report.millis(k * Stats.median(sequenceCreates)) + " (" + k + " x the sequence's median)", "", "",
                ""));
    }

    private void scale(int target) throws Exception {
        int count = claims.size();
        bench.note("shared: growing the pool from " + count + " to " + target + " claims, one at a time");
        List<Double> window = new ArrayList<>();
        List<Double> lastTen = new ArrayList<>();
        List<Integer> checkpoints = new ArrayList<>(List.of(10, 100, 250, 500, 1000, 2000, 5000));
        checkpoints.removeIf(c -> c > target);
        if (!checkpoints.contains(target)) {
            checkpoints.add(target);
        }
        Procs.Gluster first = null;
        for (int i = 1; count < target; i++) {
            String claim = String.format(Locale.ROOT, "shared-scale-%s-%04d", run, i);
            double ms = Bench.millis(() -> create(claim));
            count++;
            window.add(ms);
            if (target - count < 10) {
                lastTen.add(ms);
            }
            if (checkpoints.contains(count)) {
                Procs.Gluster now = checkpoint(count, window);
                first = first == null ? now : first;
                window = new ArrayList<>();
            }
        }
        Procs.Gluster last = Procs.glusterOf(bench.dir(), bench.peers());
        if (first != null) {
            double processes = Stats.ratio(last.processes(), first.processes());
            double rss = Stats.ratio(last.rssKib(), first.rssKib());
            bench.report().add(new Row("shared", "gluster processes at " + count + " claims vs the first checkpoint",
                    last.processes() + " vs " + first.processes(), "", Report.times(processes), "flat (+-10%)",
                    Report.verdict(Math.abs(processes - 1) <= 0.10)));
            bench.report().add(new Row("shared", "their RSS at " + count + " claims vs the first checkpoint",
                    last.rssKib() / 1024 + " MiB vs " + first.rssKib() / 1024 + " MiB", "", Report.times(rss),
                    "flat (+-10%)", Report.verdict(Math.abs(rss - 1) <= 0.10)));
        }
        if (!lastTen.isEmpty()) {
            double firstMedian = Stats.median(firstTen);
            double lastMedian = Stats.median(lastTen);
            double ratio = Stats.ratio(lastMedian, firstMedian);
            bench.report().add(new Row("shared", "CreateVolume at claims " + (target - 9) + "-" + target
                    + " vs the first ten", Report.millis(lastMedian), Report.millis(firstMedian) + " (claims 2-11)",
                    Report.times(ratio), "<= 1.2x", Report.verdict(ratio <= 1.2)));
        }
    }

    private Procs.Gluster checkpoint(int count, List<Double> window) {
        Procs.Gluster gluster = Procs.glusterOf(bench.dir(), bench.peers());
        long rss = Procs.rssKib(Long.parseLong(bench.env().get("CONTROLLER_PID")));
        bench.report().add(new Row("shared", "pool of " + count + " claims", window.isEmpty() ? "-"
                : Report.millis(Stats.median(window)) + " per create (median of last " + window.size() + ")",
                "", "", "", ""));
        bench.report().add(new Row("shared", "  controller RSS / gluster processes (bricks) / their RSS",
                rss / 1024 + " MiB / " + gluster.processes() + " (" + gluster.brickProcesses() + ") / "
                        + gluster.rssKib() / 1024 + " MiB", "", "", "", ""));
        bench.note("shared: " + count + " claims, " + gluster.processes() + " gluster processes, "
                + gluster.rssKib() / 1024 + " MiB");
        return gluster;
    }

    /** Deletes every claim this section made (8 at a time) and the floor's directories and limits. */
    void cleanUp() throws InterruptedException {
        if (claims.isEmpty() && rawClaims.isEmpty()) {
            return;
        }
        int total = claims.size() + rawClaims.size();
        bench.note("shared clean-up: " + claims.size() + " claims, " + rawClaims.size() + " raw claims");
        long start = System.nanoTime();
        AtomicInteger failed = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (String id : List.copyOf(claims)) {
                futures.add(pool.submit(() -> {
                    try {
                        bench.deleteVolume(id);
                        claims.remove(id);
                    } catch (RuntimeException e) {
                        failed.incrementAndGet();
                    }
                }));
            }
            for (Future<?> future : futures) {
                try {
                    future.get(30, TimeUnit.MINUTES);
                } catch (Exception e) {
                    failed.incrementAndGet();
                }
            }
        } finally {
            pool.shutdownNow();
        }
        for (String name : rawClaims) {
            try {
                bench.raw().gluster(List.of("volume", "quota", POOL, "remove", "/" + name));
            } catch (CommandException e) {
                failed.incrementAndGet();
            }
        }
        double wall = (System.nanoTime() - start) / 1e6;
        bench.report().add(new Row("clean-up", "delete " + total + " claims (CSI, 8 at a time) and the floor's"
                + " limits", Report.millis(wall) + " (" + failed.get() + " failed)", "", "", "", ""));
    }
}
