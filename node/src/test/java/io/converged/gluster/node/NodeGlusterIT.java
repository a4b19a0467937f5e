package io.converged.gluster.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.converged.gluster.csi.exec.CommandResult;
import io.converged.gluster.csi.runtime.Endpoint;
import io.converged.gluster.csi.runtime.RpcInterceptor;
import io.converged.gluster.csi.runtime.ServerLauncher;
import io.converged.gluster.csi.runtime.UnixChannel;
import io.converged.gluster.csi.runtime.UnixSocketServer;
import io.converged.gluster.csi.testing.GlusterPoolExtension;
import io.converged.gluster.csi.testing.JarProcess;
import io.converged.gluster.csi.testing.LocalGlusterPool;
import io.converged.gluster.csi.v1.NodeGetInfoRequest;
import io.converged.gluster.csi.v1.NodeGetVolumeStatsRequest;
import io.converged.gluster.csi.v1.NodeGetVolumeStatsResponse;
import io.converged.gluster.csi.v1.NodeGrpc;
import io.converged.gluster.csi.v1.NodePublishVolumeRequest;
import io.converged.gluster.csi.v1.NodeStageVolumeRequest;
import io.converged.gluster.csi.v1.NodeUnpublishVolumeRequest;
import io.converged.gluster.csi.v1.NodeUnstageVolumeRequest;
import io.converged.gluster.csi.v1.VolumeCapability;
import io.converged.gluster.csi.v1.VolumeUsage;
import io.converged.gluster.node.mount.MountPoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node server over its real unix socket against a real 3-peer gluster pool and real FUSE
 * mounts: the whole stage/publish cycle, healing of killed FUSE clients (by the next call and by a
 * restarted server), and mounting while peer 1 is down. Latencies are printed, never asserted.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NodeGlusterIT {
    @RegisterExtension
    static final GlusterPoolExtension POOL = GlusterPoolExtension.formed(3);

    private static final String VOLUME = "nodeit";
    private static final long QUOTA = 256L << 20;
    private static final String SERVERS = "127.1.9.1,127.1.9.2,127.1.9.3";
    private static final VolumeCapability RWX = VolumeCapability.newBuilder()
            .setMount(VolumeCapability.MountVolume.newBuilder().addMountFlags("noatime"))
            .setAccessMode(VolumeCapability.AccessMode.newBuilder()
                    .setMode(VolumeCapability.AccessMode.Mode.MULTI_NODE_MULTI_WRITER))
            .build();
    private static final String NOT_CONNECTED = "Transport endpoint is not connected";

    @TempDir
    Path dir;

    private UnixSocketServer server;
    private UnixChannel channel;
    private NodeGrpc.NodeBlockingStub node;
    private Path staging;
    private Path target1;
    private Path target2;

    @BeforeAll
    static void createVolume() throws IOException {
        LocalGlusterPool pool = POOL.pool();
        List<String> create = new ArrayList<>(List.of("volume", "create", VOLUME, "replica", "3"));
        for (LocalGlusterPool.Peer peer : pool.peers()) {
            Path brick = brick(peer);
            Files.createDirectories(brick.getParent());
            create.add(peer.address() + ":" + brick);
        }
        create.add("force");
        gluster(create.toArray(String[]::new));
        gluster("volume", "start", VOLUME);
        gluster("volume", "quota", VOLUME, "enable");
        gluster("volume", "quota", VOLUME, "limit-usage", "/", "256MB");
    }

    private static Path brick(LocalGlusterPool.Peer peer) {
        return peer.local("/mnt/brick1/" + VOLUME + "/brick");
    }

    private static void gluster(String... args) throws IOException {
        CommandResult result = POOL.pool().gluster(1, args);
        if (!result.succeeded()) {
            throw new IOException("gluster " + String.join(" ", args) + " failed: " + result.message());
        }
    }

    @BeforeEach
    void startNodeServer() throws Exception {
        POOL.pool().watchMountsUnder(dir);
        Path socket = dir.resolve("csi.sock");
        NodeMain command = new NodeMain();
        ServerLauncher.commandLine(command).parseArgs("--endpoint", "unix://" + socket,
                "--state-dir", dir.resolve("state").toString(), "--client-log-dir", dir.resolve("logs").toString(),
                "--node-id", "it-node", "--mount-timeout", "30", "--kubelet-dir", dir.toString());
        ServerLauncher.Assembly assembly = command.assemble();
        server = UnixSocketServer.start(new Endpoint(socket), assembly.services(), new RpcInterceptor(null));
        assembly.started();
        channel = UnixChannel.open(new Endpoint(socket));
        node = NodeGrpc.newBlockingStub(channel.channel());
        staging = Files.createDirectories(dir.resolve("plugins/pv-1/globalmount"));
        target1 = dir.resolve("pods/writer/volumes/pv-1/mount");
        target2 = dir.resolve("pods/reader/volumes/pv-1/mount");
    }

    @AfterEach
    void stopAndUnmountEverything() throws Exception {
        try {
            if (channel != null) {
                channel.close();
            }
            if (server != null) {
                server.close();
            }
        } finally {
            LocalMounts.unmountAllUnder(dir);
        }
        assertThat(LocalMounts.under(dir)).as("mounts left under the test directory").isEmpty();
    }

    // ------------------------------------------------------------------ requests

    private NodeStageVolumeRequest stageRequest(Path at) {
        return NodeStageVolumeRequest.newBuilder().setVolumeId(VOLUME).setStagingTargetPath(at.toString())
                .setVolumeCapability(RWX)
                .putAllVolumeContext(Map.of("glusterVolume", VOLUME, "servers", SERVERS, "replica", "3",
                        "quotaBytes", Long.toString(QUOTA)))
                .build();
    }

    private NodePublishVolumeRequest publishRequest(Path from, Path to, boolean readOnly) {
        return NodePublishVolumeRequest.newBuilder().setVolumeId(VOLUME).setStagingTargetPath(from.toString())
                .setTargetPath(to.toString()).setVolumeCapability(RWX).setReadonly(readOnly).build();
    }

    private static NodeUnpublishVolumeRequest unpublishRequest(Path target) {
        return NodeUnpublishVolumeRequest.newBuilder().setVolumeId(VOLUME).setTargetPath(target.toString()).build();
    }

    private static NodeUnstageVolumeRequest unstageRequest(Path at) {
        return NodeUnstageVolumeRequest.newBuilder().setVolumeId(VOLUME).setStagingTargetPath(at.toString()).build();
    }

    private static NodeGetVolumeStatsResponse stats(NodeGrpc.NodeBlockingStub stub, Path path) {
        return stub.nodeGetVolumeStats(NodeGetVolumeStatsRequest.newBuilder().setVolumeId(VOLUME)
                .setVolumePath(path.toString()).build());
    }

    private static VolumeUsage usage(NodeGetVolumeStatsResponse response, VolumeUsage.Unit unit) {
        return response.getUsageList().stream().filter(u -> u.getUnit() == unit).findFirst().orElseThrow();
    }

    private void stageAndPublishBoth() {
        node.nodeStageVolume(stageRequest(staging));
        node.nodePublishVolume(publishRequest(staging, target1, false));
        node.nodePublishVolume(publishRequest(staging, target2, true));
    }

    private void unpublishAndUnstage(NodeGrpc.NodeBlockingStub stub) {
        stub.nodeUnpublishVolume(unpublishRequest(target1));
        stub.nodeUnpublishVolume(unpublishRequest(target2));
        stub.nodeUnstageVolume(unstageRequest(staging));
    }

    private void assertNothingLeft() throws IOException {
        assertThat(LocalMounts.under(dir)).isEmpty();
        assertThat(target1).doesNotExist();
        assertThat(target2).doesNotExist();
        assertThat(staging).doesNotExist();
        assertThat(dir.resolve("plugins/pv-1/globalmount.glusterfs-csi.properties")).doesNotExist();
    }

    // ------------------------------------------------------------------ tests

    @Test
    @Order(1)
    @SuppressWarnings("deprecation")
    void stagePublishWriteReadAndCleanUpAllIdempotently() throws Exception {
        assertThat(node.nodeGetInfo(NodeGetInfoRequest.getDefaultInstance()).getNodeId()).isEqualTo("it-node");
        for (int i = 0; i < 2; i++) {
            stageAndPublishBoth();
        }

        MountPoint stagedMount = LocalMounts.at(staging).orElseThrow();
        assertThat(stagedMount.fsType()).isEqualTo("fuse.glusterfs");
        assertThat(stagedMount.source()).isEqualTo("127.1.9.1:/" + VOLUME);
        assertThat(LocalMounts.under(dir)).hasSize(3);
        assertThat(LocalMounts.at(target1).orElseThrow().sameFilesystemAs(stagedMount)).isTrue();
        assertThat(LocalMounts.at(target1).orElseThrow().readOnly()).isFalse();
        assertThat(LocalMounts.at(target2).orElseThrow().readOnly()).isTrue();
        assertThat(fuseClientArgv(staging)).containsOnlyOnce("--volfile-server=127.1.9.1")
                .contains("--volfile-server=127.1.9.2", "--volfile-server=127.1.9.3");
        assertThat(Files.size(dir.resolve("logs/" + VOLUME + ".log"))).isPositive();

        Files.writeString(target1.resolve("hello.txt"), "written through the writer's target\n");
        assertThat(Files.readString(target2.resolve("hello.txt"))).isEqualTo("written through the writer's target\n");
        assertThatThrownBy(() -> Files.writeString(target2.resolve("nope.txt"), "x"))
                .isInstanceOf(IOException.class).hasMessageContaining("Read-only file system");
        for (LocalGlusterPool.Peer peer : POOL.pool().peers()) {
            assertThat(brick(peer).resolve("hello.txt")).as("brick of peer %d", peer.index())
                    .hasContent("written through the writer's target");
        }

        awaitTrue(() -> usage(stats(node, target1), VolumeUsage.Unit.BYTES).getTotal() == QUOTA, Duration
                .ofSeconds(20));
        NodeGetVolumeStatsResponse stats = stats(node, target2);
        assertThat(usage(stats, VolumeUsage.Unit.BYTES).getTotal()).isEqualTo(QUOTA);
        assertThat(usage(stats, VolumeUsage.Unit.BYTES).getAvailable()).isPositive().isLessThanOrEqualTo(QUOTA);
        assertThat(usage(stats, VolumeUsage.Unit.INODES).getTotal()).isPositive();
        assertThat(stats.getVolumeCondition().getAbnormal()).isFalse();
        assertThat(stats(node, staging).getVolumeCondition().getAbnormal()).isFalse();

        for (int i = 0; i < 2; i++) {
            unpublishAndUnstage(node);
        }
        assertNothingLeft();
        try (var registry = Files.list(dir.resolve("state"))) {
            assertThat(registry.toList()).isEmpty();
        }
        assertThatThrownBy(() -> stats(node, target1)).hasMessageContaining("NOT_FOUND");
    }

    @Test
    @Order(2)
    void measureStageAndPublishAgainstARawMount() throws Exception {
        int runs = 5;
        List<Double> stage = new ArrayList<>();
        List<Double> publish = new ArrayList<>();
        List<Double> raw = new ArrayList<>();
        Path rawMount = Files.createDirectories(dir.resolve("raw"));
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            CommandResult mounted = LocalMounts.run(List.of("mount", "-t", "glusterfs", "-o",
                    "log-file=" + dir.resolve("logs/raw.log") + ",backup-volfile-servers=127.1.9.2:127.1.9.3",
                    "127.1.9.1:/" + VOLUME, rawMount.toString()));
            raw.add(millisSince(start));
            assertThat(mounted.succeeded()).as(mounted.message()).isTrue();
            assertThat(LocalMounts.run(List.of("umount", "--no-canonicalize", rawMount.toString())).succeeded())
                    .isTrue();

            start = System.nanoTime();
            node.nodeStageVolume(stageRequest(staging));
            stage.add(millisSince(start));
            start = System.nanoTime();
            node.nodePublishVolume(publishRequest(staging, target1, false));
            publish.add(millisSince(start));
            assertThat(Files.isDirectory(target1.resolve("."))).isTrue();
            node.nodeUnpublishVolume(unpublishRequest(target1));
            node.nodeUnstageVolume(unstageRequest(staging));
            Files.createDirectories(staging);
        }
        System.out.printf("node latency over %d runs: NodeStageVolume median %.1f ms %s; NodePublishVolume median"
                + " %.1f ms %s; raw mount -t glusterfs median %.1f ms %s%n", runs, median(stage), stage,
                median(publish), publish, median(raw), raw);
        assertThat(LocalMounts.under(dir)).isEmpty();
    }

    @Test
    @Order(3)
    @SuppressWarnings("deprecation")
    void aKilledFuseClientTurnsStatsAbnormalAndTheNextCallsHealIt() throws Exception {
        stageAndPublishBoth();
        Files.writeString(target1.resolve("before-kill.txt"), "survives\n");
        long firstClient = LocalMounts.fuseClientOf(staging).orElseThrow();

        LocalMounts.killFuseClient(staging);
        assertThat(LocalMounts.statfsError(target1)).contains(NOT_CONNECTED);

        NodeGetVolumeStatsResponse sick = stats(node, target1);
        assertThat(sick.getVolumeCondition().getAbnormal()).isTrue();
        assertThat(sick.getVolumeCondition().getMessage()).contains(NOT_CONNECTED);
        System.out.println("stats after killing the FUSE client: " + sick.getVolumeCondition().getMessage());

        // Healed on the node, but a pod that had the target mounted still holds the dead connection.
        NodeGetVolumeStatsResponse next = stats(node, target2);
        assertThat(next.getVolumeCondition().getAbnormal()).isTrue();
        assertThat(next.getVolumeCondition().getMessage()).contains("until it is restarted");
        assertThat(usage(next, VolumeUsage.Unit.BYTES).getTotal()).isEqualTo(QUOTA);
        assertThat(stats(node, staging).getVolumeCondition().getAbnormal()).isFalse();
        assertHealed(firstClient);

        long secondClient = LocalMounts.fuseClientOf(staging).orElseThrow();
        LocalMounts.killFuseClient(staging);
        assertThat(LocalMounts.statfsError(target2)).contains(NOT_CONNECTED);
        long start = System.nanoTime();
        node.nodePublishVolume(publishRequest(staging, target1, false));
        System.out.printf("a repeated NodePublishVolume healed the killed FUSE client in %.1f ms%n",
                millisSince(start));
        assertHealed(secondClient);

        unpublishAndUnstage(node);
        assertNothingLeft();
    }

    private void assertHealed(long deadClient) throws Exception {
        assertThat(LocalMounts.fuseClientOf(staging)).isPresent().get().isNotEqualTo(deadClient);
        assertThat(LocalMounts.statfsError(staging)).isEmpty();
        assertThat(Files.readString(target2.resolve("before-kill.txt"))).isEqualTo("survives\n");
        assertThat(LocalMounts.at(target2).orElseThrow().readOnly()).isTrue();
        Files.writeString(target1.resolve("after-heal-" + deadClient + ".txt"), "ok");
        assertThat(target2.resolve("after-heal-" + deadClient + ".txt")).hasContent("ok");
        assertThat(LocalMounts.under(dir)).hasSize(3);
    }

    @Test
    @Order(4)
    void aBusyTargetIsReportedAndStaysMountedUntilItsUserLeaves() throws Exception {
        stageAndPublishBoth();
        Process user = new ProcessBuilder("sleep", "120").directory(target1.toFile()).start();
        try {
            assertThatThrownBy(() -> node.nodeUnpublishVolume(unpublishRequest(target1)))
                    .hasMessageContaining("FAILED_PRECONDITION").hasMessageContaining("busy");
            assertThat(LocalMounts.at(target1)).isPresent();
            assertThat(LocalMounts.statfsError(target1)).isEmpty();
        } finally {
            user.destroyForcibly().waitFor();
        }
        unpublishAndUnstage(node);
        assertNothingLeft();
    }

    @Test
    @Order(5)
    void aRestartedNodeServerHealsEveryStagedVolumeWithoutKubelet() throws Exception {
        Path socket = dir.resolve("jar.sock");
        String[] flags = {"--endpoint", "unix://" + socket, "--state-dir", dir.resolve("jar-state").toString(),
            "--client-log-dir", dir.resolve("jar-logs").toString(), "--node-id", "it-node", "--kubelet-dir",
            dir.toString()};
        try (JarProcess first = JarProcess.start(JarProcess.jar("gluster-csi-node.jar"), dir.resolve("first.log"),
                flags)) {
            first.awaitSocket(socket, Duration.ofSeconds(30));
            try (UnixChannel client = UnixChannel.open(new Endpoint(socket))) {
                NodeGrpc.NodeBlockingStub jar = NodeGrpc.newBlockingStub(client.channel());
                jar.nodeStageVolume(stageRequest(staging));
                jar.nodePublishVolume(publishRequest(staging, target1, false));
                jar.nodePublishVolume(publishRequest(staging, target2, true));
            }
            Files.writeString(target1.resolve("before-restart.txt"), "kept\n");
            // SIGKILL, as an OOM kill or a node crash of the plugin would: no shutdown code runs.
            assertThat(first.kill(Duration.ofSeconds(30))).isEqualTo(137);
        }
        LocalMounts.killFuseClient(staging);
        assertThat(LocalMounts.statfsError(staging)).contains(NOT_CONNECTED);

        try (JarProcess second = JarProcess.start(JarProcess.jar("gluster-csi-node.jar"), dir.resolve("second.log"),
                flags)) {
            long start = System.nanoTime();
            awaitTrue(() -> healthy(staging) && healthy(target1) && healthy(target2), Duration.ofSeconds(60));
            System.out.printf("restarted node server healed the staged volume %.0f ms after its start, no CSI call%n",
                    millisSince(start));
            assertThat(Files.readString(target2.resolve("before-restart.txt"))).isEqualTo("kept\n");
            assertThat(LocalMounts.at(target2).orElseThrow().readOnly()).isTrue();
            assertThat(LocalMounts.under(dir)).hasSize(3);
            assertThat(second.output()).contains("healed volume " + VOLUME + " at start");
            second.awaitSocket(socket, Duration.ofSeconds(30));
            try (UnixChannel client = UnixChannel.open(new Endpoint(socket))) {
                unpublishAndUnstage(NodeGrpc.newBlockingStub(client.channel()));
            }
            assertNothingLeft();
            assertThat(second.terminate(Duration.ofSeconds(30))).isIn(0, 143);
        }
    }

    private static boolean healthy(Path mountPoint) {
        try {
            return LocalMounts.at(mountPoint).isPresent() && LocalMounts.statfsError(mountPoint).isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    @Order(6)
    void withPeer1DownANewMountGoesThroughTheBackupServers() throws Exception {
        LocalGlusterPool pool = POOL.pool();
        pool.killPeer(1);
        try {
            long start = System.nanoTime();
            node.nodeStageVolume(stageRequest(staging));
            double stageMillis = millisSince(start);
            node.nodePublishVolume(publishRequest(staging, target1, false));
            Path rawMount = Files.createDirectories(dir.resolve("raw"));
            start = System.nanoTime();
            CommandResult raw = LocalMounts.run(List.of("mount", "-t", "glusterfs", "-o",
                    "log-file=" + dir.resolve("logs/raw.log") + ",backup-volfile-servers=127.1.9.2:127.1.9.3",
                    "127.1.9.1:/" + VOLUME, rawMount.toString()));
            double rawMillis = millisSince(start);
            assertThat(raw.succeeded()).as(raw.message()).isTrue();
            assertThat(LocalMounts.run(List.of("umount", "--no-canonicalize", rawMount.toString())).succeeded())
                    .isTrue();
            System.out.printf("with peer 1 (the primary volfile server) down: NodeStageVolume %.1f ms, raw mount -t"
                    + " glusterfs %.1f ms%n", stageMillis, rawMillis);

            assertThat(LocalMounts.at(staging).orElseThrow().source()).isEqualTo("127.1.9.1:/" + VOLUME);
            Files.writeString(target1.resolve("peer1-down.txt"), "through the backups\n");
            assertThat(Files.readString(staging.resolve("peer1-down.txt"))).isEqualTo("through the backups\n");
            assertThat(pool.peer(2).local("/mnt/brick1/" + VOLUME + "/brick/peer1-down.txt"))
                    .hasContent("through the backups");

            node.nodeUnpublishVolume(unpublishRequest(target1));
            node.nodeUnstageVolume(unstageRequest(staging));
            assertThat(LocalMounts.under(dir)).isEmpty();
        } finally {
            LocalMounts.unmountAllUnder(dir);
            pool.startGlusterd(1);
            pool.awaitConnected();
        }
    }

    // ------------------------------------------------------------------ helpers

    private static List<String> fuseClientArgv(Path mountPoint) throws IOException {
        long pid = LocalMounts.fuseClientOf(mountPoint).orElseThrow();
        return List.of(Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).split("\u0000"));
    }

    private static double millisSince(long start) {
        return (System.nanoTime() - start) / 1e6;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static void awaitTrue(BooleanSupplier condition, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + limit);
            }
            Thread.sleep(100);
        }
    }
}
