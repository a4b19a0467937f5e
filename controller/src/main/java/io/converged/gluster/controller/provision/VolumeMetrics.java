package io.converged.gluster.controller.provision;

import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.Supplier;

/**
 * What the {@link VolumeWatch} saw, on the controller's {@code /metrics}. A scrape reads the last
 * round and never asks gluster. By {@code gluster_volume} (a dedicated volume, or a pool whose claims
 * share its figures): {@code gluster_csi_volume_bricks}, {@code gluster_csi_volume_bricks_online},
 * {@code gluster_csi_volume_heal_pending_entries}, {@code gluster_csi_volume_split_brain_entries} (the
 * last two only while gluster can say). By CSI {@code volume} (a dedicated volume or a claim):
 * {@code gluster_csi_volume_quota_used_bytes}, {@code gluster_csi_volume_quota_limit_bytes}. By
 * {@code peer} address: {@code gluster_csi_peer_connected} (1 or 0). And
 * {@code gluster_csi_watch_timestamp_seconds}, when the last round ended (alert when it grows old).
 */
public final class VolumeMetrics {
    private final Supplier<VolumeWatch.Snapshot> last;

    public VolumeMetrics(Supplier<VolumeWatch.Snapshot> last) {
        this.last = last;
    }

    public void register(PrometheusRegistry registry) {
        GaugeWithCallback.builder().name("gluster_csi_volume_bricks").help("Bricks of each gluster volume of the"
                + " driver").labelNames("gluster_volume")
                .callback(cb -> last.get().volumes().forEach(v -> cb.call(v.bricks(), v.glusterVolume())))
                .register(registry);
        GaugeWithCallback.builder().name("gluster_csi_volume_bricks_online").help("Bricks gluster shows online")
                .labelNames("gluster_volume")
                .callback(cb -> last.get().volumes().forEach(v -> cb.call(v.bricksOnline(), v.glusterVolume())))
                .register(registry);
        GaugeWithCallback.builder().name("gluster_csi_volume_heal_pending_entries")
                .help("Entries pending heal (volume heal V info summary; the largest count of any brick)")
                .labelNames("gluster_volume")
                .callback(cb -> last.get().volumes().forEach(v -> v.heal().ifPresent(
                        h -> cb.call(h.pendingEntries(), v.glusterVolume()))))
                .register(registry);
        GaugeWithCallback.builder().name("gluster_csi_volume_split_brain_entries")
                .help("Entries in split-brain (volume heal V info summary; the largest count of any brick)")
                .labelNames("gluster_volume")
                .callback(cb -> last.get().volumes().forEach(v -> v.heal().ifPresent(
                        h -> cb.call(h.splitBrainEntries(), v.glusterVolume()))))
                .register(registry);
        GaugeWithCallback.builder().name("gluster_csi_volume_quota_used_bytes")
                .help("Bytes the quota counts as used, by CSI volume (a dedicated volume's root, a claim's directory)")
                .labelNames("volume", "gluster_volume")
                .callback(cb -> last.get().quotas().forEach(q -> q.usedBytes().ifPresent(
                        b -> cb.call(b, q.volumeId(), q.glusterVolume()))))
                .register(registry);
        GaugeWithCallback.builder().name("gluster_csi_volume_quota_limit_bytes")
                .help("The quota limit gluster shows, by CSI volume; absent when gluster shows none")
                .labelNames("volume", "gluster_volume")
                .callback(cb -> last.get().quotas().forEach(q -> q.limitBytes().ifPresent(
                        b -> cb.call(b, q.volumeId(), q.glusterVolume()))))
                .register(registry);
        GaugeWithCallback.builder().name("gluster_csi_peer_connected")
                .help("1 when the trusted pool shows the peer connected, 0 when not").labelNames("peer")
                .callback(cb -> last.get().peers().forEach(p -> cb.call(p.connected() ? 1 : 0, p.address())))
                .register(registry);
        GaugeWithCallback.builder().name("gluster_csi_watch_timestamp_seconds")
                .help("When the last round of gathering these figures from gluster ended (Unix time)")
                .callback(cb -> {
                    VolumeWatch.Snapshot snapshot = last.get();
                    if (snapshot != VolumeWatch.Snapshot.NONE) {
                        cb.call(snapshot.at().getEpochSecond());
                    }
                }).register(registry);
    }
}
