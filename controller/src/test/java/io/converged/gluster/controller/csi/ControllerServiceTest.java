package io.converged.gluster.controller.csi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.converged.gluster.controller.provision.OnDelete;
import io.converged.gluster.controller.provision.StorageClassParameters;
import io.converged.gluster.controller.provision.ProvisionedVolume;
import io.converged.gluster.controller.provision.VolumeBackend;
import io.converged.gluster.controller.provision.VolumeHealth;
import io.converged.gluster.controller.provision.VolumeRequest;
import io.converged.gluster.controller.gluster.GlusterException;
import io.converged.gluster.csi.exec.CommandException;
import io.converged.gluster.csi.exec.CommandTimeoutException;
import io.converged.gluster.csi.runtime.CsiException;
import io.converged.gluster.csi.testing.GrpcCleanup;
import io.converged.gluster.csi.testing.GrpcCodes;
import io.converged.gluster.csi.v1.CapacityRange;
import io.converged.gluster.csi.v1.ControllerExpandVolumeRequest;
import io.converged.gluster.csi.v1.ControllerGetCapabilitiesRequest;
import io.converged.gluster.csi.v1.ControllerGetVolumeRequest;
import io.converged.gluster.csi.v1.ControllerGrpc;
import io.converged.gluster.csi.v1.ControllerModifyVolumeRequest;
import io.converged.gluster.csi.v1.ControllerServiceCapability;
import io.converged.gluster.csi.v1.CreateVolumeRequest;
import io.converged.gluster.csi.v1.DeleteVolumeRequest;
import io.converged.gluster.csi.v1.GetCapacityRequest;
import io.converged.gluster.csi.v1.ListVolumesRequest;
import io.converged.gluster.csi.v1.ListVolumesResponse;
import io.converged.gluster.csi.v1.ValidateVolumeCapabilitiesRequest;
import io.converged.gluster.csi.v1.VolumeCapability;
import io.converged.gluster.csi.v1.VolumeContentSource;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The controller service's translation between CSI and the backend, with an in-memory backend. */
class ControllerServiceTest {
    @RegisterExtension
    final GrpcCleanup cleanup = new GrpcCleanup();

    private final MemoryBackend backend = new MemoryBackend();
    private final MemorySnapshots snapshots = new MemorySnapshots(backend);
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private ControllerGrpc.ControllerBlockingStub stub;

    static final VolumeCapability MOUNT_RWX = VolumeCapability.newBuilder()
            .setMount(VolumeCapability.MountVolume.getDefaultInstance())
            .setAccessMode(VolumeCapability.AccessMode.newBuilder()
                    .setMode(VolumeCapability.AccessMode.Mode.MULTI_NODE_MULTI_WRITER))
            .build();

    /** Volumes kept in a map; records every call so tests can prove a rejected request did nothing. */
    static final class MemoryBackend implements VolumeBackend {
        final Map<String, ProvisionedVolume> volumes = new TreeMap<>();
        final List<String> calls = new ArrayList<>();
        volatile CountDownLatch hold;
        volatile CsiException failure;
        volatile Error error;

        private synchronized void call(String what) throws CsiException {
            calls.add(what);
            if (failure != null) {
                throw failure;
            }
            if (error != null) {
                throw error;
            }
        }

        @Override
        public ProvisionedVolume create(VolumeRequest spec) throws CsiException {
            call("create " + spec.volumeName());
            if (hold != null) {
                try {
                    hold.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            StorageClassParameters p = spec.parameters();
            List<ProvisionedVolume.Brick> bricks = new ArrayList<>();
            for (int i = 1; i <= p.replica(); i++) {
                bricks.add(new ProvisionedVolume.Brick("10.0.0." + i, p.brickRoot() + "/" + spec.volumeName()
                        + "/brick"));
            }
            ProvisionedVolume volume = new ProvisionedVolume(spec.volumeName(), spec.requestName(), spec
                    .capacityBytes(), p.replica(),
                    p.arbiter(), bricks, p.brickRoot(), OptionalInt.empty(), p.onDelete(), p.pvcName(),
                    p.pvcNamespace(), true, Optional.empty(), p.volumeOptions());
            synchronized (this) {
                volumes.put(volume.id(), volume);
            }
            return volume;
        }

        @Override
        public void delete(String volumeId) throws CsiException {
            call("delete " + volumeId);
            volumes.remove(volumeId);
        }

        @Override
        public ProvisionedVolume expand(String volumeId, long bytes) throws CsiException {
            call("expand " + volumeId);
            ProvisionedVolume v = volumes.get(volumeId);
            ProvisionedVolume grown = new ProvisionedVolume(v.id(), v.requestName(), bytes, v.replica(), v.arbiter(), v
                    .bricks(),
                    v.brickRoot(), v.gid(), v.onDelete(), v.pvcName(), v.pvcNamespace(), v.started(), v.pool());
            volumes.put(volumeId, grown);
            return grown;
        }

        @Override
        public void modify(String volumeId, Map<String, String> volumeOptions) throws CsiException {
            call("modify " + volumeId + " " + new TreeMap<>(volumeOptions));
            ProvisionedVolume v = volumes.get(volumeId);
            if (v == null) {
                throw CsiException.notFound("volume " + volumeId + " does not exist");
            }
            Map<String, String> options = new TreeMap<>(v.volumeOptions());
            options.putAll(volumeOptions);
            volumes.put(volumeId, new ProvisionedVolume(v.id(), v.requestName(), v.capacityBytes(), v.replica(),
                    v.arbiter(), v.bricks(), v.brickRoot(), v.gid(), v.onDelete(), v.pvcName(), v.pvcNamespace(),
                    v.started(), v.pool(), options));
        }

        @Override
        public Optional<ProvisionedVolume> find(String volumeId) throws CsiException {
            call("find " + volumeId);
            return Optional.ofNullable(volumes.get(volumeId));
        }

        @Override
        public List<ProvisionedVolume> list() throws CsiException {
            call("list");
            return List.copyOf(volumes.values());
        }

        @Override
        public VolumeHealth health(String volumeId) throws CsiException {
            call("health " + volumeId);
            return new VolumeHealth(true, "brick 10.0.0.2:/b is offline");
        }

        @Override
        public Map<String, VolumeHealth> healthOf(List<ProvisionedVolume> page) throws CsiException {
            call("healthOf " + page.size());
            return Map.of();
        }

        @Override
        public long largestPlaceable(StorageClassParameters parameters) throws CsiException {
            call("largestPlaceable replica " + parameters.replica());
            return 5L << 30;
        }

        @Override
        public boolean anyPeerAnswers() {
            return true;
        }
    }

    @BeforeEach
    void start() throws Exception {
        String name = InProcessServerBuilder.generateName();
        cleanup.register(InProcessServerBuilder.forName(name).executor(pool)
                .addService(new ControllerService(backend, snapshots, List.of("/mnt"))).build().start());
        stub = ControllerGrpc.newBlockingStub(cleanup.register(InProcessChannelBuilder.forName(name).build()));
    }

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    private static CreateVolumeRequest.Builder create(String name) {
        return CreateVolumeRequest.newBuilder().setName(name).addVolumeCapabilities(MOUNT_RWX)
                .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(1L << 30));
    }

    @Test
    void createAnswersWithTheVolumeContextTheNodeReads() {
        var volume = stub.createVolume(create("pvc-1").putParameters("replica", "2")
                .putParameters("csi.storage.k8s.io/pvc/name", "data").build()).getVolume();
        assertThat(volume.getVolumeId()).isEqualTo("gcs-pvc-1");
        assertThat(volume.getCapacityBytes()).isEqualTo(1L << 30);
        assertThat(volume.getVolumeContextMap()).containsEntry("glusterVolume", "gcs-pvc-1")
                .containsEntry("servers", "10.0.0.1,10.0.0.2")
                .containsEntry("replica", "2")
                .containsEntry("arbiter", "false")
                .containsEntry("bricks", "10.0.0.1:/mnt/brick1/gcs-pvc-1/brick,10.0.0.2:/mnt/brick1/gcs-pvc-1/brick")
                .containsEntry("brickRoot", "/mnt/brick1")
                .containsEntry("quotaBytes", Long.toString(1L << 30))
                .containsEntry("onDelete", "delete")
                .doesNotContainKey("gid");
    }

    /** Every malformed request gets its code and never reaches the backend. */
    @Test
    void malformedRequestsGetTheirCodeAndChangeNothing() {
        VolumeCapability block = VolumeCapability.newBuilder()
                .setBlock(VolumeCapability.BlockVolume.getDefaultInstance())
                .setAccessMode(MOUNT_RWX.getAccessMode()).build();
        VolumeCapability noType = VolumeCapability.newBuilder().setAccessMode(MOUNT_RWX.getAccessMode()).build();
        VolumeCapability unknownMode = MOUNT_RWX.toBuilder().setAccessMode(VolumeCapability.AccessMode.newBuilder()
                .setMode(VolumeCapability.AccessMode.Mode.UNKNOWN)).build();
        VolumeCapability xfs = MOUNT_RWX.toBuilder().setMount(VolumeCapability.MountVolume.newBuilder()
                .setFsType("xfs")).build();
        Map<String, CreateVolumeRequest> invalid = Map.ofEntries(
                Map.entry("no name", create("").build()),
                Map.entry("control characters", create("pvc\n1").build()),
                Map.entry("no capabilities", create("a").clearVolumeCapabilities().build()),
                Map.entry("block", create("a").clearVolumeCapabilities().addVolumeCapabilities(block).build()),
                Map.entry("no access type", create("a").clearVolumeCapabilities().addVolumeCapabilities(noType)
                        .build()),
                Map.entry("unknown mode", create("a").clearVolumeCapabilities().addVolumeCapabilities(unknownMode)
                        .build()),
                Map.entry("xfs", create("a").clearVolumeCapabilities().addVolumeCapabilities(xfs).build()),
                Map.entry("content source of no kind", create("a").setVolumeContentSource(VolumeContentSource
                        .getDefaultInstance()).build()),
                Map.entry("content source without an id", create("a").setVolumeContentSource(VolumeContentSource
                        .newBuilder().setSnapshot(VolumeContentSource.SnapshotSource.getDefaultInstance())).build()),
                Map.entry("unknown parameter", create("a").putParameters("replicas", "3").build()),
                Map.entry("brick root outside", create("a").putParameters("brickRoot", "/etc").build()),
                Map.entry("option injection", create("a").putParameters("volumeOptions", "--force=1").build()));
        invalid.forEach((what, request) -> assertThat(GrpcCodes.of(() -> stub.createVolume(request))).as(what)
                .isEqualTo(Status.Code.INVALID_ARGUMENT));
        assertThat(GrpcCodes.of(() -> stub.createVolume(create("a").setCapacityRange(CapacityRange.newBuilder()
                .setRequiredBytes(2L << 30).setLimitBytes(1L << 30)).build()))).isEqualTo(Status.Code.OUT_OF_RANGE);
        assertThat(GrpcCodes.of(() -> stub.deleteVolume(DeleteVolumeRequest.getDefaultInstance())))
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(GrpcCodes.of(() -> stub.controllerExpandVolume(ControllerExpandVolumeRequest.newBuilder()
                .setVolumeId("gcs-a").build()))).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(GrpcCodes.of(() -> stub.controllerExpandVolume(ControllerExpandVolumeRequest.newBuilder()
                .setVolumeId("../etc").setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(1)).build())))
                .isEqualTo(Status.Code.NOT_FOUND);
        assertThat(GrpcCodes.of(() -> stub.listVolumes(ListVolumesRequest.newBuilder().setMaxEntries(-1).build())))
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(GrpcCodes.of(() -> stub.getCapacity(GetCapacityRequest.newBuilder().putParameters("replica", "9")
                .build()))).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(backend.calls).isEmpty();
        assertThat(snapshots.calls).isEmpty();
    }

    @Test
    void deletingAnIdNoVolumeCouldHaveSucceedsWithoutTouchingGluster() {
        stub.deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId("--force; rm -rf /").build());
        assertThat(backend.calls).isEmpty();
        stub.deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId("gcs-gone").build());
        assertThat(backend.calls).containsExactly("delete gcs-gone");
        assertThat(snapshots.calls).containsExactly("beforeDeleteVolume gcs-gone");
    }

    @Test
    void aSecondCallOnTheSameVolumeIsAbortedWhileDifferentVolumesProceed() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        backend.hold = release;
        Future<?> first = pool.submit(() -> stub.createVolume(create("pvc-slow").build()));
        while (!backend.calls.contains("create gcs-pvc-slow")) {
            Thread.sleep(5);
        }
        assertThatThrownBy(() -> stub.createVolume(create("pvc-slow").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ABORTED));
        assertThatThrownBy(() -> stub.deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId("gcs-pvc-slow")
                .build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ABORTED));
        backend.hold = null;
        assertThat(stub.createVolume(create("pvc-other").build()).getVolume().getVolumeId()).isEqualTo("gcs-pvc-other");
        release.countDown();
        first.get(10, TimeUnit.SECONDS);
        assertThat(stub.createVolume(create("pvc-slow").build()).getVolume().getVolumeId()).isEqualTo("gcs-pvc-slow");
    }

    @Test
    void failuresOfEveryLayerAnswerTheirOwnCode() {
        Map<CsiException, Status.Code> expected = Map.of(
                CsiException.alreadyExists("taken"), Status.Code.ALREADY_EXISTS,
                CsiException.exhausted("no room"), Status.Code.RESOURCE_EXHAUSTED,
                CsiException.outOfRange("too small"), Status.Code.OUT_OF_RANGE,
                new GlusterException(GlusterException.Kind.VOLUME_NOT_FOUND, "gone", 0), Status.Code.NOT_FOUND,
                new GlusterException(GlusterException.Kind.LOCK_CONTENTION, "busy", 0), Status.Code.UNAVAILABLE,
                new GlusterException(GlusterException.Kind.PEER_NOT_CONNECTED, "peer down", 0),
                Status.Code.UNAVAILABLE,
                new GlusterException(GlusterException.Kind.OTHER, "refused", 0), Status.Code.INTERNAL,
                new CommandException("pod gone"), Status.Code.UNAVAILABLE,
                new CommandTimeoutException("too slow"), Status.Code.DEADLINE_EXCEEDED);
        expected.forEach((failure, code) -> {
            backend.failure = failure;
            StatusRuntimeException e = org.assertj.core.api.Assertions.catchThrowableOfType(
                    StatusRuntimeException.class, () -> stub.createVolume(create("x").build()));
            assertThat(e.getStatus().getCode()).as(failure.getMessage()).isEqualTo(code);
            assertThat(e.getStatus().getDescription()).isEqualTo(failure.getMessage());
        });
    }

    @Test
    void anErrorInTheBackendIsAnsweredInternalNeverUnknown() {
        // Seen in the reliability storm: a class that failed to load made gRPC answer UNKNOWN.
        backend.error = new NoClassDefFoundError("io/converged/Missing");
        StatusRuntimeException e = org.assertj.core.api.Assertions.catchThrowableOfType(
                StatusRuntimeException.class, () -> stub.deleteVolume(DeleteVolumeRequest.newBuilder()
                        .setVolumeId("gcs-x").build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(e.getStatus().getDescription()).contains("io/converged/Missing");
    }

    @Test
    void listingPagesThroughEveryVolumeAndAStaleTokenIsAborted() {
        for (int i = 0; i < 25; i++) {
            stub.createVolume(create(String.format("pvc-%02d", i)).build());
        }
        List<String> seen = new ArrayList<>();
        String token = "";
        int pages = 0;
        do {
            ListVolumesResponse page = stub.listVolumes(ListVolumesRequest.newBuilder().setMaxEntries(10)
                    .setStartingToken(token).build());
            page.getEntriesList().forEach(e -> seen.add(e.getVolume().getVolumeId()));
            token = page.getNextToken();
            pages++;
        } while (!token.isEmpty());
        assertThat(pages).isEqualTo(3);
        assertThat(seen).hasSize(25).doesNotHaveDuplicates().isSorted();
        assertThat(stub.listVolumes(ListVolumesRequest.getDefaultInstance()).getEntriesCount()).isEqualTo(25);

        String next = stub.listVolumes(ListVolumesRequest.newBuilder().setMaxEntries(5).build()).getNextToken();
        stub.deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId(next).build());
        assertThat(GrpcCodes.of(() -> stub.listVolumes(ListVolumesRequest.newBuilder().setStartingToken(next).build())))
                .isEqualTo(Status.Code.ABORTED);
    }

    @Test
    @SuppressWarnings("deprecation")
    void getVolumeReportsTheConditionAndUnknownVolumesAreNotFound() {
        stub.createVolume(create("pvc-g").build());
        var answer = stub.controllerGetVolume(ControllerGetVolumeRequest.newBuilder().setVolumeId("gcs-pvc-g").build());
        assertThat(answer.getStatus().getVolumeCondition().getAbnormal()).isTrue();
        assertThat(answer.getStatus().getVolumeCondition().getMessage()).contains("offline");
        assertThat(GrpcCodes.of(() -> stub.controllerGetVolume(ControllerGetVolumeRequest.newBuilder()
                .setVolumeId("gcs-none").build()))).isEqualTo(Status.Code.NOT_FOUND);
    }

    @Test
    void validateConfirmsMountAndRefusesBlock() {
        stub.createVolume(create("pvc-v").build());
        var ok = stub.validateVolumeCapabilities(ValidateVolumeCapabilitiesRequest.newBuilder()
                .setVolumeId("gcs-pvc-v").addVolumeCapabilities(MOUNT_RWX).build());
        assertThat(ok.hasConfirmed()).isTrue();
        var no = stub.validateVolumeCapabilities(ValidateVolumeCapabilitiesRequest.newBuilder()
                .setVolumeId("gcs-pvc-v").addVolumeCapabilities(VolumeCapability.newBuilder()
                        .setBlock(VolumeCapability.BlockVolume.getDefaultInstance())
                        .setAccessMode(MOUNT_RWX.getAccessMode())).build());
        assertThat(no.hasConfirmed()).isFalse();
        assertThat(no.getMessage()).contains("block");
        assertThat(GrpcCodes.of(() -> stub.validateVolumeCapabilities(ValidateVolumeCapabilitiesRequest.newBuilder()
                .setVolumeId("gcs-nope").addVolumeCapabilities(MOUNT_RWX).build()))).isEqualTo(Status.Code.NOT_FOUND);
    }

    @Test
    void expandReportsTheNewSizeWithoutNodeExpansion() {
        stub.createVolume(create("pvc-e").build());
        var grown = stub.controllerExpandVolume(ControllerExpandVolumeRequest.newBuilder().setVolumeId("gcs-pvc-e")
                .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(3L << 30)).build());
        assertThat(grown.getCapacityBytes()).isEqualTo(3L << 30);
        assertThat(grown.getNodeExpansionRequired()).isFalse();
    }

    @Test
    void capacityAndCapabilitiesAreWhatIsImplemented() {
        var capacity = stub.getCapacity(GetCapacityRequest.newBuilder().putParameters("replica", "2").build());
        assertThat(capacity.getAvailableCapacity()).isEqualTo(5L << 30);
        assertThat(capacity.getMaximumVolumeSize().getValue()).isEqualTo(5L << 30);
        assertThat(backend.calls).containsExactly("largestPlaceable replica 2");
        assertThat(stub.controllerGetCapabilities(ControllerGetCapabilitiesRequest.getDefaultInstance())
                .getCapabilitiesList()).extracting(c -> c.getRpc().getType())
                .containsExactlyInAnyOrder(ControllerServiceCapability.RPC.Type.CREATE_DELETE_VOLUME,
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
    }

    private static ControllerModifyVolumeRequest modify(String id, Map<String, String> parameters) {
        return ControllerModifyVolumeRequest.newBuilder().setVolumeId(id).putAllMutableParameters(parameters).build();
    }

    @Test
    void modifyHandsTheCheckedOptionsToTheBackendAndGetVolumeReportsThem() {
        stub.createVolume(create("pvc-m").build());
        stub.controllerModifyVolume(modify("gcs-pvc-m",
                Map.of("volumeOptions", "performance.cache-size=64MB, network.ping-timeout=10")));

        assertThat(backend.calls).contains("modify gcs-pvc-m {network.ping-timeout=10, performance.cache-size=64MB}");
        assertThat(stub.controllerGetVolume(ControllerGetVolumeRequest.newBuilder().setVolumeId("gcs-pvc-m").build())
                .getVolume().getVolumeContextMap())
                .containsEntry("volumeOptions", "network.ping-timeout=10,performance.cache-size=64MB");
        assertThat(stub.listVolumes(ListVolumesRequest.getDefaultInstance()).getEntries(0).getVolume()
                .getVolumeContextMap()).containsKey("volumeOptions");
    }

    @Test
    void modifyRefusesWhatCannotChangeNamingTheKeyAndNeverReachesTheBackend() {
        stub.createVolume(create("pvc-n").build());
        backend.calls.clear();
        Map<Map<String, String>, String> refused = Map.of(
                Map.of("replica", "2"), "'replica' cannot change on a live volume",
                Map.of("brickRoot", "/mnt/b2"), "'brickRoot' cannot change",
                Map.of("pool", "p"), "'pool' cannot change",
                Map.of("iops", "3000"), "unknown mutable parameter 'iops'",
                Map.of("volumeOptions", "features.quota=off"), "features.quota is managed by the driver",
                Map.of("volumeOptions", "user.csi.driver=x"), "user.csi.driver is outside the allowed option families",
                Map.of("volumeOptions", "performance.cache-size"), "is not key=value",
                Map.of(), "mutable_parameters is required");
        refused.forEach((parameters, message) -> assertThatThrownBy(() -> stub.controllerModifyVolume(
                modify("gcs-pvc-n", parameters))).as(parameters.toString())
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).contains(message);
                }));
        assertThat(GrpcCodes.of(() -> stub.controllerModifyVolume(modify("", Map.of("volumeOptions", "a.b=1")))))
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(GrpcCodes.of(() -> stub.controllerModifyVolume(modify("../etc", Map.of("volumeOptions", "a.b=1")))))
                .isEqualTo(Status.Code.NOT_FOUND);
        assertThat(backend.calls).isEmpty();
        assertThat(GrpcCodes.of(() -> stub.controllerModifyVolume(modify("gcs-none",
                Map.of("volumeOptions", "performance.cache-size=64MB"))))).isEqualTo(Status.Code.NOT_FOUND);
    }

    @Test
    void aVolumeAttributesClassAtCreationLiesOverTheStorageClassOptions() {
        stub.createVolume(create("pvc-c").putParameters("volumeOptions", "performance.cache-size=32MB,"
                + "network.ping-timeout=20").putMutableParams("volumeOptions", "performance.cache-size=64MB").build());

        assertThat(backend.volumes.get("gcs-pvc-c").volumeOptions())
                .containsExactlyInAnyOrderEntriesOf(Map.of("performance.cache-size", "64MB",
                        "network.ping-timeout", "20"));
        assertThat(stub.createVolume(create("pvc-d").putMutableParams("volumeOptions", "network.ping-timeout=5")
                .build()).getVolume().getVolumeContextMap())
                .as("CreateVolume's context is kept on the PV for good: no options in it")
                .doesNotContainKey("volumeOptions");
        assertThatThrownBy(() -> stub.createVolume(create("pvc-p").putParameters("pool", "shared")
                .putMutableParams("volumeOptions", "performance.cache-size=64MB").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).contains("shared pool shared");
                });
        assertThat(GrpcCodes.of(() -> stub.createVolume(create("pvc-q").putMutableParams("arbiter", "true").build())))
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(backend.calls).containsExactly("create gcs-pvc-c", "create gcs-pvc-d");
    }

    @Test
    void onDeleteIsReportedInTheContext() {
        var volume = stub.createVolume(create("pvc-r").putParameters("onDelete", "retain").build()).getVolume();
        assertThat(volume.getVolumeContextMap()).containsEntry("onDelete", OnDelete.RETAIN.value());
    }
}
