package io.converged.gluster.tools.bench;

import io.converged.gluster.tools.bench.Report.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

/**
 * A burst: K volumes of the default class asked for at once, K CreateVolume on K threads, next to
 * the floor run the same way: K raw command sequences ({@link RawGluster}) at once, which retry
 * glusterd's lock contention as any script must. Target: volumes per minute at least 0.8x the
 * floor's, every CreateVolume succeeded. Also prints the wall time against K times the provisioning
 * sequence's serial raw create median, and the floor's lock-contention retries.
 */
final class BurstBench {
    private final Bench bench;
    private final String run;

    BurstBench(Bench bench, String run) {
        this.bench = bench;
        this.run = run;
    }

    private record Outcome(int successes, double wallMs, List<String> failures) {
        double perMinute() {
            return wallMs <= 0 ? Double.NaN : successes * 60_000.0 / wallMs;
        }
    }

    /** K tasks started together on K threads; wall time from the start gate to the last to finish. */
    private static Outcome together(int k, IntFunction<Callable<Void>> task)
            throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(k);
        try {
            CountDownLatch gate = new CountDownLatch(1);
            List<Future<Void>> futures = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                Callable<Void> one = task.apply(i);
                futures.add(pool.submit(() -> {
                    gate.await();
                    return one.call();
                }));
            }
            long start = System.nanoTime();
            gate.countDown();
            int ok = 0;
            List<String> failures = new ArrayList<>();
            for (Future<Void> f : futures) {
                try {
                    f.get(30, TimeUnit.MINUTES);
                    ok++;
                } catch (ExecutionException e) {
                    failures.add(String.valueOf(e.getCause()));
                } catch (TimeoutException e) {
                    failures.add("timed out after 30 minutes");
                    f.cancel(true);
                }
            }
            return new Outcome(ok, (System.nanoTime() - start) / 1e6, failures);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * K raw command sequences at once, then K CreateVolume at once; {@code rawSequenceCreates} are the
     * provisioning sequence's floor create times, for the serial comparison (no row without them).
     */
    void measure(int k, List<Double> rawSequenceCreates) throws Exception {
        bench.note("burst: " + k + " raw command sequences at once");
        int retriesBefore = bench.raw().lockRetries();
        Outcome rawOutcome = together(k, i -> () -> {
            bench.rawCreate(String.format(Locale.ROOT, "raw-burst%d-%s-%02d", k, run, i));
            return null;
        });
        int rawRetries = bench.raw().lockRetries() - retriesBefore;
        bench.note("burst: " + k + " CreateVolume at once");
        Outcome csi = together(k, i -> () -> {
            bench.createVolume(String.format(Locale.ROOT, "burst%d-%s-%02d", k, run, i));
            return null;
        });
        csi.failures().stream().limit(3).forEach(f -> bench.note("burst CreateVolume failed: " + f));
        rawOutcome.failures().stream().limit(3).forEach(f -> bench.note("burst raw sequence failed: " + f));
        double ratio = Stats.ratio(csi.perMinute(), rawOutcome.perMinute());
        String section = "burst K=" + k;
        Report report = bench.report();
        report.add(new Row(section, "succeeded", csi.successes() + "/" + k, rawOutcome.successes() + "/" + k, "",
                "all", Report.verdict(csi.successes() == k)));
        report.add(new Row(section, "wall time", Report.millis(csi.wallMs()), Report.millis(rawOutcome.wallMs()),
                Report.times(Stats.ratio(csi.wallMs(), rawOutcome.wallMs())), "", ""));
        report.add(new Row(section, "volumes per minute", String.format(Locale.ROOT, "%.1f", csi.perMinute()),
                String.format(Locale.ROOT, "%.1f", rawOutcome.perMinute()), Report.times(ratio), ">= 0.8x",
                Report.verdict(ratio >= 0.8)));
        double serialFloor = Stats.median(rawSequenceCreates);
        if (!Double.isNaN(serialFloor)) {
            report.add(new Row(section, "wall vs K x serial raw floor", Report.millis(csi.wallMs()),
                    Report.millis(k * serialFloor), Report.times(Stats.ratio(csi.wallMs(), k * serialFloor)), "", ""));
        }
        report.add(new Row(section, "raw lock-contention retries", Integer.toString(rawRetries), "", "", "", ""));
        bench.note("burst " + k + ": CSI " + csi.successes() + "/" + k + " in " + Report.millis(csi.wallMs())
                + ", raw " + rawOutcome.successes() + "/" + k + " in " + Report.millis(rawOutcome.wallMs()));
    }
}
