package io.converged.gluster.tools.bench;

import io.converged.gluster.tools.bench.Report.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The scale section: the pool grown to N volumes of the default class, one CreateVolume after
 * another, with checkpoints of the time per create, the controller's resident memory and the
 * gluster processes (bricks) with theirs. Its floor is the driver's own start: the median
 * CreateVolume of the last ten volumes must stay within 1.2x the provisioning sequence's median
 * (the first volumes, on a small pool). Stops early, and says so, when the machine runs short of
 * memory.
 */
final class ScaleBench {
    /** The scale phase stops before the machine (shared with others) runs short of memory. */
    private static final long MIN_AVAILABLE_MIB = 3072;

    private final Bench bench;
    private final String run;

    ScaleBench(Bench bench, String run) {
        this.bench = bench;
        this.run = run;
    }

    /** Grows the pool to {@code scale} volumes, judged against {@code firstCreates} (the sequence's creates). */
    void measure(int scale, List<Double> firstCreates) throws Exception {
        int count = bench.raw().volumeCount();
        bench.note("scale: growing the pool from " + count + " to " + scale + " volumes, one CreateVolume at a time");
        long controllerPid = Long.parseLong(bench.env().get("CONTROLLER_PID"));
        List<Double> window = new ArrayList<>();
        List<Double> lastTen = new ArrayList<>();
        int step = Math.max(10, scale / 5 / 10 * 10);
        int next = ((count / step) + 1) * step;
        Report report = bench.report();
        checkpoint(count, List.of(), controllerPid);
        for (int i = 1; count < scale; i++) {
            long available = Procs.availableMib();
            if (available >= 0 && available < MIN_AVAILABLE_MIB) {
                bench.note("scale: stopping at " + count + " volumes: only " + available + " MiB of memory left");
                report.add(new Row("scale", "stopped early: memory available", available + " MiB at " + count
                        + " volumes", "", "", "", ""));
                checkpoint(count, window, controllerPid);
                break;
            }
            String claim = String.format(Locale.ROOT, "scale-%s-%03d", run, i);
            double ms = Bench.millis(() -> bench.createVolume(claim));
            count++;
            window.add(ms);
            if (scale - count < 10) {
                lastTen.add(ms);
            }
            if (count >= next || count >= scale) {
                checkpoint(count, window, controllerPid);
                window = new ArrayList<>();
                next += step;
            }
        }
        if (lastTen.isEmpty()) {
            return;
        }
        double first = Stats.median(firstCreates);
        double last = Stats.median(lastTen);
        double ratio = Stats.ratio(last, first);
        report.add(new Row("scale", "CreateVolume at volumes " + (scale - 9) + "-" + scale + " vs first ten",
                Report.millis(last), Report.millis(first) + " (first ten)", Report.times(ratio), "<= 1.2x",
                Report.verdict(ratio <= 1.2)));
    }

    private void checkpoint(int count, List<Double> window, long controllerPid) {
        Procs.Gluster gluster = Procs.glusterOf(bench.dir(), bench.peers());
        long rss = Procs.rssKib(controllerPid);
        Report report = bench.report();
        report.add(new Row("scale", "pool of " + count + " volumes", window.isEmpty() ? "-"
                : Report.millis(Stats.median(window)) + " per create (median of last " + window.size() + ")",
                "", "", "", ""));
        report.add(new Row("scale", "  controller RSS / gluster processes (bricks) / their RSS",
                rss / 1024 + " MiB / " + gluster.processes() + " (" + gluster.brickProcesses() + ") / "
                        + gluster.rssKib() / 1024 + " MiB", "", "", "", ""));
        bench.note("scale: " + count + " volumes, controller " + rss / 1024 + " MiB, " + gluster.processes()
                + " gluster processes, " + gluster.rssKib() / 1024 + " MiB");
    }
}
