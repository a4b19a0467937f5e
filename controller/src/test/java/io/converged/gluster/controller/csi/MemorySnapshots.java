package io.converged.gluster.controller.csi;

import io.converged.gluster.controller.provision.ProvisionedVolume;
import io.converged.gluster.controller.provision.VolumeBackend;
import io.converged.gluster.controller.provision.VolumeRequest;
import io.converged.gluster.controller.snapshot.ContentSource;
import io.converged.gluster.controller.snapshot.SnapshotBackend;
import io.converged.gluster.controller.snapshot.SnapshotClassParameters;
import io.converged.gluster.controller.snapshot.SnapshotId;
import io.converged.gluster.controller.snapshot.SnapshotRecord;
import io.converged.gluster.controller.snapshot.Snapshots;
import io.converged.gluster.csi.runtime.CsiException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Snapshots kept in a map, ready at once, over a memory backend's volumes; records every call so a test
 * can prove a refused request did nothing. A volume made from a source is made by the backend.
 */
final class MemorySnapshots implements SnapshotBackend {
    static final Instant CREATED = Instant.parse("2026-01-02T03:04:05.123456789Z");

    final Map<String, Snapshots.Snapshot> snapshots = new TreeMap<>();
    final List<String> calls = new ArrayList<>();
    private final VolumeBackend volumes;
    volatile CsiException failure;

    MemorySnapshots(VolumeBackend volumes) {
        this.volumes = volumes;
    }

    private synchronized void call(String what) throws CsiException {
        calls.add(what);
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public Snapshots.Snapshot createSnapshot(String name, String sourceVolumeId, SnapshotClassParameters parameters)
            throws CsiException {
        call("createSnapshot " + name + " of " + sourceVolumeId + " in " + parameters.pool());
        ProvisionedVolume source = volumes.find(sourceVolumeId).orElseThrow(() -> CsiException.notFound("no "
                + sourceVolumeId));
        SnapshotId id = SnapshotId.forRequest(parameters.pool(), name);
        Snapshots.Snapshot snapshot = new Snapshots.Snapshot(id, SnapshotRecord.copying(name, sourceVolumeId, CREATED,
                source.capacityBytes()).asReady(1234));
        synchronized (this) {
            snapshots.put(id.toString(), snapshot);
        }
        return snapshot;
    }

    @Override
    public void deleteSnapshot(SnapshotId id) throws CsiException {
        call("deleteSnapshot " + id);
        synchronized (this) {
            snapshots.remove(id.toString());
        }
    }

    @Override
    public synchronized List<Snapshots.Snapshot> listSnapshots() throws CsiException {
        call("listSnapshots");
        return List.copyOf(snapshots.values());
    }

    @Override
    public synchronized Optional<Snapshots.Snapshot> findSnapshot(SnapshotId id) throws CsiException {
        call("findSnapshot " + id);
        return Optional.ofNullable(snapshots.get(id.toString()));
    }

    @Override
    public ProvisionedVolume createVolumeFrom(VolumeRequest request, ContentSource source) throws CsiException {
        call("createVolumeFrom " + request.volumeName() + " " + source.key());
        return volumes.create(request);
    }

    @Override
    public void beforeDeleteVolume(String volumeId) throws CsiException {
        call("beforeDeleteVolume " + volumeId);
    }
}
