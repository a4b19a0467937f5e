package io.converged.gluster.controller.snapshot;

import io.converged.gluster.controller.provision.Step;
import io.converged.gluster.controller.provision.TrustedPool;
import io.converged.gluster.controller.provision.VolumeBackend;
import io.converged.gluster.controller.provision.VolumeCreator;
import io.converged.gluster.controller.shared.Mounts;
import io.converged.gluster.controller.provision.ProvisionedVolume;
import io.converged.gluster.controller.provision.VolumeRequest;
import io.converged.gluster.csi.runtime.CsiException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * The snapshot side of the controller, wired: {@link Snapshots} (CreateSnapshot, DeleteSnapshot,
 * ListSnapshots), {@link Restores} (CreateVolume from a snapshot or a volume) and the copies they share.
 */
public final class Snapshotting implements SnapshotBackend, AutoCloseable {
    /** Copies that run at once; more wait their turn (each reads and writes a gluster volume at full speed). */
    public static final int COPY_THREADS = 4;

    private final Snapshots snapshots;
    private final Restores restores;
    private final Copies copies;

    private Snapshotting(Snapshots snapshots, Restores restores, Copies copies) {
        this.snapshots = snapshots;
        this.restores = restores;
        this.copies = copies;
    }

    /**
     * @param volumes the volume backend of both layouts (sources are found and targets made through it)
     * @param mountRoot where the controller mounts on a peer ({@code --pool-mount-root}); copies mount below it
     * @param logDir where the copies' mount clients log on the peer
     * @param purger removes deleted snapshots in the background
     */
    public static Snapshotting of(TrustedPool trusted, VolumeCreator creator, Mounts mounts, VolumeBackend volumes,
            Step.Listener listener, Clock clock, String mountRoot, String logDir, CopyMetrics metrics,
            Executor purger) {
        Copies copies = new Copies(trusted, mountRoot, logDir, Duration.ofSeconds(120), listener, metrics,
                COPY_THREADS);
        Snapshots snapshots = new Snapshots(trusted, creator, mounts, volumes, copies, listener, clock, purger);
        return new Snapshotting(snapshots, new Restores(trusted, volumes, snapshots, copies, clock), copies);
    }

    @Override
    public Snapshots.Snapshot createSnapshot(String name, String sourceVolumeId, SnapshotClassParameters parameters)
            throws CsiException {
        return snapshots.create(name, sourceVolumeId, parameters);
    }

    @Override
    public void deleteSnapshot(SnapshotId id) throws CsiException {
        snapshots.delete(id);
    }

    @Override
    public List<Snapshots.Snapshot> listSnapshots() throws CsiException {
        return snapshots.list();
    }

    @Override
    public Optional<Snapshots.Snapshot> findSnapshot(SnapshotId id) throws CsiException {
        return snapshots.find(id);
    }

    @Override
    public ProvisionedVolume createVolumeFrom(VolumeRequest request, ContentSource source) throws CsiException {
        return restores.create(request, source);
    }

    @Override
    public void beforeDeleteVolume(String volumeId) throws CsiException {
        restores.beforeDelete(volumeId);
    }

    /** What a stopped controller left: see {@link Snapshots#resumeAll}. For the background at start-up. */
    public void resumeAll() {
        snapshots.resumeAll();
    }

    @Override
    public void close() {
        copies.close();
    }
}
