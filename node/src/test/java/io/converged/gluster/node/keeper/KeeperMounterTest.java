package io.converged.gluster.node.keeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.converged.gluster.csi.runtime.VolumeLocks;
import io.converged.gluster.csi.testing.GrpcCleanup;
import io.converged.gluster.node.mount.FakeMounter;
import io.converged.gluster.node.mount.GlusterMount;
import io.converged.gluster.node.mount.KubeletDir;
import io.converged.gluster.node.mount.MountException;
import io.converged.gluster.node.mount.MountOptions;
import io.converged.gluster.node.mount.StageRecords;
import io.converged.gluster.node.mount.VolumeMounts;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node plugin's side of the keeper: FUSE mounts and their unmounts go to the keeper (its own
 * fake mounter here), everything else stays in the plugin, and the keeper's codes come back as the
 * mount failures of the same codes.
 */
class KeeperMounterTest {
    @RegisterExtension
    final GrpcCleanup grpc = new GrpcCleanup();

    @TempDir
    Path dir;

    private FakeMounter plugin;
    private FakeMounter kept;
    private VolumeLocks keeperLocks;
    private Server server;
    private KeeperMounter mounter;
    private Path kubelet;
    private Path staging;
    private GlusterMount vol1;

    @BeforeEach
    void setUp() throws Exception {
        plugin = new FakeMounter();
        kept = new FakeMounter();
        keeperLocks = new VolumeLocks();
        kubelet = Files.createDirectories(dir.resolve("kubelet"));
        staging = Files.createDirectories(kubelet.resolve("plugins/pv1/globalmount"));
        Path logs = dir.resolve("logs");
        String name = InProcessServerBuilder.generateName();
        server = grpc.register(InProcessServerBuilder.forName(name).directExecutor()
                .addService(new KeeperService(new KeptMounts(kept), new KubeletDir(kubelet), logs, keeperLocks))
                .build().start());
        ManagedChannel channel = grpc.register(InProcessChannelBuilder.forName(name).directExecutor().build());
        mounter = new KeeperMounter(plugin, channel, "unix:///test/keeper.sock", Duration.ofSeconds(10));
        vol1 = GlusterMount.of("vol1", List.of("127.1.9.1", "127.1.9.2"), MountOptions.parse(List.of("noatime")),
                logs.resolve("vol1.log"));
    }

    @Test
    void theFuseMountAndItsUnmountAreTheKeepersAndEverythingElseStaysInThePlugin() throws Exception {
        Path target = Files.createDirectories(kubelet.resolve("pods/p1/mount"));

        mounter.mountGluster(vol1, staging);
        mounter.bind(staging, target, true);
        mounter.probe(target);
        mounter.statfs(target);
        mounter.mounts();
        mounter.unmount(target);
        mounter.unmountGluster(staging);

        assertThat(kept.calls()).containsExactly("gluster " + staging + " 127.1.9.1:/vol1 log-file="
                + dir.resolve("logs/vol1.log") + ",backup-volfile-servers=127.1.9.2,noatime", "umount " + staging);
        assertThat(plugin.calls()).containsExactly("bind " + staging + " " + target + " ro", "umount " + target);
    }

    @Test
    void theKeepersCodesComeBackAsTheSameReasons() throws Exception {
        assertReason(() -> mounter.mountGluster(vol1, Path.of("/etc")), MountException.Reason.INVALID,
                "kubelet directory");
        assertReason(() -> mounter.mountGluster(vol1, kubelet.resolve("plugins/missing")),
                MountException.Reason.NOT_FOUND, "missing");
        kept.mountForeign(staging, "tmpfs", "tmpfs");
        assertReason(() -> mounter.mountGluster(vol1, staging), MountException.Reason.CONFLICT, "tmpfs");
        kept.unmount(staging);
        kept.failNextGlusterMount(new MountException(MountException.Reason.FAILED, "Mount failed. Check the log"));
        assertReason(() -> mounter.mountGluster(vol1, staging), MountException.Reason.FAILED, "Mount failed");
        kept.failNextGlusterMount(new MountException(MountException.Reason.TIMEOUT, "mount did not finish"));
        assertReason(() -> mounter.mountGluster(vol1, staging), MountException.Reason.TIMEOUT, "did not finish");
        try (VolumeLocks.Held held = keeperLocks.tryAcquire(staging.toString())) {
            assertReason(() -> mounter.mountGluster(vol1, staging), MountException.Reason.UNAVAILABLE,
                    "in progress");
        }
        mounter.mountGluster(vol1, staging);
        kept.makeBusy(staging);
        assertReason(() -> mounter.unmountGluster(staging), MountException.Reason.IN_USE, "busy");
        assertThat(plugin.calls()).as("a busy mount is not unmounted by the plugin instead").isEmpty();
    }

    @Test
    void whenTheKeeperIsDownMountsAreUnavailableAndUnmountsAreDoneInThePlugin() throws Exception {
        server.shutdownNow().awaitTermination();

        assertReason(() -> mounter.mountGluster(vol1, staging), MountException.Reason.UNAVAILABLE,
                "the mount keeper at unix:///test/keeper.sock cannot be reached");
        mounter.unmountGluster(staging);

        assertThat(plugin.calls()).containsExactly("umount " + staging);
        assertThat(kept.calls()).isEmpty();
    }

    @Test
    void aWholeStageAndUnstageGoThroughTheKeeperOnceEach() throws Exception {
        VolumeMounts volumes = new VolumeMounts(new KeeperMounter(kept, mounterChannel(), "unix:///k.sock",
                Duration.ofSeconds(10)), new StageRecords(dir.resolve("state")));

        volumes.stage("vol1", vol1, staging);
        volumes.stage("vol1", vol1, staging);
        volumes.unstage("vol1", staging);

        assertThat(kept.count("gluster ")).isEqualTo(1);
        assertThat(kept.count("umount ")).isEqualTo(1);
        assertThat(kept.mounts().all()).isEmpty();
    }

    /** Another channel to the same keeper, whose mounter is also the plugin's: one mount namespace. */
    private ManagedChannel mounterChannel() throws Exception {
        String name = InProcessServerBuilder.generateName();
        grpc.register(InProcessServerBuilder.forName(name).directExecutor()
                .addService(new KeeperService(new KeptMounts(kept), new KubeletDir(kubelet), dir.resolve("logs"),
                        new VolumeLocks())).build().start());
        return grpc.register(InProcessChannelBuilder.forName(name).directExecutor().build());
    }

    private interface Call {
        void run() throws Exception;
    }

    private static void assertReason(Call call, MountException.Reason reason, String mentions) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(MountException.class, e -> {
            assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
            assertThat(e.getMessage()).contains(mentions);
        });
    }
}
