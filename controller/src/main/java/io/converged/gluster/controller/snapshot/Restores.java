package io.converged.gluster.controller.snapshot;

import io.converged.gluster.controller.provision.ProvisionedVolume;
import io.converged.gluster.controller.provision.TrustedPool;
import io.converged.gluster.controller.provision.VolumeBackend;
import io.converged.gluster.controller.provision.VolumeRequest;
import io.converged.gluster.csi.runtime.CsiException;
import io.grpc.Status;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Volumes made from a snapshot or from another volume (a clone), in either layout: the volume is made as
 * any other (dedicated or a claim of a pool; without its limit until it is full, see
 * {@link VolumeBackend#createToFill}), then filled in the background ({@link RestoreCopy}), and
 * CreateVolume answers ABORTED, with how far the copy is, until it is full (then it is finished, with its
 * limit): ABORTED is an operation
 * still pending to the csi-provisioner, which calls again with the same name. The size a request asks
 * may not be below the snapshot's or the source volume's (OUT_OF_RANGE). A copy whose source is gone
 * takes the new volume away before it answers NOT_FOUND, so a final answer never leaves a volume
 * behind. DeleteVolume of a volume a copy reads is refused (FAILED_PRECONDITION, retried); of one
 * being filled, stops the copy first.
 */
public final class Restores {
    private static final Logger LOG = Logger.getLogger(Restores.class.getName());
    private static final Duration CANCEL_WAIT = Duration.ofSeconds(60);
    /** Codes the csi-provisioner takes for "still in progress": it calls again and never forgets the volume. */
    private static final Set<Status.Code> IN_PROGRESS = Set.of(Status.Code.ABORTED, Status.Code.UNAVAILABLE,
            Status.Code.DEADLINE_EXCEEDED, Status.Code.RESOURCE_EXHAUSTED, Status.Code.CANCELLED);

    private final TrustedPool trusted;
    private final VolumeBackend volumes;
    private final Snapshots snapshots;
    private final Copies copies;
    private final Clock clock;

    Restores(TrustedPool trusted, VolumeBackend volumes, Snapshots snapshots, Copies copies, Clock clock) {
        this.trusted = trusted;
        this.volumes = volumes;
        this.snapshots = snapshots;
        this.copies = copies;
        this.clock = clock;
    }

    /** Makes the volume and fills it; returns it once full, else ABORTED saying how far the copy is. */
    public ProvisionedVolume create(VolumeRequest request, ContentSource source) throws CsiException {
        String id = request.volumeName();
        Optional<CopyJob> job = copies.job(key(id));
        if (job.isPresent()) {
            CopyJob copy = job.get();
            if (!copy.sourceKey.equals(source.key())) {
                throw CsiException.alreadyExists("volume " + id + " is being filled from " + copy.sourceKey
                        + ", not from " + source.describe());
            }
            switch (copy.state()) {
                case QUEUED, RUNNING -> throw pending(id, source, copy);
                case DONE -> {
                    copies.forget(copy);
                    return volumes.create(request);
                }
                case FAILED -> {
                    copies.forget(copy);
                    throw failed(request, copy.failure());
                }
                default -> throw new IllegalStateException("copy state " + copy.state());
            }
        }
        if (volumes.find(id).isEmpty()) {
            requireUsable(source, request.capacityBytes());
        }
        ProvisionedVolume volume = volumes.createToFill(request);
        CopyJob started = copies.submit(new RestoreCopy(volume.id(), source, lookup(source), Place.of(volume),
                volume.gid().isPresent(), copies));
        throw pending(id, source, started);
    }

    private static CsiException pending(String id, ContentSource source, CopyJob copy) {
        return CsiException.aborted("volume " + id + " is being filled from " + source.describe() + ": "
                + copy.progress() + "; CreateVolume again answers when it is full");
    }

    /**
     * A failed copy's answer. Its source or its volume gone: the volume is taken away and the answer is
     * NOT_FOUND (final, and nothing is left). Another source recorded: ALREADY_EXISTS. Anything else
     * answers as in progress (the next call copies again), since the volume is there and must not be
     * forgotten by the provisioner.
     */
    private CsiException failed(VolumeRequest request, CsiException failure) throws CsiException {
        String id = request.volumeName();
        if (failure.code() == Status.Code.NOT_FOUND) {
            LOG.warning("volume " + id + " cannot be filled (" + failure.getMessage() + "); deleting it");
            volumes.delete(id);
            return CsiException.notFound(failure.getMessage() + "; the volume made for it was deleted");
        }
        if (failure.code() == Status.Code.ALREADY_EXISTS || IN_PROGRESS.contains(failure.code())) {
            return new CsiException(failure.code(), "filling volume " + id + ": " + failure.getMessage()
                    + (failure.code() == Status.Code.ALREADY_EXISTS ? "" : "; the next CreateVolume copies again"),
                    failure);
        }
        return CsiException.aborted("filling volume " + id + " failed (" + failure.code()
                + "): " + failure.getMessage() + "; the next CreateVolume copies again");
    }

    /** The source exists, is ready, and fits: checked before anything is made. */
    private void requireUsable(ContentSource source, long bytes) throws CsiException {
        if (source instanceof ContentSource.FromSnapshot fromSnapshot) {
            SnapshotId snapshotId = fromSnapshot.id();
            Snapshots.Snapshot snapshot = snapshots.find(snapshotId).orElseThrow(() -> CsiException.notFound(
                    "snapshot " + snapshotId + " does not exist"));
            if (!snapshot.record().ready()) {
                throw CsiException.unavailable("snapshot " + snapshotId + " is not ready yet"
                        + snapshots.progress(snapshotId).map(p -> ": " + p).orElse("") + "; retry when it is");
            }
            if (bytes < snapshot.record().sizeBytes()) {
                throw CsiException.outOfRange("snapshot " + snapshotId + " is of a " + snapshot.record().sizeBytes()
                        + "-byte volume; a volume made from it needs at least that, asked " + bytes);
            }
        } else if (source instanceof ContentSource.FromVolume fromVolume) {
            ProvisionedVolume volume = volumes.find(fromVolume.volumeId()).orElseThrow(() -> CsiException.notFound(
                    "source volume " + fromVolume.volumeId() + " does not exist"));
            if (bytes < volume.capacityBytes()) {
                throw CsiException.outOfRange("volume " + volume.id() + " has " + volume.capacityBytes() + " bytes; a"
                        + " clone of it needs at least that, asked " + bytes);
            }
        }
    }

    private RestoreCopy.SourceLookup lookup(ContentSource source) {
        if (source instanceof ContentSource.FromSnapshot fromSnapshot) {
            SnapshotId snapshotId = fromSnapshot.id();
            return () -> Place.in(trusted.ownPool(trusted.peers(), snapshotId.pool()),
                    SnapshotId.HIDDEN + "/" + snapshotId.directory());
        }
        String volumeId = ((ContentSource.FromVolume) source).volumeId();
        return () -> Place.of(volumes.find(volumeId).orElseThrow(() -> CsiException.notFound("source volume "
                + volumeId + " is gone")));
    }

    /**
     * Before DeleteVolume: a volume a copy reads (a snapshot being taken of it, or a clone) is in use,
     * FAILED_PRECONDITION; a copy filling it is stopped.
     */
    public void beforeDelete(String volumeId) throws CsiException {
        Optional<CopyJob> reader = copies.readerOf(key(volumeId));
        if (reader.isPresent()) {
            throw CsiException.failedPrecondition("volume " + volumeId + " is in use: " + reader.get().describe()
                    + " reads it (" + reader.get().progress() + "); delete it when that is done");
        }
        Optional<CopyJob> filling = copies.job(key(volumeId));
        if (filling.isPresent()) {
            if (filling.get().finished()) {
                copies.forget(filling.get());
            } else {
                LOG.info("volume " + volumeId + " is deleted while it is being filled; stopping the copy");
                copies.cancel(filling.get(), CANCEL_WAIT);
            }
        }
    }

    private static String key(String volumeId) {
        return new ContentSource.FromVolume(volumeId).key();
    }
}
