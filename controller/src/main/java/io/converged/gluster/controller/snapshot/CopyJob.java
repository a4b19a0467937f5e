package io.converged.gluster.controller.snapshot;

import io.converged.gluster.controller.provision.Step;
import io.converged.gluster.csi.exec.CommandResult;
import io.converged.gluster.csi.runtime.CsiException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One copy in the background: a snapshot being taken or a volume being filled. It runs on a copy thread
 * of {@link Copies}, through an {@link Copies.Attempt} (its own mounts on one peer), and leaves what
 * it did recorded in gluster; this object only tells the calls that poll how far it is. A copy that
 * fails keeps its failure until a call reads it (and then starts it again).
 */
abstract class CopyJob implements Runnable {
    private static final Logger LOG = Logger.getLogger(CopyJob.class.getName());
    /**
     * How often at most a running copy measures what it has written. Each measure is a {@code du} walk of
     * the copy over the same mount, which can slow the copy (a walk every 2 s beside a {@code cp -a} of 1 GiB
     * in 1,000 files once made it 1.4 to 1.7 times as long, and once cost nothing), so a measure also waits
     * {@value #MEASURE_SHARE} times as long as the last one took.
     */
    static final Duration SAMPLE = Duration.ofSeconds(5);
    static final int MEASURE_SHARE = 20;
    /** How often progress is logged. */
    private static final Duration LOG_EVERY = Duration.ofSeconds(30);

    /** What is being copied, for messages and metrics. */
    enum Kind {
        SNAPSHOT, RESTORE;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    enum State { QUEUED, RUNNING, DONE, FAILED }

    final Kind kind;
    /** The destination's key: {@code snapshot:ID} or {@code volume:ID}. */
    final String key;
    /** The source's key, once known (a restore of a snapshot knows it from the start). */
    final String sourceKey;
    final Copies copies;
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile State state = State.QUEUED;
    private volatile CsiException failure;
    private volatile long copiedBytes;
    private volatile long totalBytes = -1;
    private volatile boolean removing;
    private volatile boolean copying;
    private volatile long startedNanos;
    private volatile long finishedNanos;
    private volatile boolean cancelled;
    private volatile Copies.Attempt attempt;

    CopyJob(Kind kind, String key, String sourceKey, Copies copies) {
        this.kind = kind;
        this.key = key;
        this.sourceKey = sourceKey;
        this.copies = copies;
    }

    /** The work, through the attempt's mounts; recorded in gluster as it goes. */
    protected abstract void work(Copies.Attempt attempt) throws CsiException;

    /** What is copied into what, for the log. */
    protected abstract String describe();

    @Override
    public final void run() {
        startedNanos = System.nanoTime();
        state = State.RUNNING;
        try (Copies.Attempt opened = copies.open(key)) {
            attempt = opened;
            if (cancelled) {
                throw CsiException.aborted(describe() + " was cancelled");
            }
            work(opened);
            opened.succeeded();
            finish(State.DONE, null);
        } catch (CsiException e) {
            finish(State.FAILED, cancelled ? CsiException.aborted(describe() + " was cancelled: " + e.getMessage())
                    : e);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, describe() + " failed", e);
            finish(State.FAILED, CsiException.internal(describe() + " failed: " + e, e));
        }
    }

    private void finish(State end, CsiException why) {
        failure = why;
        finishedNanos = System.nanoTime();
        if (startedNanos == 0) {
            startedNanos = finishedNanos;
        }
        state = end;
        attempt = null;
        copies.metrics().finished(kind, end == State.DONE);
        if (end == State.DONE) {
            LOG.info(describe() + ": done in " + seconds(finishedNanos - startedNanos) + " s"
                    + (copying ? ", " + Sizes.of(copiedBytes) + " written" : ""));
        } else {
            LOG.warning(describe() + ": failed after " + seconds(finishedNanos - startedNanos) + " s: "
                    + why.getMessage());
        }
        finished.countDown();
    }

    /**
     * Copies the entries of {@code from} into the existing, empty directory {@code root} (see
     * {@link PeerTree#copyEntries}), measuring what is written for the log and the metrics (once done,
     * {@link #copiedBytes} is the copy's whole size on disk); the step is heard as soon as the copy runs.
     * The measures ({@code du} walks of the copy, and one of the source for the total) compete with the
     * copy for the same mounts, so the source is measured while the copy already runs, and the copy at
     * most every {@link #SAMPLE} and for at most about a twentieth of the time: the next measure waits
     * {@link #MEASURE_SHARE} times as long as the last one took.
     */
    protected final void copyEntries(PeerTree tree, String from, String staging, Step running, String subject)
            throws CsiException {
        copiedBytes = 0;
        Future<CommandResult> process = copies.launch(() -> tree.copyEntries(from, staging, copies::launch));
        copying = true;
        awaitStarted(process, () -> !tree.names(staging).isEmpty());
        step(running, subject);
        try {
            totalBytes = tree.diskUsage(from);
        } catch (CsiException e) {
            LOG.fine(describe() + ": cannot measure " + from + " now: " + e.getMessage());
        }
        LOG.info(describe() + ": copying " + (totalBytes < 0 ? "" : Sizes.of(totalBytes) + " ") + "on "
                + tree.describe());
        long lastLog = System.nanoTime();
        long wait = SAMPLE.toMillis();
        CommandResult result;
        while (true) {
            try {
                result = process.get(wait, TimeUnit.MILLISECONDS);
                break;
            } catch (TimeoutException e) {
                long start = System.nanoTime();
                measure(tree, staging);
                wait = Math.max(SAMPLE.toMillis(), MEASURE_SHARE * (System.nanoTime() - start) / 1_000_000);
                if (System.nanoTime() - lastLog > LOG_EVERY.toNanos()) {
                    lastLog = System.nanoTime();
                    LOG.info(describe() + ": " + progress());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.cancel(true);
                throw CsiException.aborted(describe() + " was interrupted");
            } catch (ExecutionException | CancellationException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                if (cause instanceof CsiException failed) {
                    throw failed;
                }
                throw CsiException.internal(describe() + ": the copy failed: " + cause, cause);
            }
        }
        if (cancelled) {
            throw CsiException.aborted(describe() + " was cancelled");
        }
        if (!result.succeeded()) {
            throw tree.failed("copying " + from + " to " + staging, result);
        }
        long copied = tree.diskUsage(staging);
        if (copied > copiedBytes) {
            copies.metrics().copied(kind, copied - copiedBytes);
        }
        copiedBytes = copied;
    }

    /**
     * Removes what an earlier attempt of this copy left half-way (its staging directory), with no limit but
     * the copy's own: it is as big as what that attempt copied and runs in the background like the copy (the
     * call that polls hears that it is under way). Under a command's timeout, one such removal in CI ran past
     * its 120 s and failed the copy.
     */
    protected final void removeLeftover(PeerTree tree, String path) throws CsiException {
        long start = System.nanoTime();
        LOG.info(describe() + ": removing " + path + ", which an earlier attempt left");
        removing = true;
        try {
            tree.removeTree(path);
        } finally {
            removing = false;
        }
        LOG.info(describe() + ": removed " + path + " in " + (System.nanoTime() - start) / 1_000_000 + " ms");
    }

    /** What shows that a copy program runs: its first output. */
    @FunctionalInterface
    private interface Output {
        boolean begun() throws CsiException;
    }

    /** Returns once the copy program has begun its output (it runs), or has already ended. */
    private static void awaitStarted(Future<CommandResult> process, Output output) throws CsiException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!process.isDone() && !output.begun() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw CsiException.aborted("interrupted while starting a copy");
            }
        }
    }

    private void measure(PeerTree tree, String staging) {
        try {
            long now = tree.diskUsage(staging);
            long grown = now - copiedBytes;
            copiedBytes = now;
            if (grown > 0) {
                copies.metrics().copied(kind, grown);
            }
        } catch (CsiException e) {
            LOG.fine(describe() + ": cannot measure " + staging + " now: " + e.getMessage());
        }
    }

    /** Tells the step listener (tests make it halt the process). */
    protected final void step(Step step, String subject) throws CsiException {
        try {
            copies.listener().completed(step, subject);
        } catch (CsiException e) {
            throw e;
        } catch (Exception e) {
            throw CsiException.internal("after " + step + " of " + subject + ": " + e.getMessage(), e);
        }
    }

    /** The copy was taken off the queue before it ran: it ends, cancelled. */
    void dropped() {
        cancelled = true;
        finish(State.FAILED, CsiException.aborted(describe() + " was cancelled before it ran"));
    }

    /** Stops the copy: its mounts are taken away, so whatever it runs fails at once. */
    void cancel() {
        cancelled = true;
        Copies.Attempt current = attempt;
        if (current != null) {
            current.fence();
        }
    }

    /** Waits for the copy to end; false when it did not within the limit. */
    boolean await(Duration limit) throws InterruptedException {
        return finished.await(limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    State state() {
        return state;
    }

    boolean finished() {
        return state == State.DONE || state == State.FAILED;
    }

    CsiException failure() {
        return failure;
    }

    long finishedNanos() {
        return finishedNanos;
    }

    long copiedBytes() {
        return copiedBytes;
    }

    /** How far the copy is, in words: what a polling call answers. */
    String progress() {
        return switch (state) {
            case QUEUED -> "waiting for a free copy slot";
            case RUNNING -> removing ? "removing what an earlier attempt left half-way"
                    : !copying ? "preparing the copy"
                    : totalBytes < 0 ? "copied " + Sizes.of(copiedBytes) + " in " + seconds(System.nanoTime()
                    - startedNanos) + " s"
                    : "copied " + Sizes.of(copiedBytes) + " of about " + Sizes.of(totalBytes)
                    + (totalBytes > 0 ? " (" + Math.min(100, copiedBytes * 100 / totalBytes) + "%)" : "")
                    + " in " + seconds(System.nanoTime() - startedNanos) + " s";
            case DONE -> "done";
            case FAILED -> "failed: " + failure.getMessage();
        };
    }

    private static long seconds(long nanos) {
        return TimeUnit.NANOSECONDS.toSeconds(nanos);
    }

    /** Byte counts for people. */
    static final class Sizes {
        private Sizes() {
        }

        static String of(long bytes) {
            if (bytes < 1024) {
                return bytes + " B";
            }
            String[] units = {"KiB", "MiB", "GiB", "TiB"};
            double value = bytes;
            int unit = -1;
            while (value >= 1024 && unit < units.length - 1) {
                value /= 1024;
                unit++;
            }
            return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
        }
    }
}
