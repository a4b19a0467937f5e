package io.converged.gluster.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.converged.gluster.csi.runtime.Endpoint;
import io.converged.gluster.csi.runtime.RpcInterceptor;
import io.converged.gluster.csi.runtime.ServerLauncher;
import io.converged.gluster.csi.runtime.UnixChannel;
import io.converged.gluster.csi.runtime.UnixSocketServer;
import io.converged.gluster.csi.testing.GlusterPoolExtension;
import io.converged.gluster.csi.testing.JarProcess;
import io.converged.gluster.csi.testing.LocalGlusterPool;
import io.converged.gluster.csi.v1.CapacityRange;
import io.converged.gluster.csi.v1.ControllerExpandVolumeRequest;
import io.converged.gluster.csi.v1.ControllerGrpc;
import io.converged.gluster.csi.v1.CreateVolumeRequest;
import io.converged.gluster.csi.v1.DeleteVolumeRequest;
import io.converged.gluster.csi.v1.NodeGetVolumeStatsRequest;
import io.converged.gluster.csi.v1.NodeGrpc;
import io.converged.gluster.csi.v1.NodePublishVolumeRequest;
import io.converged.gluster.csi.v1.NodeStageVolumeRequest;
import io.converged.gluster.csi.v1.NodeUnpublishVolumeRequest;
import io.converged.gluster.csi.v1.NodeUnstageVolumeRequest;
import io.converged.gluster.csi.v1.Volume;
import io.converged.gluster.csi.v1.VolumeCapability;
import io.converged.gluster.csi.v1.VolumeUsage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Claims of a shared pool from end to end on a real 3-peer pool: the controller jar makes them, the
 * node server stages each as its directory of the pool and publishes it, and a pod's view is what
 * the tests look at: its own files only, {@code df} showing the claim's size (not the pool's), writes
 * past the size refused with EDQUOT, expansion visible without a remount. How far writes ran past
 * the limit is printed.
 */
class SharedClaimNodeIT {
    @RegisterExtension
    static final GlusterPoolExtension POOL = GlusterPoolExtension.formed(3);

    private static final long MIB = 1024L * 1024;
    private static final String POOL_NAME = "e2e";
    private static final VolumeCapability RWX = VolumeCapability.newBuilder()
            .setMount(VolumeCapability.MountVolume.getDefaultInstance())
            .setAccessMode(VolumeCapability.AccessMode.newBuilder()
                    .setMode(VolumeCapability.AccessMode.Mode.MULTI_NODE_MULTI_WRITER))
            .build();

    @TempDir
    static Path dir;

    private static JarProcess controllerProcess;
    private static UnixChannel controllerChannel;
    private static ControllerGrpc.ControllerBlockingStub controller;
    private static UnixSocketServer nodeServer;
    private static UnixChannel nodeChannel;
    private static NodeGrpc.NodeBlockingStub node;

    @BeforeAll
    static void startControllerAndNode() throws Exception {
        LocalGlusterPool pool = POOL.pool();
        pool.watchMountsUnder(dir);
        for (LocalGlusterPool.Peer peer : pool.peers()) {
            Files.createDirectories(peer.local("/mnt/brick1"));
        }
        Path peers = Files.writeString(dir.resolve("peers"), pool.peersFileText());
        Path controllerSocket = dir.resolve("controller.sock");
        Path jar = Path.of("..", "controller", "target", "gluster-csi-controller.jar").toAbsolutePath().normalize();
        controllerProcess = JarProcess.start(jar, dir.resolve("controller.log"), "--endpoint",
                "unix://" + controllerSocket, "--peers-file", peers.toString(), "--allowed-brick-roots", "/mnt");
        controllerProcess.awaitSocket(controllerSocket, Duration.ofSeconds(30));
        controllerChannel = UnixChannel.open(new Endpoint(controllerSocket));
        controller = ControllerGrpc.newBlockingStub(controllerChannel.channel()).withDeadlineAfter(5, TimeUnit.MINUTES);

        Path nodeSocket = dir.resolve("node.sock");
        NodeMain command = new NodeMain();
        ServerLauncher.commandLine(command).parseArgs("--endpoint", "unix://" + nodeSocket, "--state-dir",
                dir.resolve("state").toString(), "--client-log-dir", dir.resolve("logs").toString(), "--node-id",
                "it-node", "--kubelet-dir", dir.toString());
        ServerLauncher.Assembly assembly = command.assemble();
        nodeServer = UnixSocketServer.start(new Endpoint(nodeSocket), assembly.services(), new RpcInterceptor(null));
        nodeChannel = UnixChannel.open(new Endpoint(nodeSocket));
        node = NodeGrpc.newBlockingStub(nodeChannel.channel()).withDeadlineAfter(5, TimeUnit.MINUTES);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (nodeChannel != null) {
                nodeChannel.close();
                nodeServer.close();
            }
            if (controllerChannel != null) {
                controllerChannel.close();
                controllerProcess.close();
            }
        } finally {
            LocalMounts.unmountAllUnder(dir);
        }
    }

    private static Volume create(String name, long bytes) {
        return controller.createVolume(CreateVolumeRequest.newBuilder().setName(name).addVolumeCapabilities(RWX)
                .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(bytes))
                .putParameters("pool", POOL_NAME).build()).getVolume();
    }

    /** Stages the claim at its own staging path and publishes it to a pod's target; returns the target. */
    private static Path stageAndPublish(Volume volume, String pod) throws IOException {
        Path staging = Files.createDirectories(dir.resolve("plugins/" + pod + "/globalmount"));
        Path target = dir.resolve("pods/" + pod + "/volumes/claim/mount");
        node.nodeStageVolume(NodeStageVolumeRequest.newBuilder().setVolumeId(volume.getVolumeId())
                .setStagingTargetPath(staging.toString()).setVolumeCapability(RWX)
                .putAllVolumeContext(volume.getVolumeContextMap()).build());
        node.nodePublishVolume(NodePublishVolumeRequest.newBuilder().setVolumeId(volume.getVolumeId())
                .setStagingTargetPath(staging.toString()).setTargetPath(target.toString()).setVolumeCapability(RWX)
                .build());
        return target;
    }

    private static void unpublishAndUnstage(Volume volume, String pod) {
        node.nodeUnpublishVolume(NodeUnpublishVolumeRequest.newBuilder().setVolumeId(volume.getVolumeId())
                .setTargetPath(dir.resolve("pods/" + pod + "/volumes/claim/mount").toString()).build());
        node.nodeUnstageVolume(NodeUnstageVolumeRequest.newBuilder().setVolumeId(volume.getVolumeId())
                .setStagingTargetPath(dir.resolve("plugins/" + pod + "/globalmount").toString()).build());
    }

    /** What {@code df} shows: the size of the file system mounted at the path. */
    private static long dfSize(Path path) throws IOException {
        return Files.getFileStore(path).getTotalSpace();
    }

    /** Writes 1 MiB at a time, each flushed, until a write fails; returns the bytes written and the failure. */
    private static long writeUntilRefused(Path file, long most, StringBuilder failure) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate((int) MIB);
        long written = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            while (written < most && System.nanoTime() < deadline) {
                chunk.clear();
                out.write(chunk);
                out.force(false);
                written += MIB;
            }
        } catch (IOException e) {
            failure.append(e.getMessage());
        }
        return written;
    }

    @Test
    void aPodSeesOnlyItsClaimSizedAsTheClaimRefusedPastItAndGrownWithoutARemount() throws Exception {
        Volume first = create("pvc-first", 32 * MIB);
        Volume second = create("pvc-second", 32 * MIB);
        assertThat(first.getVolumeContextMap()).containsEntry("pool", POOL_NAME)
                .containsEntry("directory", "gcs-pvc-first");
        Path a = stageAndPublish(first, "pod-a");
        Path b = stageAndPublish(second, "pod-b");

        // Each pod sees its own directory only; the pool's other claims are out of its reach.
        Files.writeString(a.resolve("a.txt"), "pod a");
        Files.writeString(b.resolve("b.txt"), "pod b");
        try (var seen = Files.list(a)) {
            assertThat(seen.map(p -> p.getFileName().toString()).toList()).containsExactly("a.txt");
        }
        assertThat(Files.readString(b.resolve("b.txt"))).isEqualTo("pod b");
        assertThat(Files.readAttributes(a, "unix:dev").get("dev"))
                .isNotEqualTo(Files.readAttributes(a.getParent(), "unix:dev").get("dev"));

        // df in the pod shows the claim's size, not the pool's.
        assertThat(dfSize(a)).isEqualTo(32 * MIB);
        VolumeUsage bytes = node.nodeGetVolumeStats(NodeGetVolumeStatsRequest.newBuilder()
                .setVolumeId(first.getVolumeId()).setVolumePath(a.toString()).build()).getUsageList().stream()
                .filter(u -> u.getUnit() == VolumeUsage.Unit.BYTES).findFirst().orElseThrow();
        assertThat(bytes.getTotal()).isEqualTo(32 * MIB);

        // Writes past the size are refused with EDQUOT within one write of it (quotaEnforcement strict, the
        // default: gluster's quota timeouts both 0).
        StringBuilder refused = new StringBuilder();
        long written = writeUntilRefused(a.resolve("fill"), 512 * MIB, refused);
        System.out.printf("SharedClaimNodeIT: a 32 MiB claim took %d MiB before a write failed: %s%n",
                written / MIB, refused);
        assertThat(refused.toString()).contains("Disk quota exceeded");
        assertThat(written).as("bytes written into a 32 MiB claim").isBetween(30 * MIB, 33 * MIB);
        Files.delete(a.resolve("fill"));

        // Expansion shows in the pod without a remount.
        controller.controllerExpandVolume(ControllerExpandVolumeRequest.newBuilder().setVolumeId(first.getVolumeId())
                .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(64 * MIB)).build());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (dfSize(a) != 64 * MIB && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(dfSize(a)).isEqualTo(64 * MIB);

        unpublishAndUnstage(first, "pod-a");
        unpublishAndUnstage(second, "pod-b");
        for (Volume volume : List.of(first, second)) {
            controller.deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId(volume.getVolumeId()).build());
        }
        assertThat(LocalMounts.under(dir.resolve("pods"))).isEmpty();
        assertThat(LocalMounts.under(dir.resolve("plugins"))).isEmpty();
    }
}
