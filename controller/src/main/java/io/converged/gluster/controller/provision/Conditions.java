package io.converged.gluster.controller.provision;

import io.converged.gluster.controller.gluster.Brick;
import io.converged.gluster.controller.gluster.HealSummary;
import io.converged.gluster.controller.gluster.VolumeInfo;
import io.converged.gluster.controller.gluster.VolumeStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A volume's condition from what gluster knows: bricks online ({@code volume status}), entries
 * pending heal and in split-brain ({@code volume heal V info summary}). Abnormal when a brick is
 * offline, when the replicas differ (a heal backlog) or when gluster cannot tell which copy is right
 * (split-brain). A claim's condition is its pool's, and says so. Pure.
 */
public final class Conditions {
    private Conditions() {
    }

    /** The condition of a volume that is not started. */
    public static VolumeHealth notStarted(VolumeInfo info) {
        return new VolumeHealth(true, "volume " + info.name() + " is " + info.status() + ", not started");
    }

    /**
     * @param heal the heal summary, when gluster gave one (a started replicated volume)
     */
    public static VolumeHealth of(VolumeInfo info, VolumeStatus status, Optional<HealSummary> heal) {
        if (!info.started()) {
            return notStarted(info);
        }
        List<String> parts = new ArrayList<>();
        boolean abnormal = false;
        List<String> offline = info.bricks().stream().filter(b -> !status.online(b)).map(Brick::name).toList();
        int total = info.bricks().size();
        if (offline.isEmpty()) {
            parts.add("all " + total + " bricks online");
        } else {
            abnormal = true;
            int online = total - offline.size();
            parts.add(offline.size() + " of " + total + " bricks offline: " + String.join(", ", offline)
                    + (online == 0 ? "; the volume cannot serve data"
                    : "; the volume serves from the remaining replicas"));
        }
        if (heal.isPresent()) {
            long splitBrain = heal.get().splitBrainEntries();
            long pending = heal.get().pendingEntries();
            if (splitBrain > 0) {
                abnormal = true;
                parts.add(entries(splitBrain) + " in split-brain: the replicas disagree and gluster refuses to read "
                        + (splitBrain == 1 ? "it" : "them") + " until an operator chooses a copy (gluster volume heal "
                        + info.name() + " info split-brain)");
            }
            if (pending > 0) {
                abnormal = true;
                parts.add(entries(pending) + " pending heal: the replicas differ until the self-heal daemon copies "
                        + (pending == 1 ? "it" : "them"));
            }
            if (splitBrain == 0 && pending == 0 && offline.isEmpty()) {
                parts.add("nothing to heal");
            }
        }
        return new VolumeHealth(abnormal, String.join("; ", parts));
    }

    /** A claim's condition is its pool's; the message says so. */
    public static VolumeHealth ofClaim(String pool, VolumeHealth poolHealth) {
        return new VolumeHealth(poolHealth.abnormal(), "shared pool " + pool + ": " + poolHealth.message());
    }

    /**
     * The conditions of a page of volumes from one {@code volume info} and one {@code volume status all}
     * (given), and the heal figures of the last background round (gluster gives those only volume by
     * volume, so a listing never waits on them).
     */
    public static Map<String, VolumeHealth> of(List<ProvisionedVolume> volumes, List<VolumeInfo> infos,
            Map<String, VolumeStatus> statuses, VolumeWatch.Snapshot recent) {
        Map<String, VolumeInfo> byName = new HashMap<>();
        infos.forEach(i -> byName.put(i.name(), i));
        Map<String, VolumeHealth> byGlusterVolume = new HashMap<>();
        Map<String, VolumeHealth> health = new HashMap<>();
        for (ProvisionedVolume volume : volumes) {
            VolumeInfo info = byName.get(volume.glusterVolume());
            if (info == null) {
                continue;
            }
            VolumeHealth own = byGlusterVolume.computeIfAbsent(info.name(), name -> of(info,
                    statuses.getOrDefault(name, new VolumeStatus(name, List.of())),
                    recent.volume(name).flatMap(VolumeWatch.VolumeFigures::heal)));
            health.put(volume.id(), volume.pool().isPresent() ? ofClaim(info.name(), own) : own);
        }
        return health;
    }

    private static String entries(long count) {
        return count + (count == 1 ? " entry" : " entries");
    }
}
