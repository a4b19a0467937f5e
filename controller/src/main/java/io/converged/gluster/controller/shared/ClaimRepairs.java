package io.converged.gluster.controller.shared;

import io.converged.gluster.controller.gluster.VolumeInfo;
import io.converged.gluster.controller.peer.Peer;
import io.converged.gluster.controller.provision.Step;
import io.converged.gluster.controller.provision.TrustedPool;
import io.converged.gluster.controller.provision.VolumeNames.ClaimId;
import io.converged.gluster.csi.runtime.CsiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The quota repairs of the shared pools, for {@link PoolClaims}: the claims whose limit gluster does not
 * show as recorded (one claim of each pool whose quota is off), and the repair of one, which sets its
 * pool's quota and the claim's limit again. A claim being filled has no limit on purpose and is left alone.
 */
final class ClaimRepairs {
    private final TrustedPool trusted;
    private final KnownPools known;
    private final Mounts mounts;
    private final ClaimLimits limits;
    private final PoolReads reads;
    private final Step.Listener listener;

    ClaimRepairs(TrustedPool trusted, KnownPools known, Mounts mounts, ClaimLimits limits, PoolReads reads,
            Step.Listener listener) {
        this.trusted = trusted;
        this.known = known;
        this.mounts = mounts;
        this.limits = limits;
        this.reads = reads;
        this.listener = listener;
    }

    List<String> suspects() throws CsiException {
        return reads.quotaSuspects(limits);
    }

    /** What was repaired, in words for the log; empty when gluster showed the claim right after all. */
    Optional<String> repair(String volumeId) throws CsiException {
        ClaimId id = Claims.id(volumeId);
        Optional<KnownPools.Pool> pool = known.existing(id.pool());
        if (pool.isEmpty()) {
            return Optional.empty();
        }
        List<Peer> peers = trusted.peers();
        VolumeInfo info = trusted.ownPool(peers, id.pool());
        List<String> repaired = new ArrayList<>();
        Optional<String> poolProblem = ClaimLimits.poolProblem(info);
        if (poolProblem.isPresent()) {
            limits.repairPool(peers, info);
            repaired.add("shared pool " + id.pool() + ": " + poolProblem.get());
        }
        Optional<ClaimRecord> record = mounts.with(pool.get().info, files -> Claims.record(files, id));
        if (record.isPresent() && !record.get().filling()) {
            long bytes = record.get().capacityBytes();
            Long shown = limits.shown(peers, id.pool(), List.of(Claims.volume(info, id, record.get())))
                    .get("/" + id.directory());
            if (shown == null || shown != bytes) {
                limits.set(pool.get().info, id.directory(), bytes);
                Claims.step(listener, Step.CLAIM_LIMITED, id);
                repaired.add("claim " + id + ": " + (shown == null ? "its limit of " + bytes + " bytes was missing"
                        : "its limit was " + shown + " bytes, not " + bytes));
            }
        }
        return repaired.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", repaired) + "; repaired");
    }
}
