package io.converged.gluster.controller.shared;

import io.converged.gluster.controller.gluster.VolumeInfo;
import io.converged.gluster.csi.runtime.CsiException;
import java.util.concurrent.Executor;
import java.util.logging.Logger;

/** Removes deleted claims' directories from a pool's trash in the background: a large one must not hold a call. */
final class TrashPurger {
    private static final Logger LOG = Logger.getLogger(TrashPurger.class.getName());

    private final Mounts mounts;
    private final Executor purger;

    TrashPurger(Mounts mounts, Executor purger) {
        this.mounts = mounts;
        this.purger = purger;
    }

    /** Purges, in the background, whatever deleted claims of the pool wait in its trash. */
    void purgeAll(VolumeInfo pool) {
        purger.execute(() -> {
            try {
                mounts.with(pool, files -> {
                    files.verify();
                    for (String name : files.listAside(PoolClaims.TRASH)) {
                        files.removeAside(PoolClaims.TRASH, name);
                        LOG.info("purged " + PoolClaims.TRASH + "." + name + " of shared pool " + pool.name());
                    }
                    return null;
                });
            } catch (CsiException | RuntimeException e) {
                LOG.warning("cannot purge the trash of shared pool " + pool.name() + ": " + e.getMessage());
            }
        });
    }

    void purge(VolumeInfo pool, PoolFiles files, String name) {
        purger.execute(() -> {
            try {
                files.verify();
                files.removeAside(PoolClaims.TRASH, name);
                LOG.fine("purged " + PoolClaims.TRASH + "." + name + " of shared pool " + pool.name());
            } catch (CsiException | RuntimeException e) {
                LOG.warning("cannot purge " + PoolClaims.TRASH + "." + name + " of shared pool " + pool.name()
                        + " now (" + e.getMessage() + "); it is purged when the controller next starts");
            }
        });
    }
}
