package io.converged.gluster.controller.snapshot;

import io.converged.gluster.controller.provision.ProvisionedVolume;
import io.converged.gluster.controller.provision.VolumeRequest;
import io.converged.gluster.csi.runtime.CsiException;
import java.util.List;
import java.util.Optional;

/**
 * What the CSI controller service asks of snapshots and of volumes made from a source ({@link Snapshotting}
 * over gluster; tests may supply another). Failures are {@link CsiException}s with the code the call answers.
 */
public interface SnapshotBackend {

    /** Takes the snapshot or answers how it is (copying, ready); see {@link Snapshots#create}. */
    Snapshots.Snapshot createSnapshot(String name, String sourceVolumeId, SnapshotClassParameters parameters)
            throws CsiException;

    /** Deletes the snapshot; one that is gone is not an error. */
    void deleteSnapshot(SnapshotId id) throws CsiException;

    /** Every snapshot, sorted by id. */
    List<Snapshots.Snapshot> listSnapshots() throws CsiException;

    Optional<Snapshots.Snapshot> findSnapshot(SnapshotId id) throws CsiException;

    /** Makes the volume and fills it from the source; ABORTED with the progress until it is full. */
    ProvisionedVolume createVolumeFrom(VolumeRequest request, ContentSource source) throws CsiException;

    /** Called before DeleteVolume: refuses a volume a copy reads, stops a copy that fills it. */
    void beforeDeleteVolume(String volumeId) throws CsiException;
}
