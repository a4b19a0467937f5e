package io.converged.gluster.controller.snapshot;

import io.converged.gluster.controller.provision.Step;
import io.converged.gluster.csi.runtime.CsiException;
import java.time.Clock;
import java.util.Optional;

/**
 * Taking a snapshot: the source volume's files copied into {@code data} of the snapshot's directory.
 * The copy goes to a fresh {@code .copy-STAMP} beside it (the entries of the source's root, then the
 * root's owner, group and mode, which a restore gives its volume; the root's own attributes, the driver's
 * records among them, stay behind) and is renamed {@code data} only when whole
 * (a copy that died half-way is removed and made again), and the record says ready only after that, so
 * a crash at any point leaves either a snapshot that says copying, which the next attempt finishes, or a
 * whole one.
 */
final class SnapshotCopy extends CopyJob {
    static final String DATA = "data";
    static final String STAGING = ".copy-";

    private final SnapshotId id;
    private final Place source;
    private final Place pool;
    private final boolean resumed;
    private final Clock clock;
    private volatile SnapshotRecord record;

    /**
     * @param source the root of the volume to copy
     * @param pool the root of the snapshot pool
     * @param resumed true when the record was found copying with no copy running here (a controller restart):
     *     the copy starts over, and the record's creation time says when
     */
    SnapshotCopy(SnapshotId id, SnapshotRecord record, Place source, Place pool, boolean resumed, Clock clock,
            Copies copies) {
        super(Kind.SNAPSHOT, "snapshot:" + id, "volume:" + record.sourceVolumeId(), copies);
        this.id = id;
        this.record = record;
        this.source = source;
        this.pool = pool;
        this.resumed = resumed;
        this.clock = clock;
    }

    /** The snapshot's record as this copy last wrote it. */
    SnapshotRecord record() {
        return record;
    }

    @Override
    protected String describe() {
        return "snapshot " + id + " of " + sourceKey.substring("volume:".length());
    }

    @Override
    protected void work(Copies.Attempt attempt) throws CsiException {
        PeerTree tree = attempt.tree();
        String dir = attempt.target(pool) + "/" + SnapshotId.HIDDEN + "/" + id.directory();
        Optional<SnapshotRecord> found = tree.attribute(dir, SnapshotRecord.ATTRIBUTE).flatMap(SnapshotRecord::parse);
        if (found.isEmpty()) {
            throw CsiException.notFound("snapshot " + id + " is gone (deleted while it was being copied?)");
        }
        SnapshotRecord current = found.get();
        if (current.ready()) {
            record = current;
            return;
        }
        String data = dir + "/" + DATA;
        long size;
        if (tree.isDirectory(data)) {
            size = tree.diskUsage(data);
        } else {
            for (String name : tree.names(dir)) {
                if (name.startsWith(STAGING)) {
                    removeLeftover(tree, dir + "/" + name);
                }
            }
            String from = attempt.source(source);
            requireCopyable(tree, from, "volume " + current.sourceVolumeId());
            if (resumed) {
                current = current.restartedAt(clock.instant());
                tree.setAttribute(dir, SnapshotRecord.ATTRIBUTE, current.render());
                record = current;
            }
            String staging = dir + "/" + STAGING + Long.toString(clock.millis(), 36);
            tree.makeDirectories(staging);
            copyEntries(tree, from, staging, Step.SNAPSHOT_COPYING, id.toString());
            tree.copyOwnerAndMode(from, staging);
            step(Step.SNAPSHOT_COPIED, id.toString());
            tree.rename(staging, data);
            size = copiedBytes();
        }
        SnapshotRecord ready = current.asReady(size);
        tree.setAttribute(dir, SnapshotRecord.ATTRIBUTE, ready.render());
        record = ready;
        step(Step.SNAPSHOT_READY, id.toString());
    }

    /** The source's root must be there and not be a volume still being filled. */
    static void requireCopyable(PeerTree tree, String root, String what) throws CsiException {
        if (!tree.isDirectory(root)) {
            throw CsiException.notFound(what + " is gone");
        }
        Optional<ContentRecord> filling = tree.attribute(root, ContentRecord.ATTRIBUTE).flatMap(ContentRecord::parse)
                .filter(content -> !content.ready());
        if (filling.isPresent()) {
            throw CsiException.unavailable(what + " is still being filled from " + filling.get().source()
                    + "; copy it when that is done");
        }
    }
}
