package io.converged.gluster.controller.snapshot;

import io.converged.gluster.controller.gluster.VolumeInfo;
import io.converged.gluster.controller.provision.Differences;
import io.converged.gluster.controller.provision.ProvisionedVolume;
import io.converged.gluster.controller.provision.StorageClassParameters;
import io.converged.gluster.controller.provision.Step;
import io.converged.gluster.controller.provision.TrustedPool;
import io.converged.gluster.controller.provision.VolumeBackend;
import io.converged.gluster.controller.provision.VolumeCreator;
import io.converged.gluster.controller.provision.VolumeMetadata;
import io.converged.gluster.controller.shared.Mounts;
import io.converged.gluster.controller.shared.PoolFiles;
import io.converged.gluster.csi.runtime.CsiException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Logger;

/**
 * Snapshots: a snapshot is a directory of a snapshot pool, {@code POOL/.csi-snapshots/DIRECTORY},
 * holding a copy of the source volume's files in {@code data} and its {@link SnapshotRecord} on itself.
 * A snapshot pool is a shared pool (made by the first snapshot that names it, through
 * {@link VolumeCreator#ensurePool}, with the VolumeSnapshotClass's layout; a claims' pool serves as
 * well). CreateSnapshot records the snapshot, starts its copy in the background and answers
 * {@code ready_to_use: false}; the snapshotter asks again with the same name until the record says
 * ready. A copy found unfinished with none running here (the controller restarted) is started over,
 * when the process starts and by the next CreateSnapshot that meets it. DeleteSnapshot moves the
 * directory into the pool's snapshot trash in one rename and purges it in the background.
 */
public final class Snapshots {
    private static final Logger LOG = Logger.getLogger(Snapshots.class.getName());
    static final String TRASH = ".csi-trash";
    private static final Duration CANCEL_WAIT = Duration.ofSeconds(60);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'");

    /** A snapshot as gluster records it (with what a finished copy here knows that a mount may not show yet). */
    public record Snapshot(SnapshotId id, SnapshotRecord record) {
    }

    private final TrustedPool trusted;
    private final VolumeCreator creator;
    private final Mounts mounts;
    private final VolumeBackend volumes;
    private final Copies copies;
    private final Step.Listener listener;
    private final Clock clock;
    private final Executor purger;
    private final Map<String, VolumeInfo> pools = new ConcurrentHashMap<>();
    private final Map<String, ReentrantLock> making = new ConcurrentHashMap<>();

    Snapshots(TrustedPool trusted, VolumeCreator creator, Mounts mounts, VolumeBackend volumes, Copies copies,
            Step.Listener listener, Clock clock, Executor purger) {
        this.trusted = trusted;
        this.creator = creator;
        this.mounts = mounts;
        this.volumes = volumes;
        this.copies = copies;
        this.listener = listener;
        this.clock = clock;
        this.purger = purger;
    }

    // ---------------------------------------------------------------- create

    /**
     * Takes the snapshot, or answers how it is: recorded and copying, or ready. A name taken by a snapshot
     * of another volume is ALREADY_EXISTS; a copy that failed answers its failure once, and the next call
     * starts it over.
     */
    public Snapshot create(String name, String sourceVolumeId, SnapshotClassParameters parameters)
            throws CsiException {
        SnapshotId id = SnapshotId.forRequest(parameters.pool(), name);
        Optional<CopyJob> job = copies.job(key(id));
        if (job.isPresent() && job.get().state() == CopyJob.State.FAILED) {
            copies.forget(job.get());
            CsiException failure = job.get().failure();
            throw new CsiException(failure.code(), "copying snapshot " + id + " failed (CreateSnapshot again starts"
                    + " it over): " + failure.getMessage(), failure);
        }
        if (job.isPresent() && !job.get().finished() && job.get() instanceof SnapshotCopy copy) {
            // Being copied here: the polls of the snapshotter cost nothing but this answer.
            SnapshotRecord record = copy.record();
            if (!record.requestName().equals(name) || !record.sourceVolumeId().equals(sourceVolumeId)) {
                throw CsiException.alreadyExists("snapshot " + id + " is being taken for " + record.requestName()
                        + " of volume " + record.sourceVolumeId() + ", not for " + name + " of volume "
                        + sourceVolumeId);
            }
            LOG.fine("snapshot " + id + ": " + copy.progress());
            return new Snapshot(id, record);
        }
        ProvisionedVolume source = volumes.find(sourceVolumeId).orElseThrow(() -> CsiException.notFound(
                "source volume " + sourceVolumeId + " does not exist"));
        VolumeInfo pool = ready(parameters.pool(), parameters.layout(), source.capacityBytes());
        Snapshot snapshot = mounts.with(pool, files -> create(files, pool, id, name, source, true));
        if (job.isPresent() && job.get().state() == CopyJob.State.DONE) {
            copies.forget(job.get());
        }
        return snapshot;
    }

    private Snapshot create(PoolFiles files, VolumeInfo pool, SnapshotId id, String name, ProvisionedVolume source,
            boolean mayClearEmpty) throws CsiException {
        files.makeDirectory(SnapshotId.HIDDEN);
        PoolFiles snapshots = snapshotsOf(files);
        PoolFiles.Entry entry = snapshots.read(id.directory());
        if (!entry.exists()) {
            if (!snapshots.makeDirectory(id.directory())) {
                return create(files, pool, id, name, source, mayClearEmpty);
            }
            SnapshotRecord record = SnapshotRecord.copying(name, source.id(), clock.instant(), source.capacityBytes());
            snapshots.writeRecord(id.directory(), record.render());
            step(Step.SNAPSHOT_RECORDED, id);
            start(id, record, source, pool, false);
            return new Snapshot(id, record);
        }
        if (entry.record().isEmpty()) {
            if (mayClearEmpty && snapshots.removeIfEmpty(id.directory())) {
                LOG.warning("snapshot " + id + " was left without its record by a crash; making it anew");
                return create(files, pool, id, name, source, false);
            }
            throw CsiException.alreadyExists("shared pool " + id.pool() + " holds a directory " + SnapshotId.HIDDEN
                    + "/" + id.directory() + " that this driver did not record as a snapshot");
        }
        String value = entry.record().get();
        SnapshotRecord record = SnapshotRecord.parse(value).orElseThrow(() -> CsiException.alreadyExists("snapshot "
                + id + " carries a record this driver cannot read: " + value));
        if (!record.requestName().equals(name) || !record.sourceVolumeId().equals(source.id())) {
            throw CsiException.alreadyExists("snapshot " + id + " was taken for " + record.requestName() + " of volume "
                    + record.sourceVolumeId() + ", not for " + name + " of volume " + source.id());
        }
        Optional<CopyJob> job = copies.job(key(id));
        if (!record.ready()) {
            if (job.isPresent() && job.get().state() == CopyJob.State.DONE) {
                // This process finished the copy; its own mount may not show the new record for a moment.
                return new Snapshot(id, record.asReady(job.get().copiedBytes()));
            }
            if (job.isEmpty() || job.get().finished()) {
                LOG.info("snapshot " + id + " is recorded as copying with no copy running here (the controller"
                        + " restarted?); copying it again");
                start(id, record, source, pool, true);
            } else {
                LOG.fine("snapshot " + id + ": " + job.get().progress());
            }
        }
        return new Snapshot(id, record);
    }

    private void start(SnapshotId id, SnapshotRecord record, ProvisionedVolume source, VolumeInfo pool,
            boolean resumed) {
        copies.submit(new SnapshotCopy(id, record, Place.of(source), Place.in(pool, ""), resumed, clock, copies));
    }

    /**
     * The snapshot pool, made or checked once and then remembered; a class that contradicts it is
     * INVALID_ARGUMENT naming the difference.
     */
    private VolumeInfo ready(String name, StorageClassParameters layout, long bytes) throws CsiException {
        VolumeInfo pool = pools.get(name);
        if (pool == null) {
            ReentrantLock lock = making.computeIfAbsent(name, n -> new ReentrantLock());
            lock.lock();
            try {
                pool = pools.get(name);
                if (pool == null) {
                    pool = creator.ensurePool(name, layout, bytes);
                    pools.put(name, pool);
                    purgeLater(pool);
                }
            } finally {
                lock.unlock();
            }
        }
        List<String> differences = Differences.ofPool(pool, layout);
        if (!differences.isEmpty()) {
            throw CsiException.invalidArgument("the VolumeSnapshotClass does not agree with shared pool " + name + ": "
                    + String.join("; ", differences));
        }
        return pool;
    }

    /** The pool if gluster has it started (remembered once whole), else empty. */
    private Optional<VolumeInfo> existing(String name) throws CsiException {
        VolumeInfo pool = pools.get(name);
        if (pool != null) {
            return Optional.of(pool);
        }
        Optional<VolumeInfo> info = trusted.volume(trusted.peers(), name).value()
                .filter(i -> VolumeMetadata.pool(i.options()) && i.started());
        info.filter(VolumeCreator::poolFinished).ifPresent(i -> {
            if (pools.putIfAbsent(name, i) == null) {
                purgeLater(i);
            }
        });
        return info;
    }

    // ---------------------------------------------------------------- delete

    /**
     * Deletes the snapshot: a copy taking it is stopped first; one that a restore reads is in use
     * (FAILED_PRECONDITION, the snapshotter retries). Gone already is success.
     */
    public void delete(SnapshotId id) throws CsiException {
        Optional<CopyJob> reader = copies.readerOf(key(id));
        if (reader.isPresent()) {
            throw CsiException.failedPrecondition("snapshot " + id + " is in use: " + reader.get().describe()
                    + " reads it (" + reader.get().progress() + "); delete it when that is done");
        }
        Optional<CopyJob> job = copies.job(key(id));
        if (job.isPresent()) {
            if (job.get().finished()) {
                copies.forget(job.get());
            } else {
                LOG.info("snapshot " + id + " is deleted while it is being copied; stopping the copy");
                copies.cancel(job.get(), CANCEL_WAIT);
            }
        }
        Optional<VolumeInfo> pool = existing(id.pool());
        if (pool.isEmpty()) {
            LOG.fine("snapshot " + id + ": its pool is not there, so neither is the snapshot");
            return;
        }
        mounts.with(pool.get(), files -> {
            PoolFiles snapshots = snapshotsOf(files);
            PoolFiles.Entry entry = snapshots.read(id.directory());
            if (!entry.exists()) {
                LOG.fine("snapshot " + id + " is already gone");
                return null;
            }
            if (entry.record().flatMap(SnapshotRecord::parse).isEmpty()) {
                if (snapshots.removeIfEmpty(id.directory())) {
                    LOG.info("removed the empty directory a crashed CreateSnapshot of " + id + " left");
                    return null;
                }
                throw CsiException.failedPrecondition("the directory " + id + " is not a snapshot this driver recorded;"
                        + " refusing to delete it");
            }
            String stamped = id.directory() + "." + STAMP.format(clock.instant().atZone(ZoneOffset.UTC));
            snapshots.moveAside(id.directory(), TRASH, stamped);
            LOG.info("deleted snapshot " + id);
            purgeLater(pool.get().name(), snapshots, stamped);
            return null;
        });
    }

    // ---------------------------------------------------------------- read

    /** The snapshot, if it exists. */
    public Optional<Snapshot> find(SnapshotId id) throws CsiException {
        Optional<VolumeInfo> pool = existing(id.pool());
        if (pool.isEmpty()) {
            return Optional.empty();
        }
        return mounts.with(pool.get(), files -> {
            files.verify();
            return snapshotsOf(files).read(id.directory()).record().flatMap(SnapshotRecord::parse)
                    .map(record -> known(id, record));
        });
    }

    /** Every snapshot of every pool, sorted by id. */
    public List<Snapshot> list() throws CsiException {
        List<Snapshot> all = new ArrayList<>();
        for (VolumeInfo info : trusted.allVolumes(trusted.peers())) {
            if (VolumeMetadata.pool(info.options()) && info.started()) {
                all.addAll(snapshotsIn(info));
            }
        }
        all.sort(Comparator.comparing(snapshot -> snapshot.id().toString()));
        return all;
    }

    private List<Snapshot> snapshotsIn(VolumeInfo pool) throws CsiException {
        return mounts.with(pool, files -> {
            List<Snapshot> found = new ArrayList<>();
            for (Map.Entry<String, Optional<String>> entry : snapshotsOf(files).records().entrySet()) {
                Optional<SnapshotRecord> record = entry.getValue().flatMap(SnapshotRecord::parse);
                if (record.isPresent() && SnapshotId.parse(pool.name() + "/" + SnapshotId.HIDDEN + "/"
                        + entry.getKey()).isPresent()) {
                    found.add(known(new SnapshotId(pool.name(), entry.getKey()), record.get()));
                }
            }
            return found;
        });
    }

    /** The record as read, ready if a copy here has just finished it (a mount may show the new record late). */
    private Snapshot known(SnapshotId id, SnapshotRecord record) {
        Optional<CopyJob> job = copies.job(key(id));
        if (!record.ready() && job.isPresent() && job.get().state() == CopyJob.State.DONE) {
            return new Snapshot(id, record.asReady(job.get().copiedBytes()));
        }
        return new Snapshot(id, record);
    }

    /** How far the copy of a snapshot is, if one runs here. */
    Optional<String> progress(SnapshotId id) {
        return copies.job(key(id)).filter(job -> !job.finished()).map(CopyJob::progress);
    }

    // ---------------------------------------------------------------- start-up

    /**
     * What a stopped controller left: copy mounts on the peers (taken away), deleted snapshots not yet purged,
     * and snapshots recorded as copying (copied again). Runs in the background at start-up.
     */
    public void resumeAll() {
        copies.sweepAll();
        try {
            for (VolumeInfo info : trusted.allVolumes(trusted.peers())) {
                if (!VolumeMetadata.pool(info.options()) || !info.started()) {
                    continue;
                }
                purgeLater(info);
                for (Snapshot snapshot : snapshotsIn(info)) {
                    if (snapshot.record().ready() || copies.job(key(snapshot.id())).isPresent()) {
                        continue;
                    }
                    Optional<ProvisionedVolume> source = volumes.find(snapshot.record().sourceVolumeId());
                    if (source.isEmpty()) {
                        LOG.warning("snapshot " + snapshot.id() + " was being copied from volume "
                                + snapshot.record().sourceVolumeId() + ", which is gone; it stays unfinished until"
                                + " it is deleted");
                        continue;
                    }
                    LOG.info("snapshot " + snapshot.id() + " was being copied when the controller stopped; copying it"
                            + " again");
                    start(snapshot.id(), snapshot.record(), source.get(), info, true);
                }
            }
        } catch (CsiException | RuntimeException e) {
            LOG.warning("cannot look for unfinished snapshots now (" + e.getMessage() + "); the snapshotter's next"
                    + " CreateSnapshot resumes each");
        }
    }

    // ---------------------------------------------------------------- helpers

    static String key(SnapshotId id) {
        return new ContentSource.FromSnapshot(id).key();
    }

    static PoolFiles snapshotsOf(PoolFiles files) {
        return files.under(SnapshotId.HIDDEN).recording(SnapshotRecord.ATTRIBUTE);
    }

    private void step(Step step, SnapshotId id) throws CsiException {
        try {
            listener.completed(step, id.toString());
        } catch (CsiException e) {
            throw e;
        } catch (Exception e) {
            throw CsiException.internal("after " + step + " of " + id + ": " + e.getMessage(), e);
        }
    }

    /** Purges, in the background, whatever deleted snapshots of the pool wait in its trash. */
    private void purgeLater(VolumeInfo pool) {
        purger.execute(() -> {
            try {
                mounts.with(pool, files -> {
                    PoolFiles snapshots = snapshotsOf(files);
                    for (String name : snapshots.listAside(TRASH)) {
                        snapshots.removeAside(TRASH, name);
                        LOG.info("purged deleted snapshot " + name + " of pool " + pool.name());
                    }
                    return null;
                });
            } catch (CsiException | RuntimeException e) {
                LOG.warning("cannot purge the deleted snapshots of pool " + pool.name() + ": " + e.getMessage());
            }
        });
    }

    private void purgeLater(String pool, PoolFiles snapshots, String name) {
        purger.execute(() -> {
            try {
                snapshots.verify();
                snapshots.removeAside(TRASH, name);
                LOG.fine("purged deleted snapshot " + name + " of pool " + pool);
            } catch (CsiException | RuntimeException e) {
                LOG.warning("cannot purge deleted snapshot " + name + " of pool " + pool + " now (" + e.getMessage()
                        + "); it is purged when the controller next starts");
            }
        });
    }
}
