package io.converged.gluster.controller.provision;

import io.converged.gluster.controller.gluster.GlusterCli;
import io.converged.gluster.controller.gluster.GlusterException;
import io.converged.gluster.controller.gluster.QuotaLimit;
import io.converged.gluster.controller.gluster.VolumeInfo;
import io.converged.gluster.controller.gluster.VolumeStatus;
import io.converged.gluster.controller.peer.Peer;
import io.converged.gluster.controller.placement.Placement;
import io.converged.gluster.csi.runtime.CsiException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The gluster implementation of the volume backend: creating and removing are the creator's and
 * the remover's jobs; expansion, lookups and health are answered here from the pool.
 */
public final class GlusterVolumes implements VolumeBackend {
    private static final Logger LOG = Logger.getLogger(GlusterVolumes.class.getName());

    private final TrustedPool trusted;
    private final VolumeCreator creator;
    private final VolumeRemover remover;
    private final VolumeModifier modifier;

    public GlusterVolumes(TrustedPool trusted, VolumeCreator creator, VolumeRemover remover) {
        this.trusted = trusted;
        this.creator = creator;
        this.remover = remover;
        this.modifier = new VolumeModifier(trusted);
    }

    @Override
    public ProvisionedVolume create(VolumeRequest request) throws CsiException {
        return creator.create(request);
    }

    @Override
    public ProvisionedVolume createToFill(VolumeRequest request) throws CsiException {
        return creator.createToFill(request);
    }

    @Override
    public void delete(String volumeId) throws CsiException {
        remover.delete(volumeId);
    }

    @Override
    public ProvisionedVolume expand(String volumeId, long bytes) throws CsiException {
        List<Peer> peers = trusted.peers();
        VolumeInfo info = trusted.ownVolume(peers, volumeId);
        long current = VolumeMetadata.capacity(info.options());
        if (bytes < current) {
            throw CsiException.outOfRange("volume " + volumeId + " has " + current + " bytes; shrinking to " + bytes
                    + " is not supported");
        }
        if (bytes == current) {
            return ProvisionedVolume.of(info);
        }
        try {
            GlusterCli cli = trusted.answering(peers);
            cli.setQuotaLimit(volumeId, VolumeCreator.ROOT, bytes);
            cli.setOptions(volumeId, Map.of(VolumeMetadata.CAPACITY, Long.toString(bytes)));
        } catch (CsiException e) {
            throw CsiException.during("expanding volume " + volumeId, e);
        }
        LOG.info("expanded volume " + volumeId + " from " + current + " to " + bytes + " bytes");
        return ProvisionedVolume.of(trusted.ownVolume(peers, volumeId));
    }

    @Override
    public void modify(String volumeId, Map<String, String> volumeOptions) throws CsiException {
        modifier.modify(volumeId, volumeOptions);
    }

    @Override
    public Optional<ProvisionedVolume> find(String volumeId) throws CsiException {
        Optional<VolumeInfo> info = trusted.volume(trusted.peers(), volumeId).value();
        return info.filter(i -> VolumeMetadata.dedicated(i.options())).map(ProvisionedVolume::of);
    }

    @Override
    public List<ProvisionedVolume> list() throws CsiException {
        return trusted.allVolumes(trusted.peers()).stream().filter(i -> VolumeMetadata.dedicated(i.options()))
                .map(ProvisionedVolume::of).sorted(Comparator.comparing(ProvisionedVolume::id)).toList();
    }

    /** Heal figures of the last background round, for listings; none until a watch is set. */
    private volatile java.util.function.Supplier<VolumeWatch.Snapshot> recent = () -> VolumeWatch.Snapshot.NONE;

    /** Listings take their heal figures from this watch's last round. */
    public void healFrom(VolumeWatch watch) {
        this.recent = watch::last;
    }

    @Override
    public VolumeHealth health(String volumeId) throws CsiException {
        List<Peer> peers = trusted.peers();
        VolumeInfo info = trusted.ownVolume(peers, volumeId);
        return live(peers, info);
    }

    /** A volume's condition asked of gluster now: status and, for a started replicated volume, heal. */
    public VolumeHealth live(List<Peer> peers, VolumeInfo info) throws CsiException {
        if (!info.started()) {
            return Conditions.notStarted(info);
        }
        return trusted.onAnyPeer(peers, cli -> Conditions.of(info, cli.volumeStatus(info.name()),
                VolumeWatch.healOf(cli, info)));
    }

    @Override
    public Map<String, VolumeHealth> healthOf(List<ProvisionedVolume> volumes) throws CsiException {
        if (volumes.isEmpty()) {
            return Map.of();
        }
        List<Peer> peers = trusted.peers();
        TrustedPool.Answer<List<VolumeInfo>> infos = trusted.ask(peers, GlusterCli::volumeInfoAll);
        Map<String, VolumeStatus> statuses = new HashMap<>();
        if (infos.value().stream().anyMatch(VolumeInfo::started)) {
            infos.peer().gluster().volumeStatusAll().forEach(s -> statuses.put(s.name(), s));
        }
        return Conditions.of(volumes, infos.value(), statuses, recent.get());
    }

    @Override
    public long largestPlaceable(StorageClassParameters parameters) throws CsiException {
        return Placement.largestPlaceable(trusted.candidates(trusted.peers(), parameters.brickRoot()),
                parameters.replica(), parameters.spread().zonesRequired()).orElse(0L);
    }

    @Override
    public boolean anyPeerAnswers() {
        return trusted.anyPeerAnswers();
    }

    @Override
    public List<String> quotaSuspects() throws CsiException {
        List<Peer> peers = trusted.peers();
        List<String> suspects = new ArrayList<>();
        for (VolumeInfo info : trusted.allVolumes(peers)) {
            // A volume being filled has no limit yet, on purpose (VolumeMetadata.FILLING).
            if (!VolumeMetadata.dedicated(info.options()) || !info.started()
                    || VolumeMetadata.filling(info.options())) {
                continue;
            }
            if (quotaProblem(info, trusted.onAnyPeer(peers, cli -> quotaOf(cli, info))).isPresent()) {
                suspects.add(info.name());
            }
        }
        return suspects;
    }

    @Override
    public Optional<String> repairQuota(String volumeId) throws CsiException {
        List<Peer> peers = trusted.peers();
        Optional<VolumeInfo> found = trusted.volume(peers, volumeId).value()
                .filter(i -> VolumeMetadata.dedicated(i.options()) && i.started()
                        && !VolumeMetadata.filling(i.options()));
        if (found.isEmpty()) {
            return Optional.empty();
        }
        VolumeInfo info = found.get();
        GlusterCli cli = trusted.answering(peers);
        Optional<String> problem = quotaProblem(info, quotaOf(cli, info));
        if (problem.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> options = info.options();
        if (!"on".equals(options.get("features.quota"))) {
            cli.quotaEnable(volumeId);
        }
        QuotaEnforcement enforcement = VolumeMetadata.quotaEnforcement(options);
        if (!enforcement.setOn(options)) {
            cli.quotaTimeouts(volumeId, enforcement.softSeconds(), enforcement.hardSeconds());
        }
        long capacity = VolumeMetadata.capacity(options);
        if (!limitShown(quotaOf(cli, info), capacity)) {
            cli.setQuotaLimit(volumeId, VolumeCreator.ROOT, capacity);
        }
        return Optional.of("volume " + volumeId + ": " + problem.get() + "; repaired");
    }

    /** The limit of the volume's root as gluster shows it now (empty with quota off or no limit). */
    private static Optional<QuotaLimit> quotaOf(GlusterCli cli, VolumeInfo info) throws GlusterException {
        if (!"on".equals(info.options().get("features.quota"))) {
            return Optional.empty();
        }
        try {
            return cli.quotaList(info.name(), VolumeCreator.ROOT);
        } catch (GlusterException e) {
            if (e.is(GlusterException.Kind.QUOTA_DISABLED)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** What is wrong with a dedicated volume's quota, in words; empty when it holds as promised. */
    static Optional<String> quotaProblem(VolumeInfo info, Optional<QuotaLimit> limit) {
        Map<String, String> options = info.options();
        long capacity = VolumeMetadata.capacity(options);
        if (!"on".equals(options.get("features.quota"))) {
            return Optional.of("quota was off");
        }
        if (!limitShown(limit, capacity)) {
            return Optional.of(limit.flatMap(l -> l.hardLimitBytes().isPresent()
                    ? Optional.of("its limit was " + l.hardLimitBytes().getAsLong() + " bytes, not " + capacity)
                    : Optional.empty()).orElse("its limit of " + capacity + " bytes was missing"));
        }
        QuotaEnforcement enforcement = VolumeMetadata.quotaEnforcement(options);
        if (!enforcement.setOn(options)) {
            return Optional.of("its quota timeouts were not those of quotaEnforcement " + enforcement.value());
        }
        return Optional.empty();
    }

    private static boolean limitShown(Optional<QuotaLimit> limit, long bytes) {
        return limit.isPresent() && limit.get().hardLimitBytes().isPresent()
                && limit.get().hardLimitBytes().getAsLong() == bytes;
    }
}
