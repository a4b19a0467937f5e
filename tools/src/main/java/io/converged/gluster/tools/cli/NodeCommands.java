package io.converged.gluster.tools.cli;

import static io.converged.gluster.tools.cli.Ctl.controller;
import static io.converged.gluster.tools.cli.Ctl.node;
import static io.converged.gluster.tools.cli.VolumeCommands.mountCapability;

import io.converged.gluster.csi.v1.ControllerGetVolumeRequest;
import io.converged.gluster.csi.v1.NodeGetVolumeStatsRequest;
import io.converged.gluster.csi.v1.NodeGetVolumeStatsResponse;
import io.converged.gluster.csi.v1.NodePublishVolumeRequest;
import io.converged.gluster.csi.v1.NodeStageVolumeRequest;
import io.converged.gluster.csi.v1.NodeUnpublishVolumeRequest;
import io.converged.gluster.csi.v1.NodeUnstageVolumeRequest;
import io.converged.gluster.csi.v1.VolumeUsage;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The work of the {@code gluster-csi-ctl} commands of the CSI Node service, as the kubelet would
 * call them (declared, with their options, in {@link Ctl}):
 * {@code stage} (with the volume context read from the controller), {@code publish},
 * {@code unpublish}, {@code unstage} and {@code stats}.
 */
final class NodeCommands {
    private final Ctl ctl;

    NodeCommands(Ctl ctl) {
        this.ctl = ctl;
    }

    /** {@code stage}: NodeStageVolume at {@code staging}, with the volume context read from the controller. */
    int stage(String id, String staging) {
        Map<String, String> context = ctl.onController(c -> controller(c).controllerGetVolume(
                ControllerGetVolumeRequest.newBuilder().setVolumeId(id).build()).getVolume().getVolumeContextMap());
        ctl.onNode(c -> node(c).nodeStageVolume(NodeStageVolumeRequest.newBuilder()
                .setVolumeId(id).setStagingTargetPath(staging).putAllVolumeContext(context)
                .setVolumeCapability(mountCapability(false)).build()));
        Map<String, Object> row = Printer.ordered("staged", id, "at", staging);
        ctl.printer().printOne(row);
        return 0;
    }

    /** {@code publish}: NodePublishVolume of the staged volume to {@code target}. */
    int publish(String id, String staging, String target, boolean readOnly) {
        ctl.onNode(c -> node(c).nodePublishVolume(NodePublishVolumeRequest.newBuilder()
                .setVolumeId(id).setStagingTargetPath(staging).setTargetPath(target).setReadonly(readOnly)
                .setVolumeCapability(mountCapability(readOnly)).build()));
        Map<String, Object> row = Printer.ordered("published", id, "at", target, "readOnly", readOnly);
        ctl.printer().printOne(row);
        return 0;
    }

    /** {@code unpublish}: NodeUnpublishVolume. */
    int unpublish(String id, String target) {
        ctl.onNode(c -> node(c).nodeUnpublishVolume(NodeUnpublishVolumeRequest.newBuilder()
                .setVolumeId(id).setTargetPath(target).build()));
        Map<String, Object> row = Printer.ordered("unpublished", id, "from", target);
        ctl.printer().printOne(row);
        return 0;
    }

    /** {@code unstage}: NodeUnstageVolume. */
    int unstage(String id, String staging) {
        ctl.onNode(c -> node(c).nodeUnstageVolume(NodeUnstageVolumeRequest.newBuilder()
                .setVolumeId(id).setStagingTargetPath(staging).build()));
        Map<String, Object> row = Printer.ordered("unstaged", id, "from", staging);
        ctl.printer().printOne(row);
        return 0;
    }

    /** {@code stats}: NodeGetVolumeStats, bytes, inodes and condition. */
    @SuppressWarnings("deprecation")
    int stats(String id, String path) {
        NodeGetVolumeStatsResponse stats = ctl.onNode(c -> node(c).nodeGetVolumeStats(
                NodeGetVolumeStatsRequest.newBuilder().setVolumeId(id).setVolumePath(path).build()));
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", id);
        for (VolumeUsage usage : stats.getUsageList()) {
            String unit = usage.getUnit() == VolumeUsage.Unit.BYTES ? "bytes" : "inodes";
            row.put(unit + "Total", usage.getTotal());
            row.put(unit + "Used", usage.getUsed());
            row.put(unit + "Available", usage.getAvailable());
        }
        row.put("condition", stats.getVolumeCondition().getAbnormal()
                ? "abnormal: " + stats.getVolumeCondition().getMessage() : "ok");
        ctl.printer().printOne(row);
        return 0;
    }
}
