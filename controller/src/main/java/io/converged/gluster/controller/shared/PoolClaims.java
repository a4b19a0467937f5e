package io.converged.gluster.controller.shared;

import io.converged.gluster.controller.gluster.VolumeInfo;
import io.converged.gluster.controller.placement.Placement;
import io.converged.gluster.controller.provision.Layouts;
import io.converged.gluster.controller.provision.Gids;
import io.converged.gluster.controller.provision.ProvisionedVolume;
import io.converged.gluster.controller.provision.StorageClassParameters;
import io.converged.gluster.controller.provision.Step;
import io.converged.gluster.controller.provision.TrustedPool;
import io.converged.gluster.controller.provision.VolumeBackend;
import io.converged.gluster.controller.provision.VolumeCreator;
import io.converged.gluster.controller.provision.VolumeHealth;
import io.converged.gluster.controller.provision.VolumeNames.ClaimId;
import io.converged.gluster.controller.provision.VolumeRequest;
import io.converged.gluster.csi.runtime.CsiException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.locks.Lock;
import java.util.logging.Logger;

/**
 * The shared-pool layout: a claim is a directory of one replicated gluster volume, the pool, with its
 * own quota limit and its owner recorded on it. The first claim of a class makes the pool (see
 * {@link VolumeCreator#ensurePool}); later ones cost a directory, a record and a limit, with no
 * process, port or brick of their own. Volume ids are {@code POOL/DIRECTORY}.
 *
 * <p>A pool once found is remembered (its layout, to check classes against; its mount, see
 * {@link PoolMounts}), and a claim's create asks gluster nothing but its limit: the mount proves the
 * pool is there. Limits of one pool are set one at a time, in this process rather than by contending
 * for glusterd's lock. A directory is made before its record and its limit, and a retried call finds
 * it and finishes; DeleteVolume removes the limit first, then sets the directory aside in one rename
 * within the root (onDelete delete: to {@code .csi-trash.NAME.STAMP}, purged in the background; archive:
 * to {@code .csi-archive.NAME.STAMP}) or marks it retained.
 */
public final class PoolClaims implements VolumeBackend {
    private static final Logger LOG = Logger.getLogger(PoolClaims.class.getName());
    /** The name deleted claims wait under ({@code .csi-trash.NAME}): a large directory must not hold DeleteVolume. */
    static final String TRASH = ".csi-trash";
    /** The name archived claims are kept under ({@code .csi-archive.NAME.STAMP}, the time of their deletion). */
    static final String ARCHIVE = ".csi-archive";

    private final TrustedPool trusted;
    private final VolumeCreator creator;
    private final Mounts mounts;
    private final Step.Listener listener;
    private final Lock gids;
    private final Clock clock;
    private final KnownPools known;
    private final ClaimRelease release;
    private final ClaimLimits limits;
    private final PoolReads reads;
    private final TrashPurger purges;
    private final ClaimRepairs repairs;

    /**
     * @param gids the GID lock dedicated volumes take too: a claim's GID is the lowest of its class's range
     *     that no dedicated volume and no claim of the same pool holds (a pod reaches only the claims it
     *     mounts, so claims of other pools cannot meet it)
     * @param purger removes deleted claims' directories in the background
     */
    public PoolClaims(TrustedPool trusted, VolumeCreator creator, Mounts mounts, Step.Listener listener,
            Lock gids, Clock clock, Executor purger) {
        this.trusted = trusted;
        this.creator = creator;
        this.mounts = mounts;
        this.listener = listener;
        this.gids = gids;
        this.clock = clock;
        this.limits = new ClaimLimits(trusted);
        this.reads = new PoolReads(trusted, mounts);
        this.purges = new TrashPurger(mounts, purger);
        this.known = new KnownPools(trusted, creator, purges);
        this.release = new ClaimRelease(limits, purges, clock, listener);
        this.repairs = new ClaimRepairs(trusted, known, mounts, limits, reads, listener);
    }

    // ---------------------------------------------------------------- create

    @Override
    public ProvisionedVolume create(VolumeRequest request) throws CsiException {
        return create(request, false);
    }

    /**
     * A claim that a copy fills before CreateVolume answers it: made and recorded as filling, without its
     * limit (see {@link ClaimRecord#filling}); {@link #create} of the same request, once the copy is done,
     * sets the limit and records the claim as an ordinary one. A claim already made answers as create does,
     * except that one still filling stays without its limit.
     */
    @Override
    public ProvisionedVolume createToFill(VolumeRequest request) throws CsiException {
        return create(request, true);
    }

    private ProvisionedVolume create(VolumeRequest request, boolean toFill) throws CsiException {
        ClaimId id = Claims.id(request.volumeName());
        KnownPools.Pool pool = known.ready(id.pool(), request.parameters(), request.capacityBytes());
        return mounts.with(pool.info, files -> create(pool, files, id, request, true, toFill));
    }

    private ProvisionedVolume create(KnownPools.Pool pool, PoolFiles files, ClaimId id, VolumeRequest request,
            boolean mayClearEmpty, boolean toFill) throws CsiException {
        String dir = id.directory();
        long free = pool.roomFor(files, request.capacityBytes());
        if (request.capacityBytes() > free && !files.read(dir).exists()) {
            throw CsiException.exhausted("shared pool " + id.pool() + " has " + free
                    + " bytes free, less than the " + request.capacityBytes() + " bytes asked for " + id);
        }
        // The record goes on the directory while gluster sets the limit (which needs only the directory): the
        // limit, a gluster CLI call of about 0.1 s, is most of a claim's time, and the record's own round trips
        // through the mount (a few ms) hide behind it. A crash after the record leaves a directory the retry
        // finishes; one after mkdir, an empty directory without a record, which the retry makes anew.
        ClaimRecord record;
        Future<Void> limiting = null;
        try {
            if (request.parameters().allocatesGid()) {
                // The GID is chosen before anything is made, so a class out of GIDs leaves nothing behind, and
                // held until the record carries it.
                gids.lock();
                try {
                    if (files.read(dir).exists()) {
                        return adopt(pool, files, id, request, mayClearEmpty, toFill);
                    }
                    record = fresh(request, OptionalInt.of(Gids.lowestFree(gidsInUse(files), request.parameters())),
                            toFill);
                    if (!files.makeDirectory(dir)) {
                        return adopt(pool, files, id, request, mayClearEmpty, toFill);
                    }
                    step(Step.CLAIM_DIR_MADE, id);
                    limiting = toFill ? null : limitMeanwhile(pool, id, request.capacityBytes());
                    files.shareWithGroup(dir, record.gid().getAsInt());
                    files.writeRecord(dir, record.render());
                } finally {
                    gids.unlock();
                }
            } else {
                if (!files.makeDirectory(dir)) {
                    return adopt(pool, files, id, request, mayClearEmpty, toFill);
                }
                step(Step.CLAIM_DIR_MADE, id);
                limiting = toFill ? null : limitMeanwhile(pool, id, request.capacityBytes());
                record = fresh(request, OptionalInt.empty(), toFill);
                files.writeRecord(dir, record.render());
            }
            step(Step.CLAIM_RECORDED, id);
        } catch (CsiException | RuntimeException e) {
            if (limiting != null) {
                // Nothing of this call may go on after it answers: a retry would meet it.
                try {
                    TrustedPool.await(limiting, "limiting claim " + id);
                } catch (CsiException ignored) {
                    LOG.fine("the limit of claim " + id + " failed too: " + ignored.getMessage());
                }
            }
            throw e;
        }
        if (limiting != null) {
            TrustedPool.await(limiting, "limiting claim " + id);
            step(Step.CLAIM_LIMITED, id);
        }
        LOG.info("created claim " + id + " (" + request.capacityBytes() + " bytes) in shared pool " + id.pool()
                + (toFill ? ", to be filled before it gets its limit" : ""));
        return Claims.volume(pool.info, id, record);
    }

    private static ClaimRecord fresh(VolumeRequest request, OptionalInt gid, boolean toFill) {
        ClaimRecord record = ClaimRecord.of(request, gid);
        return toFill ? record.asFilling() : record;
    }

    /**
     * The claim's directory is there. Empty and without a record (a crash right after mkdir): made
     * anew. This request's, as asked: finished (its limit set again) and returned; one recorded as
     * filling stays without a limit for {@link #createToFill}, and for {@link #create} gets its limit and
     * becomes an ordinary claim. Anything else: ALREADY_EXISTS, and nothing is changed.
     */
    private ProvisionedVolume adopt(KnownPools.Pool pool, PoolFiles files, ClaimId id, VolumeRequest request,
            boolean mayClearEmpty, boolean toFill) throws CsiException {
        String dir = id.directory();
        PoolFiles.Entry entry = files.read(dir);
        if (entry.record().isEmpty()) {
            if (mayClearEmpty && files.removeIfEmpty(dir)) {
                LOG.warning("claim " + id + " was left without its record by a crash; making it anew");
                return create(pool, files, id, request, false, toFill);
            }
            throw CsiException.alreadyExists("shared pool " + id.pool() + " holds a directory " + dir
                    + " that this driver did not record as a claim (it is not empty)");
        }
        Optional<ClaimRecord> parsed = ClaimRecord.parse(entry.record().get());
        if (parsed.isEmpty()) {
            throw CsiException.alreadyExists("the directory " + dir + " of shared pool " + id.pool()
                    + " carries a record this driver cannot read: " + entry.record().get());
        }
        ClaimRecord record = parsed.get();
        if (record.retained()) {
            throw CsiException.alreadyExists("the directory " + dir + " of shared pool " + id.pool()
                    + " was kept by onDelete=retain when an earlier claim of that name was deleted; move it away"
                    + " to reuse the name");
        }
        if (!record.requestName().equals(request.requestName())) {
            throw CsiException.alreadyExists("claim " + id + " belongs to another request (" + record.requestName()
                    + ")");
        }
        if (record.capacityBytes() != request.capacityBytes()) {
            throw CsiException.alreadyExists("claim " + id + " already exists for this request with capacity "
                    + record.capacityBytes() + " bytes, asked " + request.capacityBytes());
        }
        if (record.filling()) {
            if (toFill) {
                return Claims.volume(pool.info, id, record);
            }
            // Full now: the limit first, then the record, so a crash between them leaves a claim the next call
            // finishes the same way.
            limit(pool, id, record.capacityBytes());
            ClaimRecord filled = record.asFilled();
            files.writeRecord(dir, filled.render());
            LOG.info("claim " + id + " is filled and has its limit of " + record.capacityBytes() + " bytes");
            return Claims.volume(pool.info, id, filled);
        }
        limit(pool, id, record.capacityBytes());
        return Claims.volume(pool.info, id, record);
    }

    private void limit(KnownPools.Pool pool, ClaimId id, long bytes) throws CsiException {
        limits.set(pool.info, id.directory(), bytes);
        step(Step.CLAIM_LIMITED, id);
    }

    /** The claim's limit set (and read back) on the lookup executor; {@link Step#CLAIM_LIMITED} is the caller's. */
    private Future<Void> limitMeanwhile(KnownPools.Pool pool, ClaimId id, long bytes) {
        return trusted.meanwhile(() -> {
            limits.set(pool.info, id.directory(), bytes);
            return null;
        });
    }

    private Set<Integer> gidsInUse(PoolFiles files) throws CsiException {
        Set<Integer> used = Gids.ofDedicated(trusted.allVolumes(trusted.peers()));
        for (Optional<String> value : files.records().values()) {
            value.flatMap(ClaimRecord::parse).flatMap(r -> r.gid().isPresent()
                    ? Optional.of(r.gid().getAsInt()) : Optional.empty()).ifPresent(used::add);
        }
        return used;
    }

    // ---------------------------------------------------------------- delete, expand

    @Override
    public void delete(String volumeId) throws CsiException {
        ClaimId id = Claims.id(volumeId);
        Optional<KnownPools.Pool> pool = known.existing(id.pool());
        if (pool.isEmpty()) {
            LOG.fine("claim " + id + ": its pool is not there, so neither is the claim");
            return;
        }
        mounts.with(pool.get().info, files -> {
            release.release(pool.get().info, files, id);
            return null;
        });
    }

    @Override
    public ProvisionedVolume expand(String volumeId, long bytes) throws CsiException {
        ClaimId id = Claims.id(volumeId);
        KnownPools.Pool pool = known.existing(id.pool()).orElseThrow(() -> Claims.notFound(id));
        return mounts.with(pool.info, files -> {
            ClaimRecord record = Claims.record(files, id).orElseThrow(() -> Claims.notFound(id));
            if (bytes < record.capacityBytes()) {
                throw CsiException.outOfRange("claim " + id + " has " + record.capacityBytes() + " bytes; shrinking to "
                        + bytes + " is not supported");
            }
            if (bytes == record.capacityBytes()) {
                return Claims.volume(pool.info, id, record);
            }
            limit(pool, id, bytes);
            ClaimRecord grown = record.withCapacity(bytes);
            files.writeRecord(id.directory(), grown.render());
            LOG.info("expanded claim " + id + " from " + record.capacityBytes() + " to " + bytes + " bytes");
            return Claims.volume(pool.info, id, grown);
        });
    }

    // ---------------------------------------------------------------- read

    /**
     * A claim's gluster volume options are its pool's, shared with every other claim in it: a
     * VolumeAttributesClass cannot change them per claim. NOT_FOUND for a claim that does not exist.
     */
    @Override
    public void modify(String volumeId, Map<String, String> volumeOptions) throws CsiException {
        ClaimId id = Claims.id(volumeId);
        find(volumeId).orElseThrow(() -> Claims.notFound(id));
        throw CsiException.invalidArgument("volume " + volumeId + " is a claim in shared pool " + id.pool()
                + ": its gluster volume options are the pool's, shared by every claim in it, and cannot change per"
                + " claim; a VolumeAttributesClass can change only volumes of a dedicated StorageClass");
    }

    @Override
    public Optional<ProvisionedVolume> find(String volumeId) throws CsiException {
        ClaimId id = Claims.id(volumeId);
        Optional<KnownPools.Pool> pool = known.existing(id.pool());
        if (pool.isEmpty()) {
            return Optional.empty();
        }
        return mounts.with(pool.get().info, files -> {
            files.verify();
            return Claims.record(files, id).map(record -> Claims.volume(pool.get().info, id, record));
        });
    }

    @Override
    public List<ProvisionedVolume> list() throws CsiException {
        return reads.list();
    }

    /** How full each shared pool gluster has is now, for metrics. */
    public List<PoolUsage> usage() throws CsiException {
        return reads.usage();
    }

    @Override
    public VolumeHealth health(String volumeId) throws CsiException {
        ClaimId id = Claims.id(volumeId);
        known.existing(id.pool()).orElseThrow(() -> Claims.notFound(id));
        return reads.health(id);
    }

    /** Claims' conditions are their pools' (see {@link Layouts}, which asks gluster once for every volume). */
    @Override
    public Map<String, VolumeHealth> healthOf(List<ProvisionedVolume> volumes) throws CsiException {
        return reads.healthOf(volumes);
    }

    /** The claims of a pool gluster has, as its mount shows them (for the background watch). */
    public List<ProvisionedVolume> claims(VolumeInfo pool) throws CsiException {
        return reads.claimsOf(pool);
    }

    // ---------------------------------------------------------------- quota repairs

    @Override
    public List<String> quotaSuspects() throws CsiException {
        return repairs.suspects();
    }

    @Override
    public Optional<String> repairQuota(String volumeId) throws CsiException {
        return repairs.repair(volumeId);
    }

    /**
     * Room for a claim of the class now: the pool's free space, or for a pool not made yet, the
     * largest brick placement could give it.
     */
    @Override
    public long largestPlaceable(StorageClassParameters parameters) throws CsiException {
        String name = parameters.pool().orElseThrow();
        Optional<KnownPools.Pool> pool = known.existing(name);
        if (pool.isPresent()) {
            return mounts.with(pool.get().info, files -> files.space().freeBytes());
        }
        return Placement.largestPlaceable(trusted.candidates(trusted.peers(), parameters.brickRoot()),
                parameters.replica(), parameters.spread().zonesRequired()).orElse(0L);
    }

    @Override
    public boolean anyPeerAnswers() {
        return trusted.anyPeerAnswers();
    }

    // ---------------------------------------------------------------- helpers

    private void step(Step step, ClaimId id) throws CsiException {
        Claims.step(listener, step, id);
    }


}
