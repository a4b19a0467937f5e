package io.converged.gluster.controller.shared;

import io.converged.gluster.controller.gluster.VolumeInfo;
import io.converged.gluster.controller.gluster.VolumeStatus;
import io.converged.gluster.controller.peer.Peer;
import io.converged.gluster.controller.provision.Conditions;
import io.converged.gluster.controller.provision.ProvisionedVolume;
import io.converged.gluster.controller.provision.TrustedPool;
import io.converged.gluster.controller.provision.VolumeHealth;
import io.converged.gluster.controller.provision.VolumeMetadata;
import io.converged.gluster.controller.provision.VolumeNames.ClaimId;
import io.converged.gluster.controller.provision.VolumeWatch;
import io.converged.gluster.csi.runtime.CsiException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the shared pools hold, read and changed nothing: every claim (from each pool's mount), how
 * full each pool is, the claims' conditions (their pools'), and the claims whose limit is not as
 * recorded.
 */
final class PoolReads {
    private final TrustedPool trusted;
    private final Mounts mounts;

    PoolReads(TrustedPool trusted, Mounts mounts) {
        this.trusted = trusted;
        this.mounts = mounts;
    }

    List<ProvisionedVolume> list() throws CsiException {
        List<ProvisionedVolume> all = new ArrayList<>();
        for (VolumeInfo info : trusted.allVolumes(trusted.peers())) {
            if (VolumeMetadata.pool(info.options()) && !Claims.holdsNoClaim(info)) {
                all.addAll(claimsOf(info));
            }
        }
        all.sort(Comparator.comparing(ProvisionedVolume::id));
        return all;
    }

    List<ProvisionedVolume> claimsOf(VolumeInfo info) throws CsiException {
        List<ProvisionedVolume> claims = new ArrayList<>();
        recordsOf(info).forEach((id, record) -> claims.add(Claims.volume(info, id, record)));
        return claims;
    }

    /** The pool's live claims with their records, read through its mount. */
    private Map<ClaimId, ClaimRecord> recordsOf(VolumeInfo info) throws CsiException {
        return mounts.with(info, files -> {
            files.verify();
            Map<ClaimId, ClaimRecord> records = new LinkedHashMap<>();
            // A directory no claim id can name (an operator's copy of a claim, say) is none of ours.
            files.records().forEach((dir, value) -> value.flatMap(ClaimRecord::parse)
                    .filter(record -> !record.retained())
                    .ifPresent(record -> ClaimId.parse(info.name() + "/" + dir)
                            .ifPresent(id -> records.put(id, record))));
            return records;
        });
    }

    /** How full each shared pool gluster has is now, for metrics. */
    List<PoolUsage> usage() throws CsiException {
        List<PoolUsage> usage = new ArrayList<>();
        for (VolumeInfo info : trusted.allVolumes(trusted.peers())) {
            if (!VolumeMetadata.pool(info.options()) || Claims.holdsNoClaim(info)) {
                continue;
            }
            usage.add(mounts.with(info, files -> {
                PoolFiles.Space space = files.space();
                int claims = 0;
                long promised = 0;
                for (Optional<String> value : files.records().values()) {
                    Optional<ClaimRecord> record = value.flatMap(ClaimRecord::parse).filter(r -> !r.retained());
                    if (record.isPresent()) {
                        claims++;
                        promised += record.get().capacityBytes();
                    }
                }
                return new PoolUsage(info.name(), space.totalBytes(), space.freeBytes(), claims, promised);
            }));
        }
        return usage;
    }

    /** The claim's condition: its pool's. */
    VolumeHealth health(ClaimId id) throws CsiException {
        List<Peer> peers = trusted.peers();
        VolumeInfo info = trusted.ownPool(peers, id.pool());
        VolumeHealth pool = info.started() ? trusted.onAnyPeer(peers, cli -> Conditions.of(info,
                cli.volumeStatus(id.pool()), VolumeWatch.healOf(cli, info))) : Conditions.notStarted(info);
        return Conditions.ofClaim(id.pool(), pool);
    }

    /** Claims' conditions are their pools' (see {@link Layouts}, which asks gluster once for every volume). */
    Map<String, VolumeHealth> healthOf(List<ProvisionedVolume> volumes) throws CsiException {
        List<Peer> peers = trusted.peers();
        TrustedPool.Answer<List<VolumeInfo>> infos = trusted.ask(peers, cli -> cli.volumeInfoAll());
        Map<String, VolumeStatus> statuses = new HashMap<>();
        infos.peer().gluster().volumeStatusAll().forEach(s -> statuses.put(s.name(), s));
        return Conditions.of(volumes, infos.value(), statuses, VolumeWatch.Snapshot.NONE);
    }

    /** The claims whose limit gluster does not show as recorded, and one claim of each pool whose quota is off. */
    List<String> quotaSuspects(ClaimLimits limits) throws CsiException {
        List<Peer> peers = trusted.peers();
        List<String> suspects = new ArrayList<>();
        for (VolumeInfo info : trusted.allVolumes(peers)) {
            if (!VolumeMetadata.pool(info.options()) || Claims.holdsNoClaim(info) || !info.started()) {
                continue;
            }
            // A claim being filled has no limit yet, on purpose (see ClaimRecord#filling).
            List<ProvisionedVolume> claims = new ArrayList<>();
            recordsOf(info).forEach((id, record) -> {
                if (!record.filling()) {
                    claims.add(Claims.volume(info, id, record));
                }
            });
            if (claims.isEmpty()) {
                continue;
            }
            if (ClaimLimits.poolProblem(info).isPresent()) {
                suspects.add(claims.get(0).id());
                continue;
            }
            Map<String, Long> shown = limits.shown(peers, info.name(), claims);
            for (ProvisionedVolume claim : claims) {
                Long limit = shown.get("/" + claim.directory());
                if (limit == null || limit != claim.capacityBytes()) {
                    suspects.add(claim.id());
                }
            }
        }
        return suspects;
    }
}
