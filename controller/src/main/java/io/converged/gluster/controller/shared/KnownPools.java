package io.converged.gluster.controller.shared;

import io.converged.gluster.controller.gluster.VolumeInfo;
import io.converged.gluster.controller.provision.Differences;
import io.converged.gluster.controller.provision.StorageClassParameters;
import io.converged.gluster.controller.provision.TrustedPool;
import io.converged.gluster.controller.provision.VolumeCreator;
import io.converged.gluster.controller.provision.VolumeMetadata;
import io.converged.gluster.csi.runtime.CsiException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The shared pools this process has found, remembered once made or checked: their layout (to check
 * classes against) and their free bytes as last measured. The first claim of a class makes its pool;
 * a pool first met has its trash purged.
 */
final class KnownPools {
    /** A pool this process has found: its gluster description and its free bytes as last measured. */
    static final class Pool {
        /** How old a measurement of a pool's free bytes may be and still let a claim in. */
        static final Duration FREE_BYTES_MAX_AGE = Duration.ofSeconds(2);

        final VolumeInfo info;
        /** The pool's free bytes as last measured, and when; null before the first measurement. */
        private volatile Measured free;

        Pool(VolumeInfo info) {
            this.info = info;
        }

        /**
         * The pool's free bytes, for the check that a claim fits: a measurement up to
         * {@link #FREE_BYTES_MAX_AGE} old answers when the claim fits in it (limits are thin, the check is
         * a guard against the absurd, and claims made one after another then cost no statfs each, which
         * through FUSE asks every brick); a claim is refused only on a fresh measurement. The mount is
         * checked either way: a claim's directory made under a mount that went away would land on the
         * peer's own disk, out of gluster's sight.
         */
        long roomFor(PoolFiles files, long asked) throws CsiException {
            Measured measured = free;
            if (measured != null && measured.bytes() >= asked
                    && System.nanoTime() - measured.at() < FREE_BYTES_MAX_AGE.toNanos()) {
                files.verify();
                return measured.bytes();
            }
            long at = System.nanoTime();
            long bytes = files.freeBytes();
            free = new Measured(bytes, at);
            return bytes;
        }
    }

    /** Free bytes measured at a {@link System#nanoTime()}. */
    record Measured(long bytes, long at) {
    }

    private final TrustedPool trusted;
    private final VolumeCreator creator;
    private final TrashPurger purges;
    private final Map<String, Pool> pools = new ConcurrentHashMap<>();
    private final Map<String, ReentrantLock> making = new ConcurrentHashMap<>();

    KnownPools(TrustedPool trusted, VolumeCreator creator, TrashPurger purges) {
        this.trusted = trusted;
        this.creator = creator;
        this.purges = purges;
    }

    /**
     * The pool the class names, made or checked once and then remembered; a class that contradicts it
     * is INVALID_ARGUMENT naming the difference. Deleted claims a crash left unpurged are purged when
     * this process first meets the pool.
     */
    Pool ready(String name, StorageClassParameters parameters, long bytes) throws CsiException {
        Pool pool = pools.get(name);
        if (pool == null) {
            ReentrantLock lock = making.computeIfAbsent(name, n -> new ReentrantLock());
            lock.lock();
            try {
                pool = pools.get(name);
                if (pool == null) {
                    pool = new Pool(creator.ensurePool(name, parameters, bytes));
                    pools.put(name, pool);
                    purges.purgeAll(pool.info);
                }
            } finally {
                lock.unlock();
            }
        }
        List<String> differences = Differences.ofPool(pool.info, parameters);
        if (!differences.isEmpty()) {
            throw CsiException.invalidArgument("the StorageClass does not agree with shared pool " + name + ": "
                    + String.join("; ", differences));
        }
        return pool;
    }

    /**
     * The pool if gluster has it (remembered, or looked up); empty when it is not there or was never
     * started (see {@link Claims#holdsNoClaim}). A pool found unfinished (a crash while making it, or stopped)
     * is not remembered: only {@link #ready}, which finishes it, may make it a pool claims are made in.
     */
    Optional<Pool> existing(String name) throws CsiException {
        Pool pool = pools.get(name);
        if (pool != null) {
            return Optional.of(pool);
        }
        Optional<VolumeInfo> info = trusted.volume(trusted.peers(), name).value()
                .filter(i -> VolumeMetadata.pool(i.options()) && !Claims.holdsNoClaim(i));
        if (info.isPresent() && !VolumeCreator.poolFinished(info.get())) {
            return Optional.of(new Pool(info.get()));
        }
        return info.map(i -> pools.computeIfAbsent(name, n -> {
            Pool found = new Pool(i);
            purges.purgeAll(found.info);
            return found;
        }));
    }
}
