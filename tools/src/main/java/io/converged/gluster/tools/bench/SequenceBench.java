package io.converged.gluster.tools.bench;

import io.converged.gluster.csi.v1.Volume;
import io.converged.gluster.tools.bench.Report.Row;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The provisioning sequence: volumes of the default class (replica 3, 1 GiB) created one after
 * another, then deleted one after another, each CreateVolume and DeleteVolume followed by the
 * floor's commands for another volume ({@link RawGluster}: the same gluster work run raw), with
 * {@code --settle} seconds of idle pool before every measured call. Target: CreateVolume and
 * DeleteVolume medians at most 1.10x the floor's (CreateVolume judged with glusterd's random quota
 * enable times evened out when its command history tells them). Also prints the floor's own steps
 * and one read-only gluster CLI call. Its CreateVolume times are the scale section's baseline ("first
 * ten"), its floor's create times the bursts' serial floor.
 */
final class SequenceBench {
    private final Bench bench;
    private final String run;
    private final int settleSeconds;
    /** CreateVolume times of the sequence: the first volumes, on a small pool. */
    private final List<Double> firstCreates = new ArrayList<>();
    /** The raw create times of the sequence, for the burst's serial comparison. */
    private final List<Double> rawCreates = new ArrayList<>();

    SequenceBench(Bench bench, String run, int settleSeconds) {
        this.bench = bench;
        this.run = run;
        this.settleSeconds = settleSeconds;
    }

    /** The sequence's CreateVolume times, in order; empty until {@link #create} ran. */
    List<Double> firstCreates() {
        return firstCreates;
    }

    /** The floor's create times of the sequence; empty until {@link #create} ran. */
    List<Double> rawCreates() {
        return rawCreates;
    }

    /** Creates volumes one after another, a CSI one then a raw one; returns (CSI id, raw name) pairs. */
    List<String[]> create(int sequence) throws Exception {
        bench.note("sequence: " + sequence + " CreateVolume, each followed by the raw commands for another volume");
        List<String[]> pairs = new ArrayList<>();
        List<Double> rawTimes = new ArrayList<>();
        for (int i = 1; i <= sequence; i++) {
            String claim = String.format(Locale.ROOT, "seq-%s-%02d", run, i);
            String rawName = "raw-" + claim;
            Volume[] made = new Volume[1];
            settle();
            firstCreates.add(Bench.millis(() -> made[0] = bench.createVolume(claim)));
            settle();
            rawTimes.add(Bench.millis(() -> bench.rawCreate(rawName)));
            pairs.add(new String[] {made[0].getVolumeId(), rawName});
        }
        rawCreates.addAll(rawTimes);
        // The target is judged on the medians with the quota enables evened out (see
        // evenQuotaEnables), on the plain ones only when glusterd's history cannot tell them apart.
        List<Row> evened = evenQuotaEnables(pairs, rawTimes);
        addRatioRow("provisioning", "CreateVolume", firstCreates, rawTimes, evened.isEmpty() ? 1.10 : Double.NaN);
        evened.forEach(bench.report()::add);
        return pairs;
    }

    /**
     * glusterd takes either ~1.2 s or ~2.2 s for a quota enable, at random (its service restarts
     * wait in whole seconds), for the driver's volumes and the raw ones alike; with ten or twenty
     * samples the medians land on either mode. This row gives each volume, CSI and raw, the run's
     * median quota enable in place of its own (read from glusterd's command history): the same
     * gluster work on both sides, and what remains apart is the driver's.
     */
    private List<Row> evenQuotaEnables(List<String[]> pairs, List<Double> rawTimes) throws InterruptedException {
        // Each peer's glusterd keeps the history of the commands sent to it, and the controller
        // may send a volume's commands to any peer: read them all. glusterd writes the history
        // through a buffer, so the last volume's lines may come a moment later.
        Map<String, Double> enables = new HashMap<>();
        for (int attempt = 0; attempt < 2; attempt++) {
            enables.clear();
            for (String socket : bench.env().list("GLUSTER_SOCKETS")) {
                Path history = Path.of(socket).getParent().getParent().resolve("log").resolve("cmd_history.log");
                try {
                    enables.putAll(CommandHistory.quotaEnableMillis(history));
                } catch (IOException e) {
                    bench.note("no quota enable times from " + history + ": " + e.getMessage());
                }
            }
            if (pairs.stream().allMatch(p -> enables.containsKey(p[0]) && enables.containsKey(p[1]))) {
                break;
            }
            Thread.sleep(2000);
        }
        List<Integer> known = new ArrayList<>();
        List<Double> all = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) {
            String[] pair = pairs.get(i);
            if (enables.containsKey(pair[0]) && enables.containsKey(pair[1])) {
                known.add(i);
                all.add(enables.get(pair[0]));
                all.add(enables.get(pair[1]));
            } else {
                bench.note("no quota enable time of " + pair[0] + " or " + pair[1] + " in the peers' cmd_history.log");
            }
        }
        if (known.size() < Math.max(2, pairs.size() / 2)) {
            return List.of();
        }
        double typical = Stats.median(all);
        List<Double> csi = new ArrayList<>();
        List<Double> raw = new ArrayList<>();
        long slowCsi = 0;
        long slowRaw = 0;
        for (int i : known) {
            double csiEnable = enables.get(pairs.get(i)[0]);
            double rawEnable = enables.get(pairs.get(i)[1]);
            csi.add(firstCreates.get(i) - csiEnable + typical);
            raw.add(rawTimes.get(i) - rawEnable + typical);
            slowCsi += csiEnable > typical ? 1 : 0;
            slowRaw += rawEnable > typical ? 1 : 0;
        }
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("provisioning", "quota enable on the gluster side: median, slow ones CSI/raw",
                Report.millis(typical), slowCsi + "/" + slowRaw + " of " + known.size() + " above it", "", "", ""));
        Report evened = new Report();
        ratioRows(evened, "provisioning", "CreateVolume, every quota enable at the median", csi, raw, 1.10);
        rows.addAll(evened.rows());
        return rows;
    }

    void delete(List<String[]> pairs) throws Exception {
        bench.note("sequence: " + pairs.size() + " DeleteVolume, each followed by the raw commands for another volume");
        List<Double> csi = new ArrayList<>();
        List<Double> rawTimes = new ArrayList<>();
        for (String[] pair : pairs) {
            settle();
            csi.add(Bench.millis(() -> bench.deleteVolume(pair[0])));
            settle();
            rawTimes.add(Bench.millis(() -> bench.rawDelete(pair[1])));
        }
        addRatioRow("provisioning", "DeleteVolume", csi, rawTimes, 1.10);
        for (String step : RawGluster.CREATE_STEPS) {
            stepRow("create", step);
        }
        for (String step : RawGluster.DELETE_STEPS) {
            stepRow("delete", step);
        }
        Report report = bench.report();
        List<Double> reads = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            reads.add(Bench.millis(() -> bench.raw().gluster(List.of("pool", "list"))));
        }
        report.add(new Row("raw steps", "one read-only gluster CLI call (pool list)", "", Report.millis(
                Stats.median(reads)), "", "", ""));
        RawGluster asDriver = bench.raw().asTheDriverRunsIt();
        List<Double> driverReads = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            driverReads.add(Bench.millis(() -> asDriver.gluster(List.of("pool", "list"))));
        }
        report.add(new Row("raw steps", "  the same, started as the driver starts the CLI (no geo-replication probe)",
                "", Report.millis(Stats.median(driverReads)), "", "", ""));
    }

    /** Lets the pool be idle for --settle seconds before the next measured call. */
    private void settle() throws InterruptedException {
        Thread.sleep(settleSeconds * 1000L);
    }

    /** The median of one raw step over the sequence (bursts come later and are not mixed in). */
    private void stepRow(String phase, String step) {
        List<Double> times = bench.raw().steps().getOrDefault(step, List.of());
        bench.report().add(new Row("raw steps", phase + ": " + step + " (n=" + times.size() + ")", "",
                Report.millis(Stats.median(times)), "", "", ""));
    }

    private void addRatioRow(String section, String what, List<Double> csi, List<Double> floor, double target) {
        ratioRows(bench.report(), section, what, csi, floor, target);
        bench.note(what + ": median " + Report.millis(Stats.median(csi)) + " vs raw "
                + Report.millis(Stats.median(floor)));
    }

    private static void ratioRows(Report report, String section, String what, List<Double> csi, List<Double> floor,
            double target) {
        double median = Stats.median(csi);
        double floorMedian = Stats.median(floor);
        double ratio = Stats.ratio(median, floorMedian);
        boolean judged = !Double.isNaN(target);
        report.add(new Row(section, what + " median (n=" + csi.size() + ")", Report.millis(median),
                Report.millis(floorMedian), Report.times(ratio), judged ? "<= " + target + "x" : "",
                judged ? Report.verdict(ratio <= target) : ""));
        // Both sequences alternate, and a quota enable issued soon after the other's runs ~1 s longer:
        // the times are bimodal and the median can land on either mode. The mean without the first
        // call (the controller's cold start) is the steadier comparison.
        if (csi.size() > 2) {
            double mean = Stats.mean(csi.subList(1, csi.size()));
            double floorMean = Stats.mean(floor.subList(1, floor.size()));
            report.add(new Row(section, what + " mean without the first", Report.millis(mean),
                    Report.millis(floorMean), Report.times(Stats.ratio(mean, floorMean)), "", ""));
        }
        double p95 = Stats.percentile(csi, 95);
        double floorP95 = Stats.percentile(floor, 95);
        report.add(new Row(section, what + " p95", Report.millis(p95), Report.millis(floorP95),
                Report.times(Stats.ratio(p95, floorP95)), "", ""));
    }
}
