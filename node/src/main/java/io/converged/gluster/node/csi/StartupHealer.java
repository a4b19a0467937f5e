package io.converged.gluster.node.csi;

import io.converged.gluster.csi.runtime.VolumeLocks;

import io.converged.gluster.node.mount.MountException;
import io.converged.gluster.node.mount.StageRecord;
import io.converged.gluster.node.mount.StageRecords;
import io.converged.gluster.node.mount.VolumeMounts;
import java.util.logging.Logger;

/**
 * Heals every volume staged on this node when the server starts, without waiting for kubelet:
 * a restarted node pod may have taken its FUSE clients down with it. A volume that a kubelet call
 * is already working on is left to that call.
 */
public final class StartupHealer implements Runnable {
    private static final Logger LOG = Logger.getLogger(StartupHealer.class.getName());

    private final StageRecords records;
    private final VolumeMounts volumes;
    private final VolumeLocks locks;

    public StartupHealer(StageRecords records, VolumeMounts volumes, VolumeLocks locks) {
        this.records = records;
        this.volumes = volumes;
        this.locks = locks;
    }

    @Override
    public void run() {
        int healthy = 0;
        int healed = 0;
        int failed = 0;
        for (StageRecord record : records.all()) {
            VolumeLocks.Held lock = locks.tryAcquireInBackground(record.volumeId());
            if (lock == null) {
                LOG.info("volume " + record.volumeId() + " is busy with a kubelet call; not healing it at start");
                continue;
            }
            try (lock) {
                VolumeMounts.HealReport report = volumes.heal(record);
                if (report.changedAnything()) {
                    LOG.info("healed volume " + record.volumeId() + " at start: " + report.describe());
                    healed++;
                } else {
                    healthy++;
                }
            } catch (MountException | RuntimeException e) {
                failed++;
                LOG.warning("cannot heal volume " + record.volumeId() + " staged at " + record.stagingPath() + ": "
                        + e.getMessage());
            }
        }
        LOG.info("checked the staged volumes at start: " + healthy + " healthy, " + healed + " healed, " + failed
                + " failed");
    }
}
