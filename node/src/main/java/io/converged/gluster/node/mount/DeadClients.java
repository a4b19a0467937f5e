package io.converged.gluster.node.mount;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * What the node knows of FUSE clients that died under staged volumes (an OOM kill of the mount
 * keeper, a crash): each death is logged with the volume and the targets still pointing at the dead
 * mount, counted (the node's metric), and remembered for those targets until they are unpublished.
 * Re-mounting the staging path mends new publishes, but a running pod's own mount was copied from
 * its target when the pod started and still holds the dead connection: only a restart of the pod
 * gives it the volume back, and NodeGetVolumeStats of its target says so. Memory only: a restarted
 * node plugin forgets the marks, never the mounts.
 */
public final class DeadClients {
    private static final Logger LOG = Logger.getLogger(DeadClients.class.getName());

    private final Runnable onDeath;
    private final Map<Path, String> staleTargets = new ConcurrentHashMap<>();

    /** @param onDeath called once for every death found, e.g. to count it in a metric */
    public DeadClients(Runnable onDeath) {
        this.onDeath = onDeath;
    }

    /** Nobody counts. */
    public static DeadClients uncounted() {
        return new DeadClients(() -> { });
    }

    /** Records that the FUSE client of the staged volume was found dead, with the targets on the dead mount. */
    void died(StageRecord record, List<Path> stillOnDeadMount) {
        onDeath.run();
        String message = "the gluster FUSE client of volume " + record.volumeId() + " (gluster "
                + record.mount().path() + ", staged at " + record.stagingPath() + ") died at " + Instant.now()
                + "; the staging path was re-mounted, but a pod that was using this path still sees the dead"
                + " connection (Transport endpoint is not connected) until it is restarted";
        for (Path target : stillOnDeadMount) {
            staleTargets.put(target, message);
        }
        LOG.warning("the gluster FUSE client of volume " + record.volumeId() + " (gluster " + record.mount().path()
                + ") died under its staging path " + record.stagingPath() + "; re-mounting it. Targets still pointing"
                + " at the dead mount: " + (stillOnDeadMount.isEmpty() ? "none" : stillOnDeadMount)
                + (stillOnDeadMount.isEmpty() ? "" : "; the pods using them must be restarted"));
    }

    /** Why the target is abnormal although its mount answers again, if it was on a mount whose client died. */
    Optional<String> staleReason(Path target) {
        return Optional.ofNullable(staleTargets.get(target));
    }

    /** The target was unpublished (its pod is gone): nothing stale remains there. */
    void forget(Path target) {
        staleTargets.remove(target);
    }
}
