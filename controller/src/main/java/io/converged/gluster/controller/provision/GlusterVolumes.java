package io.converged.gluster.controller.provision;

import io.converged.gluster.controller.gluster.Brick;
import io.converged.gluster.controller.gluster.GlusterCli;
import io.converged.gluster.controller.gluster.VolumeInfo;
import io.converged.gluster.controller.gluster.VolumeStatus;
import io.converged.gluster.controller.peer.Peer;
import io.converged.gluster.controller.placement.Placement;
import io.converged.gluster.csi.runtime.CsiException;
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

    public GlusterVolumes(TrustedPool trusted, VolumeCreator creator, VolumeRemover remover) {
        this.trusted = trusted;
        this.creator = creator;
        this.remover = remover;
    }

    @Override
    public ProvisionedVolume create(VolumeRequest request) throws CsiException {
        return creator.create(request);
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
    public Optional<ProvisionedVolume> find(String volumeId) throws CsiException {
        Optional<VolumeInfo> info = trusted.volume(trusted.peers(), volumeId).value();
        return info.filter(i -> VolumeMetadata.dedicated(i.options())).map(ProvisionedVolume::of);
    }

    @Override
    public List<ProvisionedVolume> list() throws CsiException {
        return trusted.allVolumes(trusted.peers()).stream().filter(i -> VolumeMetadata.dedicated(i.options()))
                .map(ProvisionedVolume::of).sorted(Comparator.comparing(ProvisionedVolume::id)).toList();
    }

    @Override
    public VolumeHealth health(String volumeId) throws CsiException {
        List<Peer> peers = trusted.peers();
        VolumeInfo info = trusted.ownVolume(peers, volumeId);
        if (!info.started()) {
            return notStarted(info);
        }
        return health(info, trusted.onAnyPeer(peers, cli -> cli.volumeStatus(volumeId)));
    }

    @Override
    public Map<String, VolumeHealth> healthOfAll() throws CsiException {
        List<Peer> peers = trusted.peers();
        List<VolumeInfo> all = trusted.allVolumes(peers);
        Map<String, VolumeStatus> statuses = new HashMap<>();
        if (all.stream().anyMatch(VolumeInfo::started)) {
            trusted.onAnyPeer(peers, GlusterCli::volumeStatusAll).forEach(s -> statuses.put(s.name(), s));
        }
        Map<String, VolumeHealth> health = new HashMap<>();
        for (VolumeInfo info : all) {
            if (VolumeMetadata.dedicated(info.options())) {
                health.put(info.name(), info.started()
                        ? health(info, statuses.getOrDefault(info.name(), new VolumeStatus(info.name(), List.of())))
                        : notStarted(info));
            }
        }
        return health;
    }

    /** The condition of a volume that is not started. */
    public static VolumeHealth notStarted(VolumeInfo info) {
        return new VolumeHealth(true, "volume " + info.name() + " is " + info.status() + ", not started");
    }

    public static VolumeHealth health(VolumeInfo info, VolumeStatus status) {
        List<String> offline = info.bricks().stream().filter(b -> !status.online(b)).map(Brick::name).toList();
        if (offline.isEmpty()) {
            return VolumeHealth.OK;
        }
        int online = info.bricks().size() - offline.size();
        return new VolumeHealth(true, offline.size() + " of " + info.bricks().size() + " bricks offline: "
                + String.join(", ", offline) + (online == 0 ? "; the volume cannot serve data"
                : "; the volume serves from the remaining replicas"));
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
}
