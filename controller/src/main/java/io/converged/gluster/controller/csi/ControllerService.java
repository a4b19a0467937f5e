package io.converged.gluster.controller.csi;

import com.google.protobuf.Int64Value;
import com.google.protobuf.Timestamp;
import io.converged.gluster.controller.provision.Capacity;
import io.converged.gluster.controller.provision.ProvisionedVolume;
import io.converged.gluster.controller.provision.StorageClassParameters;
import io.converged.gluster.controller.provision.VolumeBackend;
import io.converged.gluster.controller.provision.VolumeHealth;
import io.converged.gluster.controller.provision.VolumeNames;
import io.converged.gluster.controller.provision.VolumeOptions;
import io.converged.gluster.controller.provision.VolumeRequest;
import io.converged.gluster.controller.snapshot.ContentSource;
import io.converged.gluster.controller.snapshot.SnapshotBackend;
import io.converged.gluster.controller.snapshot.SnapshotClassParameters;
import io.converged.gluster.controller.snapshot.SnapshotId;
import io.converged.gluster.controller.snapshot.SnapshotRecord;
import io.converged.gluster.controller.snapshot.Snapshots;
import io.converged.gluster.csi.context.VolumeContext;
import io.converged.gluster.csi.runtime.Answers;
import io.converged.gluster.csi.runtime.CsiException;
import io.converged.gluster.csi.runtime.VolumeLocks;
import io.converged.gluster.csi.v1.ControllerExpandVolumeRequest;
import io.converged.gluster.csi.v1.ControllerExpandVolumeResponse;
import io.converged.gluster.csi.v1.ControllerGetCapabilitiesRequest;
import io.converged.gluster.csi.v1.ControllerGetCapabilitiesResponse;
import io.converged.gluster.csi.v1.ControllerGetVolumeRequest;
import io.converged.gluster.csi.v1.ControllerGetVolumeResponse;
import io.converged.gluster.csi.v1.ControllerGrpc;
import io.converged.gluster.csi.v1.ControllerModifyVolumeRequest;
import io.converged.gluster.csi.v1.ControllerModifyVolumeResponse;
import io.converged.gluster.csi.v1.ControllerServiceCapability;
import io.converged.gluster.csi.v1.CreateSnapshotRequest;
import io.converged.gluster.csi.v1.CreateSnapshotResponse;
import io.converged.gluster.csi.v1.CreateVolumeRequest;
import io.converged.gluster.csi.v1.CreateVolumeResponse;
import io.converged.gluster.csi.v1.DeleteSnapshotRequest;
import io.converged.gluster.csi.v1.DeleteSnapshotResponse;
import io.converged.gluster.csi.v1.DeleteVolumeRequest;
import io.converged.gluster.csi.v1.DeleteVolumeResponse;
import io.converged.gluster.csi.v1.GetCapacityRequest;
import io.converged.gluster.csi.v1.GetCapacityResponse;
import io.converged.gluster.csi.v1.ListSnapshotsRequest;
import io.converged.gluster.csi.v1.ListSnapshotsResponse;
import io.converged.gluster.csi.v1.ListVolumesRequest;
import io.converged.gluster.csi.v1.ListVolumesResponse;
import io.converged.gluster.csi.v1.Snapshot;
import io.converged.gluster.csi.v1.ValidateVolumeCapabilitiesRequest;
import io.converged.gluster.csi.v1.ValidateVolumeCapabilitiesResponse;
import io.converged.gluster.csi.v1.Volume;
import io.converged.gluster.csi.v1.VolumeCondition;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The CSI Controller service: validate, lock the volume, delegate to the backend, answer. What a
 * volume is lives in gluster; this class only translates.
 */
public final class ControllerService extends ControllerGrpc.ControllerImplBase {
    /** The capabilities this service implements, exactly. */
    static final List<ControllerServiceCapability.RPC.Type> CAPABILITIES = List.of(
            ControllerServiceCapability.RPC.Type.CREATE_DELETE_VOLUME,
            ControllerServiceCapability.RPC.Type.EXPAND_VOLUME,
            ControllerServiceCapability.RPC.Type.LIST_VOLUMES,
            ControllerServiceCapability.RPC.Type.GET_CAPACITY,
            ControllerServiceCapability.RPC.Type.GET_VOLUME,
            ControllerServiceCapability.RPC.Type.VOLUME_CONDITION,
            ControllerServiceCapability.RPC.Type.SINGLE_NODE_MULTI_WRITER,
            ControllerServiceCapability.RPC.Type.MODIFY_VOLUME,
            ControllerServiceCapability.RPC.Type.CREATE_DELETE_SNAPSHOT,
            ControllerServiceCapability.RPC.Type.LIST_SNAPSHOTS,
            ControllerServiceCapability.RPC.Type.CLONE_VOLUME);

    private final VolumeBackend backend;
    private final SnapshotBackend snapshots;
    private final List<String> allowedBrickRoots;
    private final VolumeLocks locks;

    public ControllerService(VolumeBackend backend, SnapshotBackend snapshots, List<String> allowedBrickRoots) {
        this(backend, snapshots, allowedBrickRoots, new VolumeLocks());
    }

    /**
     * @param locks the per-volume locks, shared with whatever else works on volumes: background quota
     *     repairs ({@link QuotaRepairs}) and the admin API's brick moves
     */
    public ControllerService(VolumeBackend backend, SnapshotBackend snapshots, List<String> allowedBrickRoots,
            VolumeLocks locks) {
        this.backend = backend;
        this.snapshots = snapshots;
        this.allowedBrickRoots = List.copyOf(allowedBrickRoots);
        this.locks = locks;
    }

    @Override
    public void createVolume(CreateVolumeRequest request, StreamObserver<CreateVolumeResponse> out) {
        Answers.answer(out, () -> {
            VolumeRequest volumeRequest = ControllerRequests.volumeRequest(request, allowedBrickRoots);
            Optional<ContentSource> source = ControllerRequests.contentSource(request);
            try (VolumeLocks.Held held = locks.acquire(volumeRequest.volumeName())) {
                ProvisionedVolume volume = source.isPresent()
                        ? snapshots.createVolumeFrom(volumeRequest, source.get()) : backend.create(volumeRequest);
                Volume.Builder answer = toCsi(volume).toBuilder();
                if (request.hasVolumeContentSource()) {
                    answer.setContentSource(request.getVolumeContentSource());
                }
                return CreateVolumeResponse.newBuilder().setVolume(answer).build();
            }
        });
    }

    @Override
    public void deleteVolume(DeleteVolumeRequest request, StreamObserver<DeleteVolumeResponse> out) {
        Answers.answer(out, () -> {
            String id = ControllerRequests.volumeId(request.getVolumeId());
            if (!VolumeNames.isValidVolumeId(id)) {
                // No volume of ours can have this id, so there is nothing to delete.
                return DeleteVolumeResponse.getDefaultInstance();
            }
            try (VolumeLocks.Held held = locks.acquire(id)) {
                snapshots.beforeDeleteVolume(id);
                backend.delete(id);
                return DeleteVolumeResponse.getDefaultInstance();
            }
        });
    }

    @Override
    public void controllerExpandVolume(ControllerExpandVolumeRequest request,
            StreamObserver<ControllerExpandVolumeResponse> out) {
        Answers.answer(out, () -> {
            String id = ControllerRequests.existingVolumeId(request.getVolumeId());
            if (!request.hasCapacityRange()) {
                throw CsiException.invalidArgument("capacity_range is required to expand a volume");
            }
            long bytes = Capacity.choose(request.getCapacityRange().getRequiredBytes(),
                    request.getCapacityRange().getLimitBytes());
            if (request.hasVolumeCapability()) {
                ControllerRequests.checkCapabilities(List.of(request.getVolumeCapability()));
            }
            try (VolumeLocks.Held held = locks.acquire(id)) {
                ProvisionedVolume volume = backend.expand(id, bytes);
                return ControllerExpandVolumeResponse.newBuilder()
                        .setCapacityBytes(volume.capacityBytes())
                        .setNodeExpansionRequired(false)
                        .build();
            }
        });
    }

    @Override
    public void controllerModifyVolume(ControllerModifyVolumeRequest request,
            StreamObserver<ControllerModifyVolumeResponse> out) {
        Answers.answer(out, () -> {
            String id = ControllerRequests.existingVolumeId(request.getVolumeId());
            Map<String, String> options = ControllerRequests.mutableOptions(request.getMutableParametersMap());
            try (VolumeLocks.Held held = locks.acquire(id)) {
                backend.modify(id, options);
                return ControllerModifyVolumeResponse.getDefaultInstance();
            }
        });
    }

    @Override
    public void validateVolumeCapabilities(ValidateVolumeCapabilitiesRequest request,
            StreamObserver<ValidateVolumeCapabilitiesResponse> out) {
        Answers.answer(out, () -> {
            String id = ControllerRequests.existingVolumeId(request.getVolumeId());
            if (request.getVolumeCapabilitiesCount() == 0) {
                throw CsiException.invalidArgument("volume_capabilities is required");
            }
            ProvisionedVolume volume = backend.find(id).orElseThrow(() -> CsiException.notFound("volume " + id
                    + " does not exist"));
            String unsupported = ControllerRequests.unsupportedCapability(request.getVolumeCapabilitiesList());
            if (unsupported != null) {
                return ValidateVolumeCapabilitiesResponse.newBuilder().setMessage(unsupported).build();
            }
            return ValidateVolumeCapabilitiesResponse.newBuilder()
                    .setConfirmed(ValidateVolumeCapabilitiesResponse.Confirmed.newBuilder()
                            .putAllVolumeContext(context(volume))
                            .addAllVolumeCapabilities(request.getVolumeCapabilitiesList())
                            .putAllParameters(request.getParametersMap()))
                    .build();
        });
    }

    @Override
    public void listVolumes(ListVolumesRequest request, StreamObserver<ListVolumesResponse> out) {
        Answers.answer(out, () -> {
            if (request.getMaxEntries() < 0) {
                throw CsiException.invalidArgument("max_entries may not be negative");
            }
            List<ProvisionedVolume> volumes = backend.list();
            int start = ListPages.start(volumes, request.getStartingToken());
            int end = request.getMaxEntries() == 0 ? volumes.size()
                    : Math.min(volumes.size(), start + request.getMaxEntries());
            List<ProvisionedVolume> page = volumes.subList(start, end);
            Map<String, VolumeHealth> health = backend.healthOf(page);
            ListVolumesResponse.Builder response = ListVolumesResponse.newBuilder();
            for (ProvisionedVolume volume : page) {
                VolumeHealth h = health.getOrDefault(volume.id(), VolumeHealth.OK);
                response.addEntries(ListVolumesResponse.Entry.newBuilder()
                        .setVolume(toCsiNow(volume))
                        .setStatus(ListVolumesResponse.VolumeStatus.newBuilder().setVolumeCondition(condition(h))));
            }
            if (end < volumes.size()) {
                response.setNextToken(ListPages.token(volumes.get(end)));
            }
            return response.build();
        });
    }

    @Override
    public void getCapacity(GetCapacityRequest request, StreamObserver<GetCapacityResponse> out) {
        Answers.answer(out, () -> {
            StorageClassParameters parameters = StorageClassParameters.parse(request.getParametersMap(),
                    allowedBrickRoots);
            if (request.getVolumeCapabilitiesCount() > 0) {
                ControllerRequests.checkCapabilities(request.getVolumeCapabilitiesList());
            }
            long largest = backend.largestPlaceable(parameters);
            return GetCapacityResponse.newBuilder()
                    .setAvailableCapacity(largest)
                    .setMaximumVolumeSize(Int64Value.of(largest))
                    .setMinimumVolumeSize(Int64Value.of(Capacity.MINIMUM_BYTES))
                    .build();
        });
    }

    @Override
    public void controllerGetVolume(ControllerGetVolumeRequest request,
            StreamObserver<ControllerGetVolumeResponse> out) {
        Answers.answer(out, () -> {
            String id = ControllerRequests.existingVolumeId(request.getVolumeId());
            ProvisionedVolume volume = backend.find(id).orElseThrow(() -> CsiException.notFound("volume " + id
                    + " does not exist"));
            return ControllerGetVolumeResponse.newBuilder()
                    .setVolume(toCsiNow(volume))
                    .setStatus(ControllerGetVolumeResponse.VolumeStatus.newBuilder()
                            .setVolumeCondition(condition(backend.health(id))))
                    .build();
        });
    }

    @Override
    public void createSnapshot(CreateSnapshotRequest request, StreamObserver<CreateSnapshotResponse> out) {
        Answers.answer(out, () -> {
            String name = ControllerRequests.name(request.getName());
            String source = request.getSourceVolumeId();
            if (source.isEmpty()) {
                throw CsiException.invalidArgument("source_volume_id is required");
            }
            if (!VolumeNames.isValidVolumeId(source)) {
                throw CsiException.notFound("no volume has the id '" + source + "'");
            }
            SnapshotClassParameters parameters = SnapshotClassParameters.parse(request.getParametersMap(),
                    allowedBrickRoots);
            SnapshotId id = SnapshotId.forRequest(parameters.pool(), name);
            try (VolumeLocks.Held held = locks.acquire(id.toString())) {
                Snapshots.Snapshot snapshot = snapshots.createSnapshot(name, source, parameters);
                return CreateSnapshotResponse.newBuilder().setSnapshot(toCsi(snapshot)).build();
            }
        });
    }

    @Override
    public void deleteSnapshot(DeleteSnapshotRequest request, StreamObserver<DeleteSnapshotResponse> out) {
        Answers.answer(out, () -> {
            if (request.getSnapshotId().isEmpty()) {
                throw CsiException.invalidArgument("snapshot_id is required");
            }
            Optional<SnapshotId> id = SnapshotId.parse(request.getSnapshotId());
            if (id.isEmpty()) {
                // No snapshot of ours can have this id, so there is nothing to delete.
                return DeleteSnapshotResponse.getDefaultInstance();
            }
            try (VolumeLocks.Held held = locks.acquire(id.get().toString())) {
                snapshots.deleteSnapshot(id.get());
                return DeleteSnapshotResponse.getDefaultInstance();
            }
        });
    }

    @Override
    public void listSnapshots(ListSnapshotsRequest request, StreamObserver<ListSnapshotsResponse> out) {
        Answers.answer(out, () -> {
            if (request.getMaxEntries() < 0) {
                throw CsiException.invalidArgument("max_entries may not be negative");
            }
            List<Snapshots.Snapshot> found;
            if (!request.getSnapshotId().isEmpty()) {
                Optional<SnapshotId> id = SnapshotId.parse(request.getSnapshotId());
                found = id.isEmpty() ? List.of() : snapshots.findSnapshot(id.get()).stream().toList();
            } else {
                found = snapshots.listSnapshots();
            }
            String source = request.getSourceVolumeId();
            List<Snapshots.Snapshot> matching = source.isEmpty() ? found
                    : found.stream().filter(s -> s.record().sourceVolumeId().equals(source)).toList();
            List<String> ids = matching.stream().map(s -> s.id().toString()).toList();
            int start = ListPages.start(ids, request.getStartingToken(), "snapshot");
            int end = request.getMaxEntries() == 0 ? matching.size()
                    : Math.min(matching.size(), start + request.getMaxEntries());
            ListSnapshotsResponse.Builder response = ListSnapshotsResponse.newBuilder();
            for (Snapshots.Snapshot snapshot : matching.subList(start, end)) {
                response.addEntries(ListSnapshotsResponse.Entry.newBuilder().setSnapshot(toCsi(snapshot)));
            }
            if (end < matching.size()) {
                response.setNextToken(ids.get(end));
            }
            return response.build();
        });
    }

    static Snapshot toCsi(Snapshots.Snapshot snapshot) {
        SnapshotRecord record = snapshot.record();
        return Snapshot.newBuilder()
                .setSnapshotId(snapshot.id().toString())
                .setSourceVolumeId(record.sourceVolumeId())
                .setSizeBytes(record.sizeBytes())
                .setCreationTime(Timestamp.newBuilder().setSeconds(record.created().getEpochSecond())
                        .setNanos(record.created().getNano()))
                .setReadyToUse(record.ready())
                .build();
    }

    @Override
    public void controllerGetCapabilities(ControllerGetCapabilitiesRequest request,
            StreamObserver<ControllerGetCapabilitiesResponse> out) {
        ControllerGetCapabilitiesResponse.Builder response = ControllerGetCapabilitiesResponse.newBuilder();
        for (ControllerServiceCapability.RPC.Type type : CAPABILITIES) {
            response.addCapabilities(ControllerServiceCapability.newBuilder()
                    .setRpc(ControllerServiceCapability.RPC.newBuilder().setType(type)));
        }
        out.onNext(response.build());
        out.onCompleted();
    }

    @SuppressWarnings("deprecation")
    private static VolumeCondition condition(VolumeHealth health) {
        return VolumeCondition.newBuilder().setAbnormal(health.abnormal()).setMessage(health.message()).build();
    }

    static Volume toCsi(ProvisionedVolume volume) {
        return Volume.newBuilder()
                .setVolumeId(volume.id())
                .setCapacityBytes(volume.capacityBytes())
                .putAllVolumeContext(context(volume))
                .build();
    }

    /** The volume as it is now: {@link #toCsi} plus what may change on a live volume (its volume options). */
    static Volume toCsiNow(ProvisionedVolume volume) {
        Volume.Builder csi = toCsi(volume).toBuilder();
        if (!volume.volumeOptions().isEmpty()) {
            csi.putVolumeContext(VolumeContext.VOLUME_OPTIONS, VolumeOptions.format(volume.volumeOptions()));
        }
        return csi.build();
    }

    /** The volume attributes the node reads and {@code kubectl describe pv} shows. */
    static Map<String, String> context(ProvisionedVolume volume) {
        Map<String, String> context = new TreeMap<>();
        context.put(VolumeContext.GLUSTER_VOLUME, volume.glusterVolume());
        volume.pool().ifPresent(pool -> {
            context.put(VolumeContext.POOL, pool);
            context.put(VolumeContext.DIRECTORY, volume.directory());
        });
        context.put(VolumeContext.SERVERS, String.join(",", volume.servers()));
        context.put(VolumeContext.REPLICA, Integer.toString(volume.replica()));
        context.put(VolumeContext.ARBITER, Boolean.toString(volume.arbiter()));
        context.put(VolumeContext.BRICKS, String.join(",", volume.bricks().stream()
                .map(ProvisionedVolume.Brick::toString).toList()));
        context.put(VolumeContext.BRICK_ROOT, volume.brickRoot());
        volume.gid().ifPresent(gid -> context.put(VolumeContext.GID, Integer.toString(gid)));
        context.put(VolumeContext.QUOTA_BYTES, Long.toString(volume.capacityBytes()));
        context.put(VolumeContext.ON_DELETE, volume.onDelete().value());
        return context;
    }

    /** True when at least one gluster peer answers. */
    public boolean ready() {
        return backend.anyPeerAnswers();
    }
}
