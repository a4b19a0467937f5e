package io.converged.gluster.node.csi;

import io.grpc.Status;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One operation per volume at a time. A second caller is not queued behind a mount that may take
 * seconds: it gets ABORTED at once, and kubelet retries.
 */
public final class VolumeLocks {
    private final Set<String> held = ConcurrentHashMap.newKeySet();

    /** A held lock; closing releases it. */
    public interface Lock extends AutoCloseable {
        @Override
        void close();
    }

    /** Takes the volume's lock, or fails with ABORTED when another operation holds it. */
    Lock lock(String volumeId) throws CsiException {
        Lock lock = tryLock(volumeId);
        if (lock == null) {
            throw new CsiException(Status.Code.ABORTED, "an operation on volume " + volumeId
                    + " is already in progress; retry later");
        }
        return lock;
    }

    /** Takes the volume's lock, or returns null when another operation holds it. */
    public Lock tryLock(String volumeId) {
        return held.add(volumeId) ? () -> held.remove(volumeId) : null;
    }
}
