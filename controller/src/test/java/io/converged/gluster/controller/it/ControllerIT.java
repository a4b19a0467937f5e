package io.converged.gluster.controller.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.converged.gluster.controller.gluster.GlusterCli;
import io.converged.gluster.controller.gluster.QuotaLimit;
import io.converged.gluster.controller.gluster.VolumeInfo;
import io.converged.gluster.controller.provision.Step;
import io.converged.gluster.csi.testing.GlusterPoolExtension;
import io.converged.gluster.csi.testing.GrpcCodes;
import io.converged.gluster.csi.testing.LocalGlusterPool;
import io.converged.gluster.csi.v1.CapacityRange;
import io.converged.gluster.csi.v1.ControllerExpandVolumeRequest;
import io.converged.gluster.csi.v1.ControllerGetVolumeRequest;
import io.converged.gluster.csi.v1.ControllerGrpc;
import io.converged.gluster.csi.v1.ControllerModifyVolumeRequest;
import io.converged.gluster.csi.v1.CreateVolumeRequest;
import io.converged.gluster.csi.v1.DeleteVolumeRequest;
import io.converged.gluster.csi.v1.GetCapacityRequest;
import io.converged.gluster.csi.v1.ListVolumesRequest;
import io.converged.gluster.csi.v1.ListVolumesResponse;
import io.converged.gluster.csi.v1.Volume;
import io.converged.gluster.csi.v1.VolumeCapability;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller over its real unix socket against a real 3-peer gluster pool: what CreateVolume
 * makes is checked in gluster itself and on the bricks' directories.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ControllerIT {
    @RegisterExtension
    static final GlusterPoolExtension POOL = GlusterPoolExtension.formed(3);

    private static final long MIB = 1024L * 1024;
    private static final String ROOT = SocketController.ROOT;
    static final VolumeCapability RWX = VolumeCapability.newBuilder()
            .setMount(VolumeCapability.MountVolume.getDefaultInstance())
            .setAccessMode(VolumeCapability.AccessMode.newBuilder()
                    .setMode(VolumeCapability.AccessMode.Mode.MULTI_NODE_MULTI_WRITER))
            .build();

    @TempDir
    static Path dir;

    static final AtomicReference<Step.Listener> FAULT = new AtomicReference<>(Step.Listener.NONE);
    static SocketController controller;
    static ControllerGrpc.ControllerBlockingStub stub;
    static GlusterCli gluster;
    static final List<Long> CREATE_MILLIS = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void startController() throws Exception {
        controller = SocketController.start(POOL.pool(), dir, (step, volume) -> FAULT.get().completed(step, volume));
        stub = controller.stub().withDeadlineAfter(10, TimeUnit.MINUTES);
        gluster = controller.gluster();
    }

    @AfterAll
    static void stopController() {
        if (controller != null) {
            controller.close();
        }
        if (!CREATE_MILLIS.isEmpty()) {
            List<Long> sorted = new ArrayList<>(CREATE_MILLIS);
            Collections.sort(sorted);
            System.out.printf("CreateVolume over the socket: median %d ms over %d sequential calls%n",
                    sorted.get(sorted.size() / 2), sorted.size());
        }
    }

    static CreateVolumeRequest.Builder request(String name, long bytes) {
        return CreateVolumeRequest.newBuilder().setName(name).addVolumeCapabilities(RWX)
                .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(bytes));
    }

    static Volume create(CreateVolumeRequest request) {
        long start = System.nanoTime();
        Volume volume = stub.createVolume(request).getVolume();
        CREATE_MILLIS.add((System.nanoTime() - start) / 1_000_000);
        return volume;
    }

    static VolumeInfo info(String name) throws Exception {
        return gluster.volumeInfo(name).orElseThrow();
    }

    /** Brick directories of a volume that exist on any peer. */
    static List<Path> brickDirs(String volume) {
        List<Path> found = new ArrayList<>();
        for (LocalGlusterPool.Peer peer : POOL.pool().peers()) {
            Path volumeDir = peer.local(ROOT + "/" + volume);
            if (Files.exists(volumeDir)) {
                found.add(volumeDir);
            }
        }
        return found;
    }

    static void assertWhole(Volume volume, int replica, boolean arbiter, long bytes) throws Exception {
        VolumeInfo info = info(volume.getVolumeId());
        assertThat(info.started()).isTrue();
        assertThat(info.replicaCount()).isEqualTo(replica);
        assertThat(info.arbiterCount()).isEqualTo(arbiter ? 1 : 0);
        assertThat(info.bricks()).hasSize(replica);
        assertThat(info.bricks().stream().map(b -> b.host()).distinct().count()).as("bricks on distinct peers")
                .isEqualTo(replica);
        assertThat(info.bricks()).allMatch(b -> b.path().endsWith(ROOT + "/" + volume.getVolumeId() + "/brick"));
        assertThat(info.options()).containsEntry("user.csi.driver", "glusterfs.converged.io")
                .containsEntry("user.csi.capacity-bytes", Long.toString(bytes))
                .containsEntry("features.quota", "on")
                .containsEntry("features.quota-deem-statfs", "on");
        Optional<QuotaLimit> limit = gluster.quotaList(volume.getVolumeId(), "/");
        assertThat(limit).isPresent();
        assertThat(limit.get().hardLimitBytes()).hasValue(bytes);
        assertThat(brickDirs(volume.getVolumeId())).hasSize(replica);
        assertThat(volume.getVolumeContextMap()).containsEntry("glusterVolume", volume.getVolumeId())
                .containsEntry("replica", Integer.toString(replica))
                .containsEntry("arbiter", Boolean.toString(arbiter))
                .containsEntry("quotaBytes", Long.toString(bytes))
                .containsEntry("brickRoot", ROOT);
        assertThat(volume.getVolumeContextMap().get("servers").split(",")).hasSize(replica);
    }

    @Test
    @Order(1)
    void createsReplicaThreeReplicaTwoAndArbiterVolumes() throws Exception {
        Volume r3 = create(request("pvc-r3", 64 * MIB).putParameters("csi.storage.k8s.io/pvc/name", "data")
                .putParameters("csi.storage.k8s.io/pvc/namespace", "shop")
                .putParameters("volumeOptions", "performance.cache-size=32MB").build());
        assertWhole(r3, 3, false, 64 * MIB);
        assertThat(info(r3.getVolumeId()).options()).containsEntry("user.csi.pvc-name", "data")
                .containsEntry("user.csi.pvc-namespace", "shop").containsEntry("performance.cache-size", "32MB");

        Volume r2 = create(request("pvc-r2", 32 * MIB).putParameters("replica", "2").build());
        assertWhole(r2, 2, false, 32 * MIB);

        Volume arbiter = create(request("pvc-arb", 48 * MIB).putParameters("arbiter", "true").build());
        assertWhole(arbiter, 3, true, 48 * MIB);
        assertThat(info(arbiter.getVolumeId()).bricks().get(2).arbiter()).isTrue();
    }

    @Test
    @Order(2)
    void aRepeatedRequestReturnsTheSameVolumeAndAConflictingOneIsRefused() throws Exception {
        Volume first = stub.createVolume(request("pvc-r3", 64 * MIB).build()).getVolume();
        assertThat(first.getVolumeId()).isEqualTo("gcs-pvc-r3");
        assertThat(first.getCapacityBytes()).isEqualTo(64 * MIB);
        VolumeInfo before = info("gcs-pvc-r3");
        StatusRuntimeException conflict = catchThrowableOfType(StatusRuntimeException.class,
                () -> stub.createVolume(request("pvc-r3", 128 * MIB).build()));
        assertThat(conflict.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
        assertThat(conflict.getStatus().getDescription()).contains("capacity");
        assertThat(GrpcCodes.of(() -> stub.createVolume(request("pvc-r3", 64 * MIB).putParameters("replica", "2")
                .build())))
                .isEqualTo(Status.Code.ALREADY_EXISTS);
        assertThat(info("gcs-pvc-r3")).isEqualTo(before);
    }

    @Test
    @Order(3)
    void aFailureAtAnyStepLeavesNoVolumeAndNoBrickDirectory() throws Exception {
        for (Step step : List.of(Step.BRICKS_CARVED, Step.VOLUME_CREATED, Step.STARTED)) {
            FAULT.set((s, volume) -> {
                if (s == step) {
                    throw new IllegalStateException("injected failure after " + s);
                }
            });
            try {
                StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                        () -> stub.createVolume(request("pvc-fail", 32 * MIB).build()));
                assertThat(e.getStatus().getCode()).as(step.name()).isEqualTo(Status.Code.INTERNAL);
                assertThat(e.getStatus().getDescription()).contains("injected failure after " + step);
            } finally {
                FAULT.set(Step.Listener.NONE);
            }
            assertThat(gluster.volumeInfo("gcs-pvc-fail")).as("volume after failure at " + step).isEmpty();
            assertThat(brickDirs("gcs-pvc-fail")).as("brick dirs after failure at " + step).isEmpty();
        }
    }

    @Test
    @Order(4)
    void aVolumeLeftHalfMadeByACrashIsFinishedByTheNextCall() throws Exception {
        // An Error stands for the controller dying: no rollback runs, the volume stays as it was.
        FAULT.set((s, volume) -> {
            if (s == Step.QUOTA_ENABLED) {
                throw new OutOfMemoryError("simulated crash after " + s);
            }
        });
        try {
            assertThat(GrpcCodes.of(() -> stub.createVolume(request("pvc-crash", 40 * MIB).build())))
                    .isNotEqualTo(Status.Code.OK);
        } finally {
            FAULT.set(Step.Listener.NONE);
        }
        assertThat(gluster.volumeInfo("gcs-pvc-crash")).isPresent();
        assertThat(gluster.quotaList("gcs-pvc-crash", "/").flatMap(l -> l.hardLimitBytes().isPresent()
                ? Optional.of(l) : Optional.empty())).isEmpty();
        Volume finished = stub.createVolume(request("pvc-crash", 40 * MIB).build()).getVolume();
        assertWhole(finished, 3, false, 40 * MIB);
    }

    @Test
    @Order(5)
    void expandRaisesTheQuotaAndShrinkingIsOutOfRange() throws Exception {
        var grown = stub.controllerExpandVolume(ControllerExpandVolumeRequest.newBuilder().setVolumeId("gcs-pvc-r2")
                .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(96 * MIB)).build());
        assertThat(grown.getCapacityBytes()).isEqualTo(96 * MIB);
        assertThat(gluster.quotaList("gcs-pvc-r2", "/").orElseThrow().hardLimitBytes()).hasValue(96 * MIB);
        assertThat(info("gcs-pvc-r2").options()).containsEntry("user.csi.capacity-bytes", Long.toString(96 * MIB));
        assertThat(GrpcCodes.of(() -> stub.controllerExpandVolume(ControllerExpandVolumeRequest.newBuilder()
                .setVolumeId("gcs-pvc-r2").setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(32 * MIB))
                .build()))).isEqualTo(Status.Code.OUT_OF_RANGE);
        assertThat(GrpcCodes.of(() -> stub.controllerExpandVolume(ControllerExpandVolumeRequest.newBuilder()
                .setVolumeId("gcs-nothing").setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(32 * MIB))
                .build()))).isEqualTo(Status.Code.NOT_FOUND);
    }

    @Test
    @Order(6)
    @SuppressWarnings("deprecation")
    void getVolumeAndCapacityReadThePool() {
        var volume = stub.controllerGetVolume(ControllerGetVolumeRequest.newBuilder().setVolumeId("gcs-pvc-r3")
                .build());
        assertThat(volume.getStatus().getVolumeCondition().getAbnormal()).isFalse();
        assertThat(volume.getVolume().getCapacityBytes()).isEqualTo(64 * MIB);
        var capacity = stub.getCapacity(GetCapacityRequest.newBuilder().build());
        assertThat(capacity.getAvailableCapacity()).isPositive();
        assertThat(stub.getCapacity(GetCapacityRequest.newBuilder().putParameters("brickRoot", "/mnt/none").build())
                .getAvailableCapacity()).isZero();
    }

    @Test
    @Order(7)
    void twentyConcurrentCreatesAllSucceedAndListingPagesThroughAllVolumes() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            List<Future<Volume>> futures = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                String name = String.format("pvc-burst-%02d", i);
                futures.add(pool.submit(() -> stub.createVolume(request(name, 16 * MIB).build()).getVolume()));
            }
            for (Future<Volume> f : futures) {
                assertThat(f.get(10, TimeUnit.MINUTES).getVolumeId()).startsWith("gcs-pvc-burst-");
            }
            System.out.printf("20 concurrent CreateVolume: %d ms wall%n", (System.nanoTime() - start) / 1_000_000);
        } finally {
            pool.shutdownNow();
        }
        create(request("pvc-list-extra", 16 * MIB).putParameters("replica", "1").build());
        assertThat(gluster.volumeList()).hasSize(25);

        List<String> seen = new ArrayList<>();
        String token = "";
        do {
            ListVolumesResponse page = stub.listVolumes(ListVolumesRequest.newBuilder().setMaxEntries(7)
                    .setStartingToken(token).build());
            assertThat(page.getEntriesCount()).isLessThanOrEqualTo(7);
            page.getEntriesList().forEach(e -> seen.add(e.getVolume().getVolumeId()));
            token = page.getNextToken();
        } while (!token.isEmpty());
        assertThat(seen).doesNotHaveDuplicates().hasSize(25).containsExactlyInAnyOrderElementsOf(gluster.volumeList());
    }

    @Test
    @Order(8)
    void malformedRequestsGetTheirCodeAndChangeNothing() throws Exception {
        List<String> before = gluster.volumeList();
        Map<String, CreateVolumeRequest> bad = Map.of(
                "brick root outside", request("pvc-x", 32 * MIB).putParameters("brickRoot", "/etc").build(),
                "unknown parameter", request("pvc-x", 32 * MIB).putParameters("color", "red").build(),
                "replica 4", request("pvc-x", 32 * MIB).putParameters("replica", "4").build(),
                "option injection", request("pvc-x", 32 * MIB).putParameters("volumeOptions", "a=-o").build(),
                "no name", request("", 32 * MIB).build());
        bad.forEach((what, r) -> assertThat(GrpcCodes.of(() -> stub.createVolume(r))).as(what)
                .isEqualTo(Status.Code.INVALID_ARGUMENT));
        assertThat(GrpcCodes.of(() -> stub.createVolume(request("pvc-x", 1L << 50).putParameters("replica", "3")
                .build())))
                .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(gluster.volumeList()).containsExactlyInAnyOrderElementsOf(before);
        assertThat(brickDirs("gcs-pvc-x")).isEmpty();
    }

    @Test
    @Order(9)
    void deleteRemovesTheVolumeAndEveryBrickAndRepeatsSucceed() throws Exception {
        List<String> all = gluster.volumeList();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (String id : all) {
                futures.add(pool.submit(() -> stub.deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId(id)
                        .build())));
            }
            for (Future<?> f : futures) {
                f.get(10, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(gluster.volumeList()).isEmpty();
        for (String id : all) {
            assertThat(brickDirs(id)).as(id).isEmpty();
        }
        stub.deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId("gcs-pvc-r3").build());
        assertThat(stub.listVolumes(ListVolumesRequest.getDefaultInstance()).getEntriesCount()).isZero();
    }

    @Test
    @Order(10)
    void gidVolumesGetDistinctGroupsAndSetgidBrickRoots() throws Exception {
        Volume first = create(request("pvc-gid-1", 16 * MIB).putParameters("gidMin", "40000")
                .putParameters("gidMax", "40001").putParameters("replica", "2").build());
        Volume second = create(request("pvc-gid-2", 16 * MIB).putParameters("gidMin", "40000")
                .putParameters("gidMax", "40001").putParameters("replica", "2").build());
        assertThat(first.getVolumeContextMap()).containsEntry("gid", "40000");
        assertThat(second.getVolumeContextMap()).containsEntry("gid", "40001");
        assertThat(info("gcs-pvc-gid-1").options()).containsEntry("storage.owner-gid", "40000")
                .containsEntry("user.csi.gid", "40000");
        for (Path volumeDir : brickDirs("gcs-pvc-gid-2")) {
            Path brick = volumeDir.resolve("brick");
            assertThat(Files.getAttribute(brick, "unix:gid")).isEqualTo(40001);
            assertThat((Integer) Files.getAttribute(brick, "unix:mode") & 07777).isEqualTo(02775);
        }
        StatusRuntimeException full = catchThrowableOfType(StatusRuntimeException.class,
                () -> stub.createVolume(request("pvc-gid-3", 16 * MIB).putParameters("gidMin", "40000")
                        .putParameters("gidMax", "40001").build()));
        assertThat(full.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(full.getStatus().getDescription()).contains("40000 to 40001 is taken");
        assertThat(brickDirs("gcs-pvc-gid-3")).isEmpty();
        stub.deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId("gcs-pvc-gid-1").build());
        stub.deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId("gcs-pvc-gid-2").build());
        assertThat(brickDirs("gcs-pvc-gid-1")).isEmpty();
    }

    @Test
    @Order(11)
    void retainKeepsTheBricksAndArchiveMovesThemAside() throws Exception {
        create(request("pvc-keep", 16 * MIB).putParameters("onDelete", "retain").putParameters("replica", "2")
                .build());
        create(request("pvc-arch", 16 * MIB).putParameters("onDelete", "archive").putParameters("replica", "2")
                .build());
        stub.deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId("gcs-pvc-keep").build());
        stub.deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId("gcs-pvc-arch").build());
        assertThat(gluster.volumeInfo("gcs-pvc-keep")).isEmpty();
        assertThat(gluster.volumeInfo("gcs-pvc-arch")).isEmpty();
        assertThat(brickDirs("gcs-pvc-keep")).hasSize(2);
        assertThat(brickDirs("gcs-pvc-arch")).isEmpty();
        long archived = 0;
        for (LocalGlusterPool.Peer peer : POOL.pool().peers()) {
            try (var entries = Files.list(peer.local(ROOT))) {
                archived += entries.filter(p -> p.getFileName().toString().startsWith(".archived-gcs-pvc-arch-"))
                        .filter(p -> Files.isDirectory(p.resolve("brick"))).count();
            }
        }
        assertThat(archived).isEqualTo(2);
    }

    static ControllerModifyVolumeRequest modify(String id, String key, String value) {
        return ControllerModifyVolumeRequest.newBuilder().setVolumeId(id).putMutableParameters(key, value).build();
    }

    @Test
    @Order(12)
    void aVolumeAttributesClassChangesALiveVolumesOptionsAndWhatCannotChangeIsRefusedByName() throws Exception {
        Volume volume = create(request("pvc-vac", 16 * MIB).putParameters("replica", "2")
                .putParameters("volumeOptions", "performance.cache-size=32MB,network.ping-timeout=20")
                .putMutableParams("volumeOptions", "performance.cache-size=64MB").build());
        String id = volume.getVolumeId();
        assertThat(info(id).options()).containsEntry("performance.cache-size", "64MB")
                .containsEntry("network.ping-timeout", "20")
                .containsEntry("user.csi.volume-options", "network.ping-timeout=20,performance.cache-size=64MB");

        String gold = "performance.cache-size=128MB,performance.read-ahead=off";
        stub.controllerModifyVolume(modify(id, "volumeOptions", gold));
        VolumeInfo modified = info(id);
        String now = "network.ping-timeout=20,performance.cache-size=128MB,performance.read-ahead=off";
        assertThat(modified.options()).containsEntry("performance.cache-size", "128MB")
                .containsEntry("performance.read-ahead", "off").containsEntry("network.ping-timeout", "20")
                .containsEntry("user.csi.volume-options", now);
        assertThat(stub.controllerGetVolume(ControllerGetVolumeRequest.newBuilder().setVolumeId(id).build())
                .getVolume().getVolumeContextMap()).containsEntry("volumeOptions", now);

        // The same class again (the resizer retries): nothing left to do, nothing changes.
        stub.controllerModifyVolume(modify(id, "volumeOptions", gold));
        assertThat(info(id)).isEqualTo(modified);

        Map<ControllerModifyVolumeRequest, String> refused = Map.of(
                modify(id, "replica", "3"), "'replica' cannot change on a live volume",
                modify(id, "iops", "3000"), "unknown mutable parameter 'iops'",
                modify(id, "volumeOptions", "features.quota=off"), "features.quota is managed by the driver",
                modify(id, "volumeOptions", "network.ping-timeout=30,performance.cache-size=lots"), "gluster refused",
                modify(id, "volumeOptions", "performance.no-such-option=1"), "gluster refused");
        refused.forEach((request, message) -> {
            StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                    () -> stub.controllerModifyVolume(request));
            assertThat(e.getStatus().getCode()).as(message).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(e.getStatus().getDescription()).contains(message);
        });
        assertThat(info(id)).as("refused modifications changed nothing").isEqualTo(modified);
        assertThat(GrpcCodes.of(() -> stub.controllerModifyVolume(modify("gcs-pvc-none", "volumeOptions",
                "performance.cache-size=64MB")))).isEqualTo(Status.Code.NOT_FOUND);
    }
}
