package io.converged.gluster.node.csi;

import io.converged.gluster.csi.runtime.VolumeLocks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.converged.gluster.csi.testing.GrpcCleanup;
import io.converged.gluster.csi.v1.NodeGetCapabilitiesRequest;
import io.converged.gluster.csi.v1.NodeGetInfoRequest;
import io.converged.gluster.csi.v1.NodeGetVolumeStatsRequest;
import io.converged.gluster.csi.v1.NodeGetVolumeStatsResponse;
import io.converged.gluster.csi.v1.NodeGrpc;
import io.converged.gluster.csi.v1.NodePublishVolumeRequest;
import io.converged.gluster.csi.v1.NodeServiceCapability;
import io.converged.gluster.csi.v1.NodeStageVolumeRequest;
import io.converged.gluster.csi.v1.NodeUnpublishVolumeRequest;
import io.converged.gluster.csi.v1.NodeUnstageVolumeRequest;
import io.converged.gluster.csi.v1.VolumeCapability;
import io.converged.gluster.csi.v1.VolumeUsage;
import io.converged.gluster.node.mount.FakeMounter;
import io.converged.gluster.node.mount.KubeletDir;
import io.converged.gluster.node.mount.MountException;
import io.converged.gluster.node.mount.StageRecords;
import io.converged.gluster.node.mount.VolumeMounts;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NodeServiceTest {
    private static final Map<String, String> CONTEXT = Map.of("glusterVolume", "vol1",
            "servers", "127.1.9.1,127.1.9.2,127.1.9.3", "replica", "3", "quotaBytes", "268435456");
    private static final VolumeCapability RWX = VolumeCapability.newBuilder()
            .setMount(VolumeCapability.MountVolume.newBuilder().addMountFlags("noatime"))
            .setAccessMode(VolumeCapability.AccessMode.newBuilder()
                    .setMode(VolumeCapability.AccessMode.Mode.MULTI_NODE_MULTI_WRITER))
            .build();
    /** The kubelet directory of these tests: the temporary directory, which holds each test's own. */
    private static final Path KUBELET = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
    private static final Path STAGING = KUBELET.resolve("never-used/staging");
    private static final Path TARGET = KUBELET.resolve("never-used/target");

    @RegisterExtension
    final GrpcCleanup grpc = new GrpcCleanup();

    @TempDir
    Path dir;

    private FakeMounter mounter;
    private VolumeLocks locks;
    private NodeGrpc.NodeBlockingStub node;
    private Path staging;
    private Path target;

    @BeforeEach
    void setUp() throws Exception {
        mounter = new FakeMounter();
        locks = new VolumeLocks();
        VolumeMounts volumes = new VolumeMounts(mounter, new StageRecords(dir.resolve("state")));
        NodeService service = new NodeService(volumes, locks, "node-7", dir.resolve("logs"), new KubeletDir(KUBELET));
        String name = InProcessServerBuilder.generateName();
        grpc.register(InProcessServerBuilder.forName(name).directExecutor().addService(service).build().start());
        node = NodeGrpc.newBlockingStub(grpc.register(InProcessChannelBuilder.forName(name).directExecutor().build()));
        staging = Files.createDirectories(dir.resolve("plugins/pv1/globalmount"));
        target = dir.resolve("pods/p1/volumes/pv1/mount");
    }

    private NodeStageVolumeRequest stage() {
        return NodeStageVolumeRequest.newBuilder().setVolumeId("vol1").setStagingTargetPath(staging.toString())
                .setVolumeCapability(RWX).putAllVolumeContext(CONTEXT).build();
    }

    private NodePublishVolumeRequest publish(Path to, boolean readOnly) {
        return NodePublishVolumeRequest.newBuilder().setVolumeId("vol1").setStagingTargetPath(staging.toString())
                .setTargetPath(to.toString()).setVolumeCapability(RWX).setReadonly(readOnly)
                .putAllVolumeContext(CONTEXT).build();
    }

    private static VolumeCapability capability(UnaryOperator<VolumeCapability.Builder> change) {
        return change.apply(RWX.toBuilder()).build();
    }

    private static NodeStageVolumeRequest.Builder validStage() {
        return NodeStageVolumeRequest.newBuilder().setVolumeId("vol1").setStagingTargetPath(STAGING.toString())
                .setVolumeCapability(RWX).putAllVolumeContext(CONTEXT);
    }

    private static NodePublishVolumeRequest.Builder validPublish() {
        return NodePublishVolumeRequest.newBuilder().setVolumeId("vol1").setStagingTargetPath(STAGING.toString())
                .setTargetPath(TARGET.toString()).setVolumeCapability(RWX);
    }

    /** Every malformed request, the call that sends it, and a word its message must contain. */
    static Stream<Arguments> malformedRequests() {
        return Stream.of(
                bad("stage without volume id", s -> s.nodeStageVolume(validStage().setVolumeId("").build()),
                        "volume_id"),
                bad("stage without staging path", s -> s.nodeStageVolume(validStage().setStagingTargetPath("").build()),
                        "staging_target_path"),
                bad("stage with relative staging path",
                        s -> s.nodeStageVolume(validStage().setStagingTargetPath("rel/path").build()), "absolute"),
                bad("stage at /", s -> s.nodeStageVolume(validStage().setStagingTargetPath("/").build()), "absolute"),
                bad("stage with NUL in path",
                        s -> s.nodeStageVolume(validStage().setStagingTargetPath("/a\0b").build()),
                                "staging_target_path"),
                bad("stage without capability",
                        s -> s.nodeStageVolume(validStage().clearVolumeCapability().build()), "volume_capability"),
                bad("stage as block", s -> s.nodeStageVolume(validStage().setVolumeCapability(capability(c -> c
                        .setBlock(VolumeCapability.BlockVolume.getDefaultInstance()))).build()), "block"),
                bad("stage with fs_type ext4", s -> s.nodeStageVolume(validStage().setVolumeCapability(capability(c -> c
                        .setMount(VolumeCapability.MountVolume.newBuilder().setFsType("ext4")))).build()), "ext4"),
                bad("stage without access mode", s -> s.nodeStageVolume(validStage()
                        .setVolumeCapability(capability(c -> c
                        .clearAccessMode())).build()), "access_mode"),
                bad("stage with unknown mount flag", s -> s.nodeStageVolume(validStage().setVolumeCapability(capability(
                        c -> c.setMount(VolumeCapability.MountVolume.newBuilder().addMountFlags("nfsvers=4"))))
                        .build()), "nfsvers=4"),
                bad("stage overriding the log file", s -> s.nodeStageVolume(validStage().setVolumeCapability(capability(
                        c -> c.setMount(VolumeCapability.MountVolume.newBuilder().addMountFlags("log-file=/etc/x"))))
                        .build()), "log-file=/etc/x"),
                bad("stage without volume context", s -> s.nodeStageVolume(validStage().clearVolumeContext().build()),
                        "glusterVolume"),
                bad("stage without servers", s -> s.nodeStageVolume(validStage()
                        .putVolumeContext("servers", " ").build()), "servers"),
                bad("stage with a bad server", s -> s.nodeStageVolume(validStage()
                        .putVolumeContext("servers", "127.1.9.1,h;x").build()), "h;x"),
                bad("stage with a bad volume name", s -> s.nodeStageVolume(validStage()
                        .putVolumeContext("glusterVolume", "../../etc").build()), "../../etc"),
                bad("stage with a directory that leaves the pool", s -> s.nodeStageVolume(validStage()
                        .putVolumeContext("directory", "../other").build()), "../other"),
                bad("stage with a nested directory", s -> s.nodeStageVolume(validStage()
                        .putVolumeContext("directory", "a/b").build()), "a/b"),
                bad("stage with an overlong id", s -> s.nodeStageVolume(validStage()
                        .setVolumeId("v".repeat(1025)).build()), "volume_id"),
                bad("publish without volume id", s -> s.nodePublishVolume(validPublish().setVolumeId("").build()),
                        "volume_id"),
                bad("publish without staging path",
                        s -> s.nodePublishVolume(validPublish().setStagingTargetPath("").build()),
                                "staging_target_path"),
                bad("publish without target", s -> s.nodePublishVolume(validPublish().setTargetPath("").build()),
                        "target_path"),
                bad("publish with relative target",
                        s -> s.nodePublishVolume(validPublish().setTargetPath("x/y").build()), "target_path"),
                bad("publish onto the staging path", s -> s.nodePublishVolume(validPublish()
                        .setTargetPath(STAGING + "/.").build()), "differ"),
                bad("publish without capability",
                        s -> s.nodePublishVolume(validPublish().clearVolumeCapability().build()), "volume_capability"),
                bad("publish as block", s -> s.nodePublishVolume(validPublish().setVolumeCapability(capability(c -> c
                        .setBlock(VolumeCapability.BlockVolume.getDefaultInstance()))).build()), "block"),
                bad("unpublish without volume id", s -> s.nodeUnpublishVolume(NodeUnpublishVolumeRequest.newBuilder()
                        .setTargetPath(TARGET.toString()).build()), "volume_id"),
                bad("unpublish without target", s -> s.nodeUnpublishVolume(NodeUnpublishVolumeRequest.newBuilder()
                        .setVolumeId("vol1").build()), "target_path"),
                bad("unstage without volume id", s -> s.nodeUnstageVolume(NodeUnstageVolumeRequest.newBuilder()
                        .setStagingTargetPath(STAGING.toString()).build()), "volume_id"),
                bad("unstage without staging path", s -> s.nodeUnstageVolume(NodeUnstageVolumeRequest.newBuilder()
                        .setVolumeId("vol1").build()), "staging_target_path"),
                bad("stats without volume id", s -> s.nodeGetVolumeStats(NodeGetVolumeStatsRequest.newBuilder()
                        .setVolumePath(TARGET.toString()).build()), "volume_id"),
                bad("stats without path", s -> s.nodeGetVolumeStats(NodeGetVolumeStatsRequest.newBuilder()
                        .setVolumeId("vol1").build()), "volume_path"),
                bad("stage outside the kubelet directory", s -> s.nodeStageVolume(validStage()
                        .setStagingTargetPath("/etc").build()), "kubelet directory"),
                bad("stage with '..' leading out", s -> s.nodeStageVolume(validStage()
                        .setStagingTargetPath(KUBELET + "/../../etc/x").build()), "'..'"),
                bad("stage with '..' staying inside", s -> s.nodeStageVolume(validStage()
                        .setStagingTargetPath(STAGING + "/../staging").build()), "'..'"),
                bad("publish over the node's /etc", s -> s.nodePublishVolume(validPublish()
                        .setTargetPath("/etc").build()), "kubelet directory"),
                bad("publish at a directory created for the purpose", s -> s.nodePublishVolume(validPublish()
                        .setTargetPath("/usr/local/x").build()), "kubelet directory"),
                bad("publish from a staging path outside", s -> s.nodePublishVolume(validPublish()
                        .setStagingTargetPath("/var/tmp/staging").build()), "staging_target_path"),
                bad("publish at the kubelet directory itself", s -> s.nodePublishVolume(validPublish()
                        .setTargetPath(KUBELET.toString()).build()), "kubelet directory"),
                bad("unpublish of /etc", s -> s.nodeUnpublishVolume(NodeUnpublishVolumeRequest.newBuilder()
                        .setVolumeId("vol1").setTargetPath("/etc").build()), "kubelet directory"),
                bad("unstage of /usr/local/x", s -> s.nodeUnstageVolume(NodeUnstageVolumeRequest.newBuilder()
                        .setVolumeId("vol1").setStagingTargetPath("/usr/local/x").build()), "kubelet directory"));
    }

    private static Arguments bad(String name, Consumer<NodeGrpc.NodeBlockingStub> call, String mentions) {
        return Arguments.of(name, call, mentions);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedRequests")
    void malformedRequestsAreInvalidArgumentAndTouchNoMount(String name, Consumer<NodeGrpc.NodeBlockingStub> call,
            String mentions) {
        assertThatThrownBy(() -> call.accept(node))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).contains(mentions);
                });
        assertThat(mounter.calls()).isEmpty();
    }

    @Test
    void aSharedClaimIsStagedAsItsDirectoryOfThePoolWithItsOwnClientLog() {
        node.nodeStageVolume(NodeStageVolumeRequest.newBuilder().setVolumeId("pool1/gcs-pvc-1")
                .setStagingTargetPath(staging.toString()).setVolumeCapability(RWX)
                .putAllVolumeContext(Map.of("glusterVolume", "pool1", "pool", "pool1", "directory", "gcs-pvc-1",
                        "servers", "127.1.9.1,127.1.9.2")).build());

        assertThat(mounter.calls()).filteredOn(c -> c.startsWith("gluster ")).singleElement().asString()
                .contains("127.1.9.1:/pool1/gcs-pvc-1", "log-file=" + dir.resolve("logs/pool1.gcs-pvc-1.log"));
        assertThat(mounter.mounts().at(staging).orElseThrow().glusterPath()).isEqualTo("pool1/gcs-pvc-1");
        node.nodeStageVolume(NodeStageVolumeRequest.newBuilder().setVolumeId("pool1/gcs-pvc-1")
                .setStagingTargetPath(staging.toString()).setVolumeCapability(RWX)
                .putAllVolumeContext(Map.of("glusterVolume", "pool1", "pool", "pool1", "directory", "gcs-pvc-1",
                        "servers", "127.1.9.1,127.1.9.2")).build());
        assertThat(mounter.count("gluster ")).isEqualTo(1);
    }

    @Test
    void everyCallIsIdempotentAndTheFullCycleLeavesNothing() {
        Path readOnly = dir.resolve("pods/p2/volumes/pv1/mount");
        for (int i = 0; i < 2; i++) {
            node.nodeStageVolume(stage());
        }
        for (int i = 0; i < 2; i++) {
            node.nodePublishVolume(publish(target, false));
            node.nodePublishVolume(publish(readOnly, true));
        }
        assertThat(mounter.count("gluster ")).isEqualTo(1);
        assertThat(mounter.calls()).filteredOn(c -> c.startsWith("gluster ")).singleElement().asString()
                .contains("127.1.9.1:/vol1", "backup-volfile-servers=127.1.9.2:127.1.9.3", "noatime",
                        "log-file=" + dir.resolve("logs/vol1.log"));
        assertThat(mounter.count("bind ")).isEqualTo(2);
        assertThat(mounter.mounts().at(readOnly).orElseThrow().readOnly()).isTrue();
        for (int i = 0; i < 2; i++) {
            node.nodeUnpublishVolume(NodeUnpublishVolumeRequest.newBuilder().setVolumeId("vol1")
                    .setTargetPath(target.toString()).build());
            node.nodeUnpublishVolume(NodeUnpublishVolumeRequest.newBuilder().setVolumeId("vol1")
                    .setTargetPath(readOnly.toString()).build());
        }
        for (int i = 0; i < 2; i++) {
            node.nodeUnstageVolume(NodeUnstageVolumeRequest.newBuilder().setVolumeId("vol1")
                    .setStagingTargetPath(staging.toString()).build());
        }
        assertThat(mounter.mounts().all()).isEmpty();
        assertThat(target).doesNotExist();
        assertThat(readOnly).doesNotExist();
        assertThat(staging).doesNotExist();
    }

    @Test
    void aReaderOnlyAccessModePublishesReadOnly() {
        node.nodeStageVolume(stage());
        node.nodePublishVolume(publish(target, false).toBuilder().setVolumeCapability(capability(c -> c
                .setAccessMode(VolumeCapability.AccessMode.newBuilder()
                        .setMode(VolumeCapability.AccessMode.Mode.MULTI_NODE_READER_ONLY)))).build());
        assertThat(mounter.mounts().at(target).orElseThrow().readOnly()).isTrue();
    }

    @Test
    void stagingAnotherVolumeAtTheSamePathIsAlreadyExists() {
        node.nodeStageVolume(stage());
        assertCode(() -> node.nodeStageVolume(stage().toBuilder().setVolumeId("vol2")
                .putVolumeContext("glusterVolume", "vol2").build()), Status.Code.ALREADY_EXISTS);
    }

    @Test
    void publishingInAnIncompatibleModeIsAlreadyExists() {
        node.nodeStageVolume(stage());
        node.nodePublishVolume(publish(target, false));
        assertCode(() -> node.nodePublishVolume(publish(target, true)), Status.Code.ALREADY_EXISTS);
    }

    @Test
    void publishingWhatIsNotStagedIsFailedPrecondition() {
        assertCode(() -> node.nodePublishVolume(publish(target, false)), Status.Code.FAILED_PRECONDITION);
    }

    @Test
    void unstagingWhilePublishedAndUnpublishingABusyTargetAreFailedPrecondition() {
        node.nodeStageVolume(stage());
        node.nodePublishVolume(publish(target, false));
        assertCode(() -> node.nodeUnstageVolume(NodeUnstageVolumeRequest.newBuilder().setVolumeId("vol1")
                .setStagingTargetPath(staging.toString()).build()), Status.Code.FAILED_PRECONDITION);
        mounter.makeBusy(target);
        assertCode(() -> node.nodeUnpublishVolume(NodeUnpublishVolumeRequest.newBuilder().setVolumeId("vol1")
                .setTargetPath(target.toString()).build()), Status.Code.FAILED_PRECONDITION);
        assertThat(mounter.mounts().at(target)).isPresent();
    }

    @Test
    void aMountThatFailsIsInternalAndATimeoutIsDeadlineExceeded() {
        mounter.failNextGlusterMount(new MountException(
                MountException.Reason.FAILED, "Mount failed"));
        assertCode(() -> node.nodeStageVolume(stage()), Status.Code.INTERNAL);
        mounter.failNextGlusterMount(new MountException(
                MountException.Reason.TIMEOUT, "too slow"));
        assertCode(() -> node.nodeStageVolume(stage()), Status.Code.DEADLINE_EXCEEDED);
    }

    @Test
    void everyVolumeCallIsAbortedWhileAnotherHoldsTheVolume() {
        node.nodeStageVolume(stage());
        int before = mounter.calls().size();
        try (VolumeLocks.Held held = locks.tryAcquire("vol1")) {
            assertThat(held).isNotNull();
            assertCode(() -> node.nodeStageVolume(stage()), Status.Code.ABORTED);
            assertCode(() -> node.nodePublishVolume(publish(target, false)), Status.Code.ABORTED);
            assertCode(() -> node.nodeUnpublishVolume(NodeUnpublishVolumeRequest.newBuilder().setVolumeId("vol1")
                    .setTargetPath(target.toString()).build()), Status.Code.ABORTED);
            assertCode(() -> node.nodeUnstageVolume(NodeUnstageVolumeRequest.newBuilder().setVolumeId("vol1")
                    .setStagingTargetPath(staging.toString()).build()), Status.Code.ABORTED);
            assertCode(() -> node.nodeGetVolumeStats(NodeGetVolumeStatsRequest.newBuilder().setVolumeId("vol1")
                    .setVolumePath(staging.toString()).build()), Status.Code.ABORTED);
        }
        assertThat(mounter.calls()).hasSize(before);
        node.nodePublishVolume(publish(target, false));
    }

    @Test
    @SuppressWarnings("deprecation")
    void statsReportBytesAndInodesAndTheCondition() {
        node.nodeStageVolume(stage());
        node.nodePublishVolume(publish(target, false));

        NodeGetVolumeStatsResponse stats = node.nodeGetVolumeStats(NodeGetVolumeStatsRequest.newBuilder()
                .setVolumeId("vol1").setVolumePath(target.toString()).build());

        assertThat(stats.getUsageList()).containsExactly(
                VolumeUsage.newBuilder().setUnit(VolumeUsage.Unit.BYTES).setTotal(256L << 20).setAvailable(200L << 20)
                        .setUsed(56L << 20).build(),
                VolumeUsage.newBuilder().setUnit(VolumeUsage.Unit.INODES).setTotal(1000).setAvailable(900).setUsed(100)
                        .build());
        assertThat(stats.getVolumeCondition().getAbnormal()).isFalse();

        mounter.killClientAt(staging);
        NodeGetVolumeStatsResponse dead = node.nodeGetVolumeStats(NodeGetVolumeStatsRequest.newBuilder()
                .setVolumeId("vol1").setVolumePath(target.toString()).build());
        assertThat(dead.getVolumeCondition().getAbnormal()).isTrue();
        assertThat(dead.getVolumeCondition().getMessage()).contains("Transport endpoint is not connected");
    }

    @Test
    void statsOfAPathThatIsNoMountedVolumeIsNotFound() {
        assertCode(() -> node.nodeGetVolumeStats(NodeGetVolumeStatsRequest.newBuilder().setVolumeId("vol1")
                .setVolumePath(dir.resolve("nothing").toString()).build()), Status.Code.NOT_FOUND);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pathsWhereNothingIsMounted")
    void statsOfARelativePathOrOneOutsideTheKubeletDirectoryIsNotFound(String path) {
        assertCode(() -> node.nodeGetVolumeStats(NodeGetVolumeStatsRequest.newBuilder().setVolumeId("vol1")
                .setVolumePath(path).build()), Status.Code.NOT_FOUND);
        assertThat(mounter.calls()).isEmpty();
    }

    static Stream<String> pathsWhereNothingIsMounted() {
        return Stream.of("some/path", "here", "./x", "/etc", "/usr/local/x", KUBELET + "/../etc", "/");
    }

    @Test
    void aTargetReachedThroughALinkLeadingOutIsRefusedAndNothingIsMountedOrCreated() throws Exception {
        node.nodeStageVolume(stage());
        Path outside = Files.createTempDirectory(Path.of("/var/tmp"), "outside-kubelet-");
        try {
            Path link = Files.createSymbolicLink(Files.createDirectories(dir.resolve("pods")).resolve("p1-link"),
                    outside);
            Path throughLink = link.resolve("volumes/pv1/mount");
            int before = mounter.calls().size();

            assertThatThrownBy(() -> node.nodePublishVolume(publish(throughLink, false)))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                        assertThat(e.getStatus().getDescription()).contains("resolves to " + outside);
                    });
            assertThatThrownBy(() -> node.nodePublishVolume(publish(link, false)))
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
            assertThat(mounter.calls()).hasSize(before);
            try (Stream<Path> created = Files.list(outside)) {
                assertThat(created.toList()).as("nothing created outside the kubelet directory").isEmpty();
            }
        } finally {
            Files.deleteIfExists(outside);
        }
    }

    @Test
    void nothingIsCreatedForATargetOutsideTheKubeletDirectory() {
        Path target = Path.of("/usr/local/gluster-csi-test-" + ProcessHandle.current().pid() + "/x");
        node.nodeStageVolume(stage());

        assertCode(() -> node.nodePublishVolume(publish(target, false)), Status.Code.INVALID_ARGUMENT);

        assertThat(target.getParent()).doesNotExist();
        assertThat(mounter.count("bind ")).isZero();
    }

    @Test
    void advertisesStageStatsAndConditionAndItsNodeId() {
        assertThat(node.nodeGetCapabilities(NodeGetCapabilitiesRequest.getDefaultInstance()).getCapabilitiesList())
                .extracting(c -> c.getRpc().getType())
                .containsExactlyInAnyOrder(NodeServiceCapability.RPC.Type.STAGE_UNSTAGE_VOLUME,
                        NodeServiceCapability.RPC.Type.GET_VOLUME_STATS,
                                NodeServiceCapability.RPC.Type.VOLUME_CONDITION);
        assertThat(node.nodeGetInfo(NodeGetInfoRequest.getDefaultInstance()).getNodeId()).isEqualTo("node-7");
    }

    private static void assertCode(Runnable call, Status.Code code) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(code));
    }
}
