package io.converged.gluster.csi.runtime;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-volume try-locks: a second call for a volume that is still being worked on is answered
 * ABORTED at once (the CSI spec's "operation pending" answer, which the sidecars retry) instead of
 * queueing behind a long gluster operation. Calls on different volumes never wait for each other.
 */
public final class VolumeLocks {
    private final Set<String> held = ConcurrentHashMap.newKeySet();

    /** A held lock; release it with try-with-resources. */
    public interface Held extends AutoCloseable {
        @Override
        void close();
    }

    /** Takes the lock for the key, or throws ABORTED when another call holds it. */
    public Held acquire(String key) throws CsiException {
        Held lock = tryAcquire(key);
        if (lock == null) {
            throw CsiException.aborted(busyMessage(key));
        }
        return lock;
    }

    /** Takes the lock for the key, or returns null when another call holds it. */
    public Held tryAcquire(String key) {
        return held.add(key) ? () -> held.remove(key) : null;
    }

    /** What a caller that finds the key busy is told. */
    public static String busyMessage(String key) {
        return "an operation on " + key + " is already in progress; retry later";
    }

    /** True while some call holds the key (for tests and diagnostics). */
    public boolean isHeld(String key) {
        return held.contains(key);
    }
}
