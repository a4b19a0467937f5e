package io.converged.gluster.csi.runtime;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Per-volume try-locks: a second call for a volume that is still being worked on is answered
 * ABORTED at once (the CSI spec's "operation pending" answer, which the sidecars retry) instead of
 * queueing behind a long gluster operation. Calls on different volumes never wait for each other.
 *
 * <p>Background work (a start-up heal, a periodic quota check) takes a volume's lock too, so no call
 * changes the volume under it; a call that finds such a lock waits for it, up to a bound, rather than
 * being turned away for something the caller never asked for.
 */
public final class VolumeLocks {
    /** How long a call waits for background work on its volume before it is ABORTED. */
    public static final Duration BACKGROUND_WAIT = Duration.ofSeconds(10);

    /** The held keys; the value is true when background work holds it. Guarded by this. */
    private final Map<String, Boolean> held = new HashMap<>();
    private final Duration backgroundWait;

    public VolumeLocks() {
        this(BACKGROUND_WAIT);
    }

    /** @param backgroundWait how long a call waits for background work on its volume */
    public VolumeLocks(Duration backgroundWait) {
        this.backgroundWait = backgroundWait;
    }

    /** A held lock; release it with try-with-resources. */
    public interface Held extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Takes the lock for the key for a call: ABORTED at once when another call holds it; when background
     * work holds it, waits for it up to the bound, then ABORTED.
     */
    public Held acquire(String key) throws CsiException {
        long deadline = System.nanoTime() + backgroundWait.toNanos();
        synchronized (this) {
            while (true) {
                Boolean background = held.get(key);
                if (background == null) {
                    return take(key, false);
                }
                long left = deadline - System.nanoTime();
                if (!background || left <= 0) {
                    throw CsiException.aborted(busyMessage(key));
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw CsiException.aborted(busyMessage(key));
                }
            }
        }
    }

    /** Takes the lock for the key for a call, or returns null when anything holds it. */
    public synchronized Held tryAcquire(String key) {
        return held.containsKey(key) ? null : take(key, false);
    }

    /**
     * Takes the lock for the key for background work, or returns null when anything holds it: background
     * work passes a busy volume by and never makes a call wait behind it for long.
     */
    public synchronized Held tryAcquireInBackground(String key) {
        return held.containsKey(key) ? null : take(key, true);
    }

    private Held take(String key, boolean background) {
        held.put(key, background);
        return () -> release(key);
    }

    private synchronized void release(String key) {
        held.remove(key);
        notifyAll();
    }

    /** What a caller that finds the key busy is told. */
    public static String busyMessage(String key) {
        return "an operation on " + key + " is already in progress; retry later";
    }

    /** True while some call or background work holds the key (for tests and diagnostics). */
    public synchronized boolean isHeld(String key) {
        return held.containsKey(key);
    }
}
