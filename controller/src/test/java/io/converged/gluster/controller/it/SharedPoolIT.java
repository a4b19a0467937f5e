package io.converged.gluster.controller.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.converged.gluster.controller.gluster.GlusterCli;
import io.converged.gluster.controller.gluster.QuotaLimit;
import io.converged.gluster.controller.gluster.VolumeInfo;
import io.converged.gluster.csi.testing.GlusterPoolExtension;
import io.converged.gluster.csi.testing.GrpcCodes;
import io.converged.gluster.csi.testing.LocalGlusterPool;
import io.converged.gluster.csi.v1.CapacityRange;
import io.converged.gluster.csi.v1.ControllerExpandVolumeRequest;
import io.converged.gluster.csi.v1.ControllerGetVolumeRequest;
import io.converged.gluster.csi.v1.ControllerGetVolumeResponse;
import io.converged.gluster.csi.v1.ControllerGrpc;
import io.converged.gluster.csi.v1.CreateVolumeRequest;
import io.converged.gluster.csi.v1.DeleteVolumeRequest;
import io.converged.gluster.csi.v1.GetCapacityRequest;
import io.converged.gluster.csi.v1.ListVolumesRequest;
import io.converged.gluster.csi.v1.ListVolumesResponse;
import io.converged.gluster.csi.v1.Volume;
import io.grpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Claims in a shared pool through the controller's real socket against a real 3-peer gluster pool:
 * the pool is made by the first claim, claims are directories with a record and a limit, and every
 * call is checked in gluster itself and on a brick. Timings are printed, never asserted.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SharedPoolIT {
    @RegisterExtension
    static final GlusterPoolExtension POOL = GlusterPoolExtension.formed(3);

    static final String NAME = "itpool";
    private static final long MIB = 1024L * 1024;
    private static final String ROOT = SocketController.ROOT;

    @TempDir
    static Path dir;

    static SocketController controller;
    static ControllerGrpc.ControllerBlockingStub stub;
    static GlusterCli gluster;
    private static final List<Long> CLAIM_MILLIS = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void startController() throws Exception {
        controller = SocketController.start(POOL.pool(), dir, (step, volume) -> { });
        stub = controller.stub().withDeadlineAfter(5, TimeUnit.MINUTES);
        gluster = controller.gluster();
    }

    @AfterAll
    static void stopController() {
        if (controller != null) {
            controller.close();
        }
        if (!CLAIM_MILLIS.isEmpty()) {
            List<Long> sorted = new ArrayList<>(CLAIM_MILLIS);
            Collections.sort(sorted);
            System.out.printf("SharedPoolIT: CreateVolume of a claim in a made pool: median %d ms over %d calls%n",
                    sorted.get(sorted.size() / 2), sorted.size());
        }
    }

    static CreateVolumeRequest.Builder claim(String name, long bytes) {
        return CreateVolumeRequest.newBuilder().setName(name).addVolumeCapabilities(ControllerIT.RWX)
                .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(bytes))
                .putParameters("pool", NAME)
                .putParameters("csi.storage.k8s.io/pvc/name", name)
                .putParameters("csi.storage.k8s.io/pvc/namespace", "shared");
    }

    private static Volume timed(CreateVolumeRequest request) {
        long start = System.nanoTime();
        Volume volume = stub.createVolume(request).getVolume();
        CLAIM_MILLIS.add((System.nanoTime() - start) / 1_000_000);
        return volume;
    }

    private static List<String> audit() throws Exception {
        return PoolAudit.problems(POOL.pool(), gluster, ROOT);
    }

    private static long limit(String directory) throws Exception {
        Optional<QuotaLimit> limit = gluster.quotaList(NAME, "/" + directory);
        return limit.isPresent() && limit.get().hardLimitBytes().isPresent()
                ? limit.get().hardLimitBytes().getAsLong() : -1;
    }

    @Test
    @Order(1)
    void theFirstClaimMakesThePoolAndLaterClaimsAreDirectoriesWithARecordAndALimit() throws Exception {
        Volume first = stub.createVolume(claim("pvc-first", 64 * MIB).build()).getVolume();

        assertThat(first.getVolumeId()).isEqualTo(NAME + "/gcs-pvc-first");
        assertThat(first.getCapacityBytes()).isEqualTo(64 * MIB);
        assertThat(first.getVolumeContextMap()).containsEntry("glusterVolume", NAME).containsEntry("pool", NAME)
                .containsEntry("directory", "gcs-pvc-first").containsEntry("replica", "3")
                .containsEntry("quotaBytes", Long.toString(64 * MIB)).containsEntry("onDelete", "delete")
                .containsKeys("servers", "bricks", "brickRoot");
        VolumeInfo pool = gluster.volumeInfo(NAME).orElseThrow();
        assertThat(pool.replicaCount()).isEqualTo(3);
        assertThat(pool.started()).isTrue();
        assertThat(pool.options()).containsEntry("user.csi.layout", "pool").containsEntry("features.quota", "on")
                .containsEntry("features.soft-timeout", "0").containsEntry("features.hard-timeout", "0")
                .containsEntry("user.csi.quota-enforcement", "strict")
                .doesNotContainKey("user.csi.request-name");
        for (int i = 0; i < 5; i++) {
            timed(claim("pvc-" + i, (16 + i) * MIB).build());
        }
        Map<String, String> claims = PoolAudit.claims(gluster, NAME);
        assertThat(claims).containsOnlyKeys("gcs-pvc-first", "gcs-pvc-0", "gcs-pvc-1", "gcs-pvc-2", "gcs-pvc-3",
                "gcs-pvc-4");
        assertThat(claims.get("gcs-pvc-first")).contains("request=pvc-first", "capacity=" + (64 * MIB),
                "pvc=shared%2Fpvc-first");
        assertThat(limit("gcs-pvc-2")).isEqualTo(18 * MIB);
        assertThat(PoolAudit.volumes(gluster)).containsExactly(NAME);
        assertThat(audit()).isEmpty();
    }

    @Test
    @Order(2)
    void aRetriedCreateFindsItsClaimAndAnotherSizeOrAContradictingClassIsRefusedChangingNothing() throws Exception {
        Volume again = stub.createVolume(claim("pvc-first", 64 * MIB).build()).getVolume();
        assertThat(again.getVolumeId()).isEqualTo(NAME + "/gcs-pvc-first");
        Map<String, String> before = PoolAudit.claims(gluster, NAME);

        assertThat(GrpcCodes.of(() -> stub.createVolume(claim("pvc-first", 65 * MIB).build())))
                .isEqualTo(Status.Code.ALREADY_EXISTS);
        assertThat(GrpcCodes.of(() -> stub.createVolume(claim("pvc-other-class", 16 * MIB)
                .putParameters("replica", "2").build()))).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(GrpcCodes.of(() -> stub.createVolume(claim("pvc-other-root", 16 * MIB)
                .putParameters("brickRoot", "/mnt/brick2").build()))).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(GrpcCodes.of(() -> stub.createVolume(claim("pvc-too-big", 1L << 50).build())))
                .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);

        assertThat(PoolAudit.claims(gluster, NAME)).isEqualTo(before);
        assertThat(audit()).isEmpty();
    }

    @Test
    @Order(3)
    void claimsAreListedBesideDedicatedVolumesAndDescribeThemselvesWithTheirPoolsCondition() throws Exception {
        Volume dedicated = stub.createVolume(ControllerIT.request("pvc-dedicated", 32 * MIB).build()).getVolume();
        assertThat(dedicated.getVolumeContextMap()).doesNotContainKeys("pool", "directory");

        List<String> ids = new ArrayList<>();
        String token = "";
        do {
            ListVolumesResponse page = stub.listVolumes(ListVolumesRequest.newBuilder().setMaxEntries(3)
                    .setStartingToken(token).build());
            page.getEntriesList().forEach(entry -> {
                ids.add(entry.getVolume().getVolumeId());
                assertThat(entry.getStatus().getVolumeCondition().getAbnormal()).as(entry.toString()).isFalse();
            });
            token = page.getNextToken();
        } while (!token.isEmpty());
        assertThat(ids).containsExactly("gcs-pvc-dedicated", NAME + "/gcs-pvc-0", NAME + "/gcs-pvc-1",
                NAME + "/gcs-pvc-2", NAME + "/gcs-pvc-3", NAME + "/gcs-pvc-4", NAME + "/gcs-pvc-first");

        ControllerGetVolumeResponse got = stub.controllerGetVolume(ControllerGetVolumeRequest.newBuilder()
                .setVolumeId(NAME + "/gcs-pvc-1").build());
        assertThat(got.getVolume().getCapacityBytes()).isEqualTo(17 * MIB);
        assertThat(got.getVolume().getVolumeContextMap()).containsEntry("directory", "gcs-pvc-1");
        assertThat(got.getStatus().getVolumeCondition().getAbnormal()).isFalse();
        assertThat(GrpcCodes.of(() -> stub.controllerGetVolume(ControllerGetVolumeRequest.newBuilder()
                .setVolumeId(NAME + "/gcs-pvc-none").build()))).isEqualTo(Status.Code.NOT_FOUND);

        long free = stub.getCapacity(GetCapacityRequest.newBuilder().putParameters("pool", NAME).build())
                .getAvailableCapacity();
        assertThat(free).isPositive();
        long unmade = stub.getCapacity(GetCapacityRequest.newBuilder().putParameters("pool", "not-made-yet")
                .build()).getAvailableCapacity();
        assertThat(unmade).isPositive();
        stub.deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId("gcs-pvc-dedicated").build());
        assertThat(audit()).isEmpty();
    }

    @Test
    @Order(4)
    void expandRaisesTheLimitAndTheRecordAndAShrinkIsOutOfRange() throws Exception {
        String id = NAME + "/gcs-pvc-0";
        long grown = stub.controllerExpandVolume(ControllerExpandVolumeRequest.newBuilder().setVolumeId(id)
                .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(48 * MIB)).build()).getCapacityBytes();

        assertThat(grown).isEqualTo(48 * MIB);
        assertThat(limit("gcs-pvc-0")).isEqualTo(48 * MIB);
        assertThat(PoolAudit.claims(gluster, NAME).get("gcs-pvc-0")).contains("capacity=" + (48 * MIB));
        assertThat(GrpcCodes.of(() -> stub.controllerExpandVolume(ControllerExpandVolumeRequest.newBuilder()
                .setVolumeId(id).setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(16 * MIB)).build())))
                .isEqualTo(Status.Code.OUT_OF_RANGE);
        assertThat(audit()).isEmpty();
    }

    @Test
    @Order(5)
    void deleteFollowsOnDeleteAndLeavesNoLimitBehind() throws Exception {
        stub.createVolume(claim("pvc-archive", 16 * MIB).putParameters("onDelete", "archive").build());
        stub.createVolume(claim("pvc-retain", 16 * MIB).putParameters("onDelete", "retain").build());
        Path brick = Path.of(gluster.volumeInfo(NAME).orElseThrow().bricks().get(0).path());

        for (String claim : List.of("gcs-pvc-1", "gcs-pvc-archive", "gcs-pvc-retain")) {
            stub.deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId(NAME + "/" + claim).build());
            stub.deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId(NAME + "/" + claim).build());
        }

        Map<String, String> claims = PoolAudit.claims(gluster, NAME);
        assertThat(claims).doesNotContainKeys("gcs-pvc-1", "gcs-pvc-archive");
        assertThat(claims.get("gcs-pvc-retain")).contains("state=retained");
        assertThat(limit("gcs-pvc-retain")).isEqualTo(-1);
        try (var archived = Files.list(brick)) {
            assertThat(archived.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".csi-archive"))
                    .toList()).singleElement().asString().startsWith(".csi-archive.gcs-pvc-archive.");
        }
        awaitEmpty(brick, Duration.ofSeconds(30));
        assertThat(GrpcCodes.of(() -> stub.createVolume(claim("pvc-retain", 16 * MIB).putParameters("onDelete",
                "retain").build()))).as("the retained directory is in the way").isEqualTo(Status.Code.ALREADY_EXISTS);
        assertThat(stub.listVolumes(ListVolumesRequest.getDefaultInstance()).getEntriesList())
                .noneMatch(e -> e.getVolume().getVolumeId().endsWith("gcs-pvc-retain"));
        stub.deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId(NAME + "/gcs-pvc-never").build());
        stub.deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId("no-such-pool/gcs-pvc-x").build());
        assertThat(audit()).isEmpty();
    }

    /** The background purge of deleted claims empties the trash of the brick's root. */
    private static void awaitEmpty(Path brick, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            if (PoolAudit.trash(brick).isEmpty()) {
                return;
            }
            assertThat(System.nanoTime()).as("the trash of the pool is purged in time").isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    @Test
    @Order(6)
    void theControllerRemountsAPoolWhoseMountWentAway() throws Exception {
        LocalGlusterPool.Peer first = POOL.pool().peer(1);
        Path mount = first.local(SocketController.POOL_MOUNTS + "/" + NAME);
        assertThat(Files.readString(Path.of("/proc/self/mounts"))).contains(" " + mount + " fuse.glusterfs ");
        Process umount = new ProcessBuilder("umount", "-l", mount.toString()).inheritIO().start();
        assertThat(umount.waitFor()).isZero();

        Volume after = timed(claim("pvc-after-umount", 16 * MIB).build());

        assertThat(after.getVolumeId()).isEqualTo(NAME + "/gcs-pvc-after-umount");
        assertThat(Files.readString(Path.of("/proc/self/mounts"))).contains(" " + mount + " fuse.glusterfs ");
        assertThat(PoolAudit.claims(gluster, NAME)).containsKey("gcs-pvc-after-umount");
        assertThat(audit()).isEmpty();
    }

    @Test
    @Order(7)
    void everyNameTheSpecAllowsIsAClaimMadeRetriedFoundListedAndDeleted() throws Exception {
        List<String> ids = new ArrayList<>();
        for (String name : ControllerHostileInputIT.SPEC_NAMES) {
            CreateVolumeRequest request = CreateVolumeRequest.newBuilder().setName(name)
                    .addVolumeCapabilities(ControllerIT.RWX).putParameters("pool", NAME)
                    .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(16 * MIB)).build();
            Volume made = stub.createVolume(request).getVolume();
            assertThat(stub.createVolume(request).getVolume().getVolumeId()).as("the retry of " + name)
                    .isEqualTo(made.getVolumeId());
            assertThat(stub.controllerGetVolume(ControllerGetVolumeRequest.newBuilder()
                    .setVolumeId(made.getVolumeId()).build()).getVolume().getVolumeId()).isEqualTo(made.getVolumeId());
            String directory = made.getVolumeContextMap().get("directory");
            assertThat(directory).as("the directory of " + name).matches("[a-z0-9][a-z0-9-]*");
            assertThat(limit(directory)).isEqualTo(16 * MIB);
            ids.add(made.getVolumeId());
        }
        List<String> listed = new ArrayList<>();
        stub.listVolumes(ListVolumesRequest.getDefaultInstance()).getEntriesList()
                .forEach(e -> listed.add(e.getVolume().getVolumeId()));
        assertThat(listed).containsAll(ids);
        assertThat(audit()).isEmpty();
        for (String id : ids) {
            stub.deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId(id).build());
        }
        assertThat(audit()).isEmpty();
        System.out.printf("SharedPoolIT: %d claims named as the CSI spec allows made, retried, found, listed and"
                + " deleted%n", ids.size());
    }
}
