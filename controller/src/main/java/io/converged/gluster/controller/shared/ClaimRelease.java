package io.converged.gluster.controller.shared;

import io.converged.gluster.controller.gluster.VolumeInfo;
import io.converged.gluster.controller.provision.Step;
import io.converged.gluster.controller.provision.VolumeNames.ClaimId;
import io.converged.gluster.csi.runtime.CsiException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.logging.Logger;

/**
 * What DeleteVolume does to a claim: its limit removed first, then its directory moved aside in one
 * rename (onDelete delete: into the trash, purged in the background; archive: into the archive,
 * named with the time) or marked retained. An empty directory without a record (a create that
 * crashed right after mkdir) is removed; anything else unrecorded is refused.
 */
final class ClaimRelease {
    private static final Logger LOG = Logger.getLogger(ClaimRelease.class.getName());
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'");

    private final ClaimLimits limits;
    private final TrashPurger purges;
    private final Clock clock;
    private final Step.Listener listener;

    ClaimRelease(ClaimLimits limits, TrashPurger purges, Clock clock, Step.Listener listener) {
        this.limits = limits;
        this.purges = purges;
        this.clock = clock;
        this.listener = listener;
    }

    /** Releases the claim's directory as its record's onDelete says; a claim already gone or retained is done. */
    void release(VolumeInfo pool, PoolFiles files, ClaimId id) throws CsiException {
        String dir = id.directory();
        files.verify();
        PoolFiles.Entry entry = files.read(dir);
        if (!entry.exists()) {
            LOG.fine("claim " + id + " is already gone");
            return;
        }
        if (entry.record().isEmpty()) {
            if (files.removeIfEmpty(dir)) {
                LOG.info("removed the empty directory a crashed create of " + id + " left");
                return;
            }
            throw CsiException.failedPrecondition("the directory " + dir + " of shared pool " + id.pool()
                    + " is not a claim this driver recorded; refusing to delete it");
        }
        ClaimRecord record = ClaimRecord.parse(entry.record().get()).orElseThrow(() -> CsiException
                .failedPrecondition("the directory " + dir + " of shared pool " + id.pool()
                        + " carries a record this driver cannot read; refusing to delete it"));
        if (record.retained()) {
            LOG.fine("claim " + id + " was deleted before; its directory is retained");
            return;
        }
        limits.remove(id.pool(), dir);
        Claims.step(listener, Step.CLAIM_UNLIMITED, id);
        String stamped = dir + "." + STAMP.format(clock.instant().atZone(ZoneOffset.UTC));
        switch (record.onDelete()) {
            case DELETE -> {
                files.moveAside(dir, PoolClaims.TRASH, stamped);
                purges.purge(pool, files, stamped);
            }
            case ARCHIVE -> {
                files.moveAside(dir, PoolClaims.ARCHIVE, stamped);
                LOG.info("archived claim " + id + " as " + PoolClaims.ARCHIVE + "." + stamped + " in shared pool "
                        + id.pool());
            }
            case RETAIN -> {
                files.writeRecord(dir, record.asRetained().render());
                LOG.info("retained the directory of claim " + id + " in shared pool " + id.pool());
            }
            default -> throw new IllegalStateException("onDelete " + record.onDelete());
        }
        Claims.step(listener, Step.CLAIM_RELEASED, id);
    }
}
