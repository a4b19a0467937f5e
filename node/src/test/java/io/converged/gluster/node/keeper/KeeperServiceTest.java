package io.converged.gluster.node.keeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.converged.gluster.csi.keeper.v1.MountKeeperGrpc;
import io.converged.gluster.csi.keeper.v1.MountRequest;
import io.converged.gluster.csi.keeper.v1.UnmountRequest;
import io.converged.gluster.csi.runtime.VolumeLocks;
import io.converged.gluster.csi.testing.GrpcCleanup;
import io.converged.gluster.node.mount.FakeMounter;
import io.converged.gluster.node.mount.KubeletDir;
import io.converged.gluster.node.mount.MountException;
import io.converged.gluster.node.mount.MountPoint;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The mount keeper's service over gRPC with a fake mounter: what it validates, where it mounts, and its codes. */
class KeeperServiceTest {
    @RegisterExtension
    final GrpcCleanup grpc = new GrpcCleanup();

    @TempDir
    Path dir;

    private FakeMounter mounter;
    private VolumeLocks locks;
    private MountKeeperGrpc.MountKeeperBlockingStub keeper;
    private Path kubelet;
    private Path logs;
    private Path staging;

    @BeforeEach
    void setUp() throws Exception {
        mounter = new FakeMounter();
        locks = new VolumeLocks();
        kubelet = Files.createDirectories(dir.resolve("kubelet"));
        logs = dir.resolve("logs");
        staging = Files.createDirectories(kubelet.resolve("plugins/kubernetes.io/csi/glusterfs/pv1/globalmount"));
        KeeperService service = new KeeperService(new KeptMounts(mounter), new KubeletDir(kubelet), logs, locks);
        String name = InProcessServerBuilder.generateName();
        grpc.register(InProcessServerBuilder.forName(name).directExecutor().addService(service).build().start());
        keeper = MountKeeperGrpc.newBlockingStub(grpc.register(InProcessChannelBuilder.forName(name).directExecutor()
                .build()));
    }

    private MountRequest.Builder valid() {
        return MountRequest.newBuilder().setVolume("vol1").addAllServers(List.of("127.1.9.1", "127.1.9.2",
                "127.1.9.3")).addOptions("noatime").setLogFile(logs.resolve("vol1.log").toString())
                .setTargetPath(staging.toString());
    }

    @Test
    void aValidMountIsMadeOnceWithTheDriversOwnOptionsAndItsLogDirectory() {
        keeper.mount(valid().build());
        keeper.mount(valid().build());

        assertThat(mounter.calls()).filteredOn(c -> c.startsWith("gluster ")).singleElement().asString()
                .isEqualTo("gluster " + staging + " 127.1.9.1:/vol1 log-file=" + logs.resolve("vol1.log")
                        + ",backup-volfile-servers=127.1.9.2:127.1.9.3,noatime");
        assertThat(logs).isDirectory();
        assertThat(mounter.mounts().at(staging)).hasValueSatisfying(m -> assertThat(m.isGluster()).isTrue());
    }

    @Test
    void aClaimOfASharedPoolIsMountedAsItsDirectory() {
        keeper.mount(valid().setVolume("pool1").setDirectory("gcs-pvc-1").build());

        assertThat(mounter.mounts().at(staging).orElseThrow().glusterPath()).isEqualTo("pool1/gcs-pvc-1");
    }

    static Stream<Arguments> refusedMounts() {
        return Stream.of(
                refused("a volume name that is a path", b -> b.setVolume("../../etc"), "../../etc"),
                refused("no volume", b -> b.setVolume(""), "volume name"),
                refused("a directory that leaves the volume", b -> b.setDirectory("../other"), "../other"),
                refused("a nested directory", b -> b.setDirectory("a/b"), "a/b"),
                refused("a server with a shell metacharacter", b -> b.clearServers().addServers("h;x"), "h;x"),
                refused("a server that is an option", b -> b.clearServers().addServers("-o"), "-o"),
                refused("no server", b -> b.clearServers(), "no gluster server"),
                refused("the log file as an option", b -> b.addOptions("log-file=/etc/x"), "log-file=/etc/x"),
                refused("raw FUSE options", b -> b.addOptions("fuse-mountopts=allow_other"), "fuse-mountopts"),
                refused("an option smuggling another", b -> b.addOptions("ro -o x"), "ro -o x"),
                refused("a log file outside the log directory", b -> b.setLogFile("/etc/cron.d/x"), "log directory"),
                refused("a log file escaping with '..'", b -> b.setLogFile(b.getLogFile() + "/../../x.log"),
                        "log directory"),
                refused("a relative log file", b -> b.setLogFile("vol1.log"), "log directory"),
                refused("no log file", b -> b.setLogFile(""), "log_file"),
                refused("no target", b -> b.setTargetPath(""), "target_path"),
                refused("a relative target", b -> b.setTargetPath("plugins/x"), "absolute"),
                refused("the node's /etc", b -> b.setTargetPath("/etc"), "kubelet directory"),
                refused("/usr/local/x", b -> b.setTargetPath("/usr/local/x"), "kubelet directory"),
                refused("a target leaving with '..'", b -> b.setTargetPath(b.getTargetPath() + "/../../../../../etc"),
                        "'..'"));
    }

    private static Arguments refused(String name, UnaryOperator<MountRequest.Builder> change, String mentions) {
        return Arguments.of(name, change, mentions);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedMounts")
    void anInvalidMountIsInvalidArgumentAndMountsNothing(String name, UnaryOperator<MountRequest.Builder> change,
            String mentions) {
        assertCode(() -> keeper.mount(change.apply(valid()).build()), Status.Code.INVALID_ARGUMENT, mentions);
        assertThat(mounter.calls()).isEmpty();
        assertThat(logs).doesNotExist();
    }

    @Test
    void aTargetReachedThroughALinkLeadingOutIsInvalidArgument() throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Path link = Files.createSymbolicLink(kubelet.resolve("plugins/escape"), outside);

        assertCode(() -> keeper.mount(valid().setTargetPath(link.resolve("x").toString()).build()),
                Status.Code.INVALID_ARGUMENT, "resolves to");
        assertCode(() -> keeper.unmount(UnmountRequest.newBuilder().setTargetPath(link.toString()).build()),
                Status.Code.INVALID_ARGUMENT, "symbolic link");
        assertThat(mounter.calls()).isEmpty();
    }

    @Test
    void aMissingTargetIsNotFound() {
        assertCode(() -> keeper.mount(valid().setTargetPath(kubelet.resolve("plugins/missing").toString()).build()),
                Status.Code.NOT_FOUND, "plugins/missing");
    }

    @Test
    void aTargetHoldingAnotherMountIsAlreadyExistsAndADeadOneFailedPrecondition() throws Exception {
        mounter.mountForeign(staging, "tmpfs", "tmpfs");
        assertCode(() -> keeper.mount(valid().build()), Status.Code.ALREADY_EXISTS, "tmpfs");
        mounter.unmount(staging);

        keeper.mount(valid().setVolume("vol2").build());
        assertCode(() -> keeper.mount(valid().build()), Status.Code.ALREADY_EXISTS, "vol2");

        mounter.killClientAt(staging);
        assertCode(() -> keeper.mount(valid().setVolume("vol2").build()), Status.Code.FAILED_PRECONDITION, "dead");
    }

    @Test
    void aMountThatFailsIsInternalAndOneThatTimesOutIsDeadlineExceeded() {
        mounter.failNextGlusterMount(new MountException(MountException.Reason.FAILED, "Mount failed. Check the log"));
        assertCode(() -> keeper.mount(valid().build()), Status.Code.INTERNAL, "Mount failed");
        mounter.failNextGlusterMount(new MountException(MountException.Reason.TIMEOUT, "too slow"));
        assertCode(() -> keeper.mount(valid().build()), Status.Code.DEADLINE_EXCEEDED, "too slow");
    }

    @Test
    void aTargetAnotherCallWorksOnIsAborted() throws Exception {
        try (VolumeLocks.Held held = locks.tryAcquire(staging.toRealPath().toString())) {
            assertThat(held).isNotNull();
            assertCode(() -> keeper.mount(valid().build()), Status.Code.ABORTED, "in progress");
            assertCode(() -> keeper.unmount(UnmountRequest.newBuilder().setTargetPath(staging.toString()).build()),
                    Status.Code.ABORTED, "in progress");
        }
        assertThat(mounter.calls()).isEmpty();
    }

    @Test
    void unmountTakesGlusterMountsOnlyAndANotMountedTargetIsFine() {
        UnmountRequest unmount = UnmountRequest.newBuilder().setTargetPath(staging.toString()).build();
        keeper.unmount(unmount);
        assertThat(mounter.calls()).isEmpty();

        keeper.mount(valid().build());
        mounter.makeBusy(staging);
        assertCode(() -> keeper.unmount(unmount), Status.Code.FAILED_PRECONDITION, "busy");
        assertThat(mounter.mounts().at(staging)).isPresent();

        mounter.makeIdle(staging);
        keeper.unmount(unmount);
        assertThat(mounter.mounts().at(staging)).isEmpty();

        mounter.mountForeign(staging, "tmpfs", "tmpfs");
        assertCode(() -> keeper.unmount(unmount), Status.Code.INVALID_ARGUMENT, "only gluster mounts");
        assertThat(mounter.mounts().at(staging)).map(MountPoint::fsType).hasValue("tmpfs");
        assertCode(() -> keeper.unmount(UnmountRequest.newBuilder().setTargetPath("/etc").build()),
                Status.Code.INVALID_ARGUMENT, "kubelet directory");
    }

    private static void assertCode(Runnable call, Status.Code code, String mentions) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(code);
            assertThat(e.getStatus().getDescription()).contains(mentions);
        });
    }
}
