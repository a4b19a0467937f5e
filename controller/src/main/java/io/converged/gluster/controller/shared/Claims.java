package io.converged.gluster.controller.shared;

import io.converged.gluster.controller.gluster.VolumeInfo;
import io.converged.gluster.controller.provision.ProvisionedVolume;
import io.converged.gluster.controller.provision.Step;
import io.converged.gluster.controller.provision.VolumeMetadata;
import io.converged.gluster.controller.provision.VolumeNames.ClaimId;
import io.converged.gluster.csi.runtime.CsiException;
import java.util.List;
import java.util.Optional;

/** A claim as the shared-pool classes see it: its id, its record on its directory, the volume it answers as. */
final class Claims {
    private Claims() {
    }

    /** The claim id of a volume id; NOT_FOUND for an id that names no claim. */
    static ClaimId id(String volumeId) throws CsiException {
        return ClaimId.parse(volumeId).orElseThrow(() -> CsiException.notFound("no claim has the id '" + volumeId
                + "'"));
    }

    static CsiException notFound(ClaimId id) {
        return CsiException.notFound("claim " + id + " does not exist");
    }

    /** The live claim's record: empty when the directory is missing, unrecorded or retained. */
    static Optional<ClaimRecord> record(PoolFiles files, ClaimId id) throws CsiException {
        return files.read(id.directory()).record().flatMap(ClaimRecord::parse).filter(r -> !r.retained());
    }

    /** The claim as a volume of its pool. */
    static ProvisionedVolume volume(VolumeInfo pool, ClaimId id, ClaimRecord record) {
        List<ProvisionedVolume.Brick> bricks = pool.bricks().stream()
                .map(b -> new ProvisionedVolume.Brick(b.host(), b.path())).toList();
        return new ProvisionedVolume(id.toString(), record.requestName(), record.capacityBytes(), pool.replicaCount(),
                pool.arbiterCount() > 0, bricks, VolumeMetadata.brickRoot(pool.options()), record.gid(),
                record.onDelete(), record.pvcName(), record.pvcNamespace(), pool.started(), Optional.of(pool.name()));
    }

    /**
     * A pool gluster never started (a crash while making it left it so) holds no claim: claims are made
     * through its mount, which needs it started. It cannot be mounted either, so calls that look for
     * claims pass it by; the next claim of its class finishes it.
     */
    static boolean holdsNoClaim(VolumeInfo pool) {
        return "Created".equals(pool.status());
    }

    /** Tells the listener a step of the claim is done; its failure is the call's. */
    static void step(Step.Listener listener, Step step, ClaimId id) throws CsiException {
        try {
            listener.completed(step, id.toString());
        } catch (CsiException e) {
            throw e;
        } catch (Exception e) {
            throw CsiException.internal("after " + step + " of " + id + ": " + e.getMessage(), e);
        }
    }
}
