package io.converged.gluster.node.csi;

import io.converged.gluster.csi.runtime.Answers;
import io.converged.gluster.csi.runtime.CsiException;
import io.converged.gluster.csi.runtime.VolumeLocks;
import io.converged.gluster.csi.v1.NodeGetCapabilitiesRequest;
import io.converged.gluster.csi.v1.NodeGetCapabilitiesResponse;
import io.converged.gluster.csi.v1.NodeGetInfoRequest;
import io.converged.gluster.csi.v1.NodeGetInfoResponse;
import io.converged.gluster.csi.v1.NodeGetVolumeStatsRequest;
import io.converged.gluster.csi.v1.NodeGetVolumeStatsResponse;
import io.converged.gluster.csi.v1.NodeGrpc;
import io.converged.gluster.csi.v1.NodePublishVolumeRequest;
import io.converged.gluster.csi.v1.NodePublishVolumeResponse;
import io.converged.gluster.csi.v1.NodeServiceCapability;
import io.converged.gluster.csi.v1.NodeStageVolumeRequest;
import io.converged.gluster.csi.v1.NodeStageVolumeResponse;
import io.converged.gluster.csi.v1.NodeUnpublishVolumeRequest;
import io.converged.gluster.csi.v1.NodeUnpublishVolumeResponse;
import io.converged.gluster.csi.v1.NodeUnstageVolumeRequest;
import io.converged.gluster.csi.v1.NodeUnstageVolumeResponse;
import io.converged.gluster.csi.v1.VolumeCondition;
import io.converged.gluster.csi.v1.VolumeUsage;
import io.converged.gluster.node.mount.FsStats;
import io.converged.gluster.node.mount.GlusterMount;
import io.converged.gluster.node.mount.KubeletDir;
import io.converged.gluster.node.mount.VolumeMounts;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.List;

/**
 * The CSI Node service. Each call validates its request, takes the volume's lock (ABORTED when
 * another call holds it), lets {@link VolumeMounts} do the work, and answers through
 * {@link Answers}, where failures become status codes.
 */
public final class NodeService extends NodeGrpc.NodeImplBase {
    private static final List<NodeServiceCapability.RPC.Type> CAPABILITIES = List.of(
            NodeServiceCapability.RPC.Type.STAGE_UNSTAGE_VOLUME,
            NodeServiceCapability.RPC.Type.GET_VOLUME_STATS,
            NodeServiceCapability.RPC.Type.VOLUME_CONDITION);

    private final VolumeMounts volumes;
    private final VolumeLocks locks;
    private final String nodeId;
    private final Path clientLogDir;
    private final KubeletDir kubelet;

    /** @param kubelet the directory staging and target paths must lie under */
    public NodeService(VolumeMounts volumes, VolumeLocks locks, String nodeId, Path clientLogDir, KubeletDir kubelet) {
        this.volumes = volumes;
        this.locks = locks;
        this.nodeId = nodeId;
        this.clientLogDir = clientLogDir;
        this.kubelet = kubelet;
    }

    @Override
    public void nodeStageVolume(NodeStageVolumeRequest request, StreamObserver<NodeStageVolumeResponse> out) {
        Answers.answer(out, () -> {
            String volumeId = NodeRequests.volumeId(request.getVolumeId());
            Path staging = NodeRequests.kubeletPath(kubelet, "staging_target_path",
                    request.getStagingTargetPath());
            GlusterMount mount = NodeRequests.glusterMount(request.getVolumeContextMap(),
                    NodeRequests.mountOptions(request.hasVolumeCapability(), request.getVolumeCapability()),
                    clientLogDir);
            try (VolumeLocks.Held lock = locks.acquire(volumeId)) {
                volumes.stage(volumeId, mount, staging);
            }
            return NodeStageVolumeResponse.getDefaultInstance();
        });
    }

    @Override
    public void nodePublishVolume(NodePublishVolumeRequest request, StreamObserver<NodePublishVolumeResponse> out) {
        Answers.answer(out, () -> {
            String volumeId = NodeRequests.volumeId(request.getVolumeId());
            Path staging = NodeRequests.kubeletPath(kubelet, "staging_target_path",
                    request.getStagingTargetPath());
            Path target = NodeRequests.kubeletPath(kubelet, "target_path", request.getTargetPath());
            NodeRequests.mountOptions(request.hasVolumeCapability(), request.getVolumeCapability());
            if (target.normalize().equals(staging.normalize())) {
                throw CsiException.invalidArgument("target_path must differ from staging_target_path");
            }
            boolean readOnly = request.getReadonly() || NodeRequests.readOnlyMode(request.getVolumeCapability());
            try (VolumeLocks.Held lock = locks.acquire(volumeId)) {
                volumes.publish(volumeId, staging, target, readOnly);
            }
            return NodePublishVolumeResponse.getDefaultInstance();
        });
    }

    @Override
    public void nodeUnpublishVolume(NodeUnpublishVolumeRequest request,
            StreamObserver<NodeUnpublishVolumeResponse> out) {
        Answers.answer(out, () -> {
            String volumeId = NodeRequests.volumeId(request.getVolumeId());
            Path target = NodeRequests.kubeletPath(kubelet, "target_path", request.getTargetPath());
            try (VolumeLocks.Held lock = locks.acquire(volumeId)) {
                volumes.unpublish(volumeId, target);
            }
            return NodeUnpublishVolumeResponse.getDefaultInstance();
        });
    }

    @Override
    public void nodeUnstageVolume(NodeUnstageVolumeRequest request, StreamObserver<NodeUnstageVolumeResponse> out) {
        Answers.answer(out, () -> {
            String volumeId = NodeRequests.volumeId(request.getVolumeId());
            Path staging = NodeRequests.kubeletPath(kubelet, "staging_target_path",
                    request.getStagingTargetPath());
            try (VolumeLocks.Held lock = locks.acquire(volumeId)) {
                volumes.unstage(volumeId, staging);
            }
            return NodeUnstageVolumeResponse.getDefaultInstance();
        });
    }

    @Override
    public void nodeGetVolumeStats(NodeGetVolumeStatsRequest request,
            StreamObserver<NodeGetVolumeStatsResponse> out) {
        Answers.answer(out, () -> {
            String volumeId = NodeRequests.volumeId(request.getVolumeId());
            Path path = NodeRequests.statsPath(kubelet, request.getVolumePath());
            VolumeMounts.Usage usage;
            try (VolumeLocks.Held lock = locks.acquire(volumeId)) {
                usage = volumes.usage(volumeId, path);
            }
            return statsResponse(usage);
        });
    }

    @SuppressWarnings("deprecation") // VolumeCondition is what kubelet reads, though CSI 1.13 deprecates it
    private static NodeGetVolumeStatsResponse statsResponse(VolumeMounts.Usage usage) {
        NodeGetVolumeStatsResponse.Builder response = NodeGetVolumeStatsResponse.newBuilder()
                .setVolumeCondition(VolumeCondition.newBuilder()
                        .setAbnormal(usage.abnormal())
                        .setMessage(usage.abnormal() ? usage.message() : "mounted and answering"));
        if (usage.stats().isPresent()) {
            FsStats stats = usage.stats().get();
            response.addUsage(VolumeUsage.newBuilder().setUnit(VolumeUsage.Unit.BYTES).setTotal(stats.totalBytes())
                    .setAvailable(stats.availableBytes()).setUsed(stats.usedBytes()));
            response.addUsage(VolumeUsage.newBuilder().setUnit(VolumeUsage.Unit.INODES)
                    .setTotal(stats.totalInodes()).setAvailable(stats.freeInodes()).setUsed(stats.usedInodes()));
        }
        return response.build();
    }

    @Override
    public void nodeGetCapabilities(NodeGetCapabilitiesRequest request,
            StreamObserver<NodeGetCapabilitiesResponse> out) {
        NodeGetCapabilitiesResponse.Builder response = NodeGetCapabilitiesResponse.newBuilder();
        for (NodeServiceCapability.RPC.Type type : CAPABILITIES) {
            response.addCapabilities(NodeServiceCapability.newBuilder()
                    .setRpc(NodeServiceCapability.RPC.newBuilder().setType(type)));
        }
        out.onNext(response.build());
        out.onCompleted();
    }

    @Override
    public void nodeGetInfo(NodeGetInfoRequest request, StreamObserver<NodeGetInfoResponse> out) {
        out.onNext(NodeGetInfoResponse.newBuilder().setNodeId(nodeId).build());
        out.onCompleted();
    }

}
