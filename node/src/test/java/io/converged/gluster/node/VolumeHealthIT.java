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
import io.converged.gluster.csi.v1.CapacityRange;
import io.converged.gluster.csi.v1.ControllerGetVolumeRequest;
import io.converged.gluster.csi.v1.ControllerGrpc;
import io.converged.gluster.csi.v1.CreateVolumeRequest;
import io.converged.gluster.csi.v1.DeleteVolumeRequest;
import io.converged.gluster.csi.v1.ListVolumesRequest;
import io.converged.gluster.csi.v1.ListVolumesResponse;
import io.converged.gluster.csi.v1.NodeGetVolumeStatsRequest;
import io.converged.gluster.csi.v1.NodeGrpc;
import io.converged.gluster.csi.v1.NodePublishVolumeRequest;
import io.converged.gluster.csi.v1.NodeStageVolumeRequest;
import io.converged.gluster.csi.v1.NodeUnpublishVolumeRequest;
import io.converged.gluster.csi.v1.NodeUnstageVolumeRequest;
import io.converged.gluster.csi.v1.Volume;
import io.converged.gluster.csi.v1.VolumeCapability;
import io.converged.gluster.csi.v1.VolumeCondition;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gluster's own health, made on purpose on a real 3-peer pool and seen where a user looks: a brick
 * process killed, writes while it is down (a heal backlog) healed to nothing once it is back, a file
 * in split-brain (replica 2, quorum and self-heal off for the test, the file written differently while
 * each brick in turn was down), and a quota limit removed by hand. Each is checked through
 * ControllerGetVolume, ListVolumes, NodeGetVolumeStats where the mount can tell, and the controller's
 * {@code /metrics}. The controller jar runs with a one-second watch and a two-second quota check.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VolumeHealthIT {
    @RegisterExtension
    static final GlusterPoolExtension POOL = GlusterPoolExtension.formed(3);

    private static final long MIB = 1024L * 1024;
    private static final String POOL_NAME = "hp";
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
    private static URI metrics;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static Volume dedicated;
    private static Volume claim;
    private static Path dedicatedTarget;
    private static Path claimTarget;

    @BeforeAll
    static void startControllerAndNode() throws Exception {
        LocalGlusterPool pool = POOL.pool();
        pool.watchMountsUnder(dir);
        for (LocalGlusterPool.Peer peer : pool.peers()) {
            Files.createDirectories(peer.local("/mnt/brick1"));
        }
        Path peers = Files.writeString(dir.resolve("peers"), pool.peersFileText());
        Path controllerSocket = dir.resolve("controller.sock");
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        metrics = URI.create("http://127.0.0.1:" + port + "/metrics");
        Path jar = Path.of("..", "controller", "target", "gluster-csi-controller.jar").toAbsolutePath().normalize();
        controllerProcess = JarProcess.start(jar, dir.resolve("controller.log"), "--endpoint",
                "unix://" + controllerSocket, "--peers-file", peers.toString(), "--allowed-brick-roots", "/mnt",
                "--metrics-address", "127.0.0.1:" + port,
                "--health-interval", "1", "--quota-check-interval", "2");
        controllerProcess.awaitSocket(controllerSocket, Duration.ofSeconds(30));
        controllerChannel = UnixChannel.open(new Endpoint(controllerSocket));
        controller = ControllerGrpc.newBlockingStub(controllerChannel.channel())
                .withDeadlineAfter(10, TimeUnit.MINUTES);

        Path nodeSocket = dir.resolve("node.sock");
        NodeMain command = new NodeMain();
        ServerLauncher.commandLine(command).parseArgs("--endpoint", "unix://" + nodeSocket, "--state-dir",
                dir.resolve("state").toString(), "--client-log-dir", dir.resolve("logs").toString(), "--node-id",
                "it-node", "--kubelet-dir", dir.toString());
        ServerLauncher.Assembly assembly = command.assemble();
        nodeServer = UnixSocketServer.start(new Endpoint(nodeSocket), assembly.services(), new RpcInterceptor(null));
        nodeChannel = UnixChannel.open(new Endpoint(nodeSocket));
        node = NodeGrpc.newBlockingStub(nodeChannel.channel()).withDeadlineAfter(10, TimeUnit.MINUTES);

        dedicated = create("pvc-health", 64 * MIB, Map.of());
        claim = create("pvc-health-claim", 32 * MIB, Map.of("pool", POOL_NAME));
        dedicatedTarget = stageAndPublish(dedicated, "pod-d");
        claimTarget = stageAndPublish(claim, "pod-c");
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (nodeChannel != null) {
                for (String pod : List.of("pod-d", "pod-c")) {
                    Volume volume = pod.equals("pod-d") ? dedicated : claim;
                    if (volume != null) {
                        unpublishAndUnstage(volume, pod);
                    }
                }
                nodeChannel.close();
                nodeServer.close();
            }
            if (controllerChannel != null) {
                for (Volume volume : new Volume[] {dedicated, claim}) {
                    if (volume != null) {
                        controller.deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId(volume.getVolumeId())
                                .build());
                    }
                }
                controllerChannel.close();
                controllerProcess.close();
            }
        } finally {
            LocalMounts.unmountAllUnder(dir);
        }
    }

    // ---------------------------------------------------------------- helpers

    private static Volume create(String name, long bytes, Map<String, String> parameters) {
        return controller.createVolume(CreateVolumeRequest.newBuilder().setName(name).addVolumeCapabilities(RWX)
                .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(bytes)).putAllParameters(parameters)
                .build()).getVolume();
    }

    private static Path staging(String pod) {
        return dir.resolve("plugins/" + pod + "/globalmount");
    }

    private static Path target(String pod) {
        return dir.resolve("pods/" + pod + "/volumes/v/mount");
    }

    private static void stage(Volume volume, String pod) throws IOException {
        node.nodeStageVolume(NodeStageVolumeRequest.newBuilder().setVolumeId(volume.getVolumeId())
                .setStagingTargetPath(Files.createDirectories(staging(pod)).toString()).setVolumeCapability(RWX)
                .putAllVolumeContext(volume.getVolumeContextMap()).build());
    }

    private static void unstage(Volume volume, String pod) {
        node.nodeUnstageVolume(NodeUnstageVolumeRequest.newBuilder().setVolumeId(volume.getVolumeId())
                .setStagingTargetPath(staging(pod).toString()).build());
    }

    private static Path stageAndPublish(Volume volume, String pod) throws IOException {
        stage(volume, pod);
        node.nodePublishVolume(NodePublishVolumeRequest.newBuilder().setVolumeId(volume.getVolumeId())
                .setStagingTargetPath(staging(pod).toString()).setTargetPath(target(pod).toString())
                .setVolumeCapability(RWX).build());
        return target(pod);
    }

    private static void unpublishAndUnstage(Volume volume, String pod) {
        node.nodeUnpublishVolume(NodeUnpublishVolumeRequest.newBuilder().setVolumeId(volume.getVolumeId())
                .setTargetPath(target(pod).toString()).build());
        unstage(volume, pod);
    }

    @SuppressWarnings("deprecation")
    private static VolumeCondition controllerCondition(Volume volume) {
        return controller.controllerGetVolume(ControllerGetVolumeRequest.newBuilder()
                .setVolumeId(volume.getVolumeId()).build()).getStatus().getVolumeCondition();
    }

    @SuppressWarnings("deprecation")
    private static VolumeCondition listedCondition(Volume volume) {
        for (ListVolumesResponse.Entry entry : controller.listVolumes(ListVolumesRequest.getDefaultInstance())
                .getEntriesList()) {
            if (entry.getVolume().getVolumeId().equals(volume.getVolumeId())) {
                return entry.getStatus().getVolumeCondition();
            }
        }
        throw new AssertionError("ListVolumes does not list " + volume.getVolumeId());
    }

    @SuppressWarnings("deprecation")
    private static VolumeCondition nodeCondition(Volume volume, Path path) {
        return node.nodeGetVolumeStats(NodeGetVolumeStatsRequest.newBuilder().setVolumeId(volume.getVolumeId())
                .setVolumePath(path.toString()).build()).getVolumeCondition();
    }

    /** The value of one sample of the controller's /metrics, if present. */
    static OptionalDouble metric(String name, String labels) throws Exception {
        String text = HTTP.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString()).body();
        Pattern sample = Pattern.compile("^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE);
        Matcher m = sample.matcher(text);
        while (m.find()) {
            if (m.group(1).contains(labels)) {
                return OptionalDouble.of(Double.parseDouble(m.group(2)));
            }
        }
        Pattern bare = Pattern.compile("^" + Pattern.quote(name) + " (\\S+)$", Pattern.MULTILINE);
        Matcher b = bare.matcher(text);
        return labels.isEmpty() && b.find() ? OptionalDouble.of(Double.parseDouble(b.group(1)))
                : OptionalDouble.empty();
    }

    /** Waits up to the limit for the check to hold; fails with what was seen last. */
    static <T> T await(String what, Duration limit, Supplier<T> seen, java.util.function.Predicate<T> holds)
            throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        T last = seen.get();
        while (!holds.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " within " + limit + "; last seen: " + last);
            }
            Thread.sleep(250);
            last = seen.get();
        }
        return last;
    }

    static double metricOr(String name, String labels, double absent) {
        try {
            return metric(name, labels).orElse(absent);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The pid of the volume's brick on the peer, from {@code volume status V --xml}. */
    static long brickPid(String volume, String peerAddress) {
        CommandResult status = POOL.pool().gluster(1, "volume", "status", volume, "--xml");
        for (String node : status.stdout().split("<node>")) {
            if (node.contains("<hostname>" + peerAddress + "</hostname>") && node.contains("<path>/")) {
                Matcher pid = Pattern.compile("<pid>(\\d+)</pid>").matcher(node);
                Matcher online = Pattern.compile("<status>1</status>").matcher(node);
                if (pid.find() && online.find()) {
                    return Long.parseLong(pid.group(1));
                }
            }
        }
        throw new AssertionError("no online brick of " + volume + " on " + peerAddress + ":\n" + status.stdout());
    }

    static void killBrick(String volume, String peerAddress) throws Exception {
        ProcessHandle brick = ProcessHandle.of(brickPid(volume, peerAddress)).orElseThrow();
        brick.destroyForcibly();
        brick.onExit().get(10, TimeUnit.SECONDS);
    }

    static boolean brickOnline(String volume, String peerAddress) {
        try {
            brickPid(volume, peerAddress);
            return true;
        } catch (AssertionError e) {
            return false;
        }
    }

    /**
     * {@code volume start V force} until the brick is online again: right after a SIGKILL glusterd may
     * still take the dead brick for running ("discovered already-running brick") and start nothing.
     */
    static void restartBricks(String volume, String... peerAddresses) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!java.util.Arrays.stream(peerAddresses).allMatch(a -> brickOnline(volume, a))) {
            assertThat(System.nanoTime()).as("bricks of " + volume + " online again").isLessThan(deadline);
            POOL.pool().gluster(1, "volume", "start", volume, "force");
            Thread.sleep(500);
        }
    }

    static String glusterVolume(Volume volume) {
        return volume.getVolumeContextMap().get("glusterVolume");
    }

    // ---------------------------------------------------------------- conditions

    @Test
    @Order(1)
    void healthyVolumesAreNormalEverywhere() throws Exception {
        assertThat(controllerCondition(dedicated).getAbnormal()).isFalse();
        assertThat(controllerCondition(dedicated).getMessage()).isEqualTo("all 3 bricks online; nothing to heal");
        assertThat(controllerCondition(claim).getMessage())
                .isEqualTo("shared pool " + POOL_NAME + ": all 3 bricks online; nothing to heal");
        assertThat(listedCondition(dedicated).getAbnormal()).isFalse();
        assertThat(nodeCondition(dedicated, dedicatedTarget).getAbnormal()).isFalse();
        assertThat(nodeCondition(claim, claimTarget).getAbnormal()).isFalse();
        String v = glusterVolume(dedicated);
        await("bricks online on /metrics", Duration.ofSeconds(30),
                () -> metricOr("gluster_csi_volume_bricks_online", "gluster_volume=\"" + v + "\"", -1), n -> n == 3);
        assertThat(metric("gluster_csi_volume_heal_pending_entries", "gluster_volume=\"" + v + "\"")).hasValue(0);
        assertThat(metric("gluster_csi_peer_connected", "peer=\"127.1.9.3\"")).hasValue(1);
        // The claim's limit, read back from a brick when it was made, reaches gluster's quota list (which the
        // background round reads) a little later: CI once scraped the round before it.
        await("the claim's limit on /metrics", Duration.ofSeconds(30), () -> metricOr(
                "gluster_csi_volume_quota_limit_bytes", "volume=\"" + claim.getVolumeId() + "\"", -1),
                bytes -> bytes == 32 * MIB);
    }

    @Test
    @Order(2)
    void aKilledBrickThenWritesMakeABacklogThatHealsToNothingOnceItReturns() throws Exception {
        String v = glusterVolume(dedicated);
        String brick = "127.1.9.3:";
        killBrick(v, "127.1.9.3");
        killBrick(POOL_NAME, "127.1.9.3");

        VolumeCondition down = controllerCondition(dedicated);
        assertThat(down.getAbnormal()).isTrue();
        assertThat(down.getMessage()).startsWith("1 of 3 bricks offline: " + brick)
                .contains("the volume serves from the remaining replicas");
        assertThat(controllerCondition(claim).getMessage())
                .startsWith("shared pool " + POOL_NAME + ": 1 of 3 bricks offline: " + brick);
        assertThat(listedCondition(dedicated).getMessage()).startsWith("1 of 3 bricks offline: " + brick);
        assertThat(listedCondition(claim).getAbnormal()).isTrue();
        await("the node sees its client miss a brick", Duration.ofSeconds(30),
                () -> nodeCondition(dedicated, dedicatedTarget),
                c -> c.getAbnormal() && c.getMessage().startsWith("the gluster client reaches 2 of 3 bricks"));
        assertThat(nodeCondition(claim, claimTarget).getMessage()).startsWith("the gluster client reaches 2 of 3");
        await("bricks online 2 on /metrics", Duration.ofSeconds(30),
                () -> metricOr("gluster_csi_volume_bricks_online", "gluster_volume=\"" + v + "\"", -1), n -> n == 2);
        assertThat(metric("gluster_csi_volume_bricks", "gluster_volume=\"" + v + "\"")).hasValue(3);

        for (int i = 0; i < 5; i++) {
            Files.writeString(dedicatedTarget.resolve("written-while-down-" + i), "data " + i);
            Files.writeString(claimTarget.resolve("written-while-down-" + i), "data " + i);
        }
        VolumeCondition backlog = await("a heal backlog", Duration.ofSeconds(30), () -> controllerCondition(dedicated),
                c -> c.getMessage().contains("pending heal"));
        assertThat(backlog.getAbnormal()).isTrue();
        double pending = await("heal backlog on /metrics", Duration.ofSeconds(30),
                () -> metricOr("gluster_csi_volume_heal_pending_entries", "gluster_volume=\"" + v + "\"", -1),
                n -> n > 0);
        await("the backlog in ListVolumes", Duration.ofSeconds(30), () -> listedCondition(dedicated),
                c -> c.getMessage().contains("pending heal"));
        System.out.printf("VolumeHealthIT: brick down: %s | backlog: %s (%.0f entries on /metrics)%n",
                down.getMessage(), backlog.getMessage(), pending);

        long back = System.nanoTime();
        restartBricks(v, "127.1.9.3");
        restartBricks(POOL_NAME, "127.1.9.3");
        VolumeCondition healed = await("healed to nothing", Duration.ofSeconds(120),
                () -> controllerCondition(dedicated), c -> !c.getAbnormal());
        assertThat(healed.getMessage()).isEqualTo("all 3 bricks online; nothing to heal");
        await("the pool healed too", Duration.ofSeconds(120), () -> controllerCondition(claim), c -> !c.getAbnormal());
        await("no backlog on /metrics", Duration.ofSeconds(30),
                () -> metricOr("gluster_csi_volume_heal_pending_entries", "gluster_volume=\"" + v + "\"", -1),
                n -> n == 0);
        await("ListVolumes normal again", Duration.ofSeconds(30), () -> listedCondition(dedicated),
                c -> !c.getAbnormal());
        await("the node's client reaches every brick again", Duration.ofSeconds(90),
                () -> nodeCondition(dedicated, dedicatedTarget), c -> !c.getAbnormal());
        System.out.printf("VolumeHealthIT: healed %.1f s after the brick was started again%n",
                (System.nanoTime() - back) / 1e9);
        for (int i = 0; i < 5; i++) {
            assertThat(Files.readString(dedicatedTarget.resolve("written-while-down-" + i))).isEqualTo("data " + i);
        }
    }

    /**
     * A gluster change the test makes by hand, asked again while glusterd answers that another transaction
     * holds the volume's lock (the controller's own background reads take it too), as an operator would;
     * fails with gluster's words otherwise.
     */
    private static void glusterChange(String... args) throws InterruptedException {
        CommandResult result = POOL.pool().gluster(1, args);
        for (int attempt = 1; !result.succeeded() && attempt < 40 && (result.message().contains("Another transaction")
                || result.message().contains("Locking failed")); attempt++) {
            Thread.sleep(250);
            result = POOL.pool().gluster(1, args);
        }
        assertThat(result.succeeded()).as("gluster %s: %s", String.join(" ", args), result.message()).isTrue();
    }

    @Test
    @Order(3)
    void aFileWrittenDifferentlyWhileEachBrickWasDownIsSplitBrainEverywhereTheControllerLooks() throws Exception {
        Volume pair = create("pvc-split", 32 * MIB, Map.of("replica", "2"));
        String v = glusterVolume(pair);
        try {
            // For the test only: no quorum and no healing, so each brick in turn takes writes alone.
            glusterChange("volume", "set", v, "cluster.quorum-type", "none", "cluster.self-heal-daemon", "off",
                    "cluster.data-self-heal", "off", "cluster.metadata-self-heal", "off",
                    "cluster.entry-self-heal", "off");
            String[] peers = pair.getVolumeContextMap().get("servers").split(",");
            stage(pair, "pod-s");
            Files.writeString(staging("pod-s").resolve("file"), "both");
            unstage(pair, "pod-s");
            killBrick(v, peers[1]);
            stage(pair, "pod-s");
            Files.writeString(staging("pod-s").resolve("file"), "written while the second brick was down");
            unstage(pair, "pod-s");
            restartBricks(v, peers[1]);
            killBrick(v, peers[0]);
            stage(pair, "pod-s");
            Files.writeString(staging("pod-s").resolve("file"), "written while the first was down");
            unstage(pair, "pod-s");
            restartBricks(v, peers[0]);

            VolumeCondition split = controllerCondition(pair);
            assertThat(split.getAbnormal()).isTrue();
            assertThat(split.getMessage()).isEqualTo("all 2 bricks online; 1 entry in split-brain: the replicas"
                    + " disagree and gluster refuses to read it until an operator chooses a copy (gluster volume heal "
                    + v + " info split-brain)");
            await("split-brain in ListVolumes", Duration.ofSeconds(30), () -> listedCondition(pair),
                    c -> c.getAbnormal() && c.getMessage().contains("1 entry in split-brain"));
            await("split-brain on /metrics", Duration.ofSeconds(30),
                    () -> metricOr("gluster_csi_volume_split_brain_entries", "gluster_volume=\"" + v + "\"", -1),
                    n -> n == 1);
            // The mount itself serves (its client reaches both bricks): the node says so, and the file is
            // what is unreadable.
            stage(pair, "pod-s");
            await("both bricks reached by a fresh client", Duration.ofSeconds(60),
                    () -> nodeCondition(pair, staging("pod-s")), c -> !c.getAbnormal());
            assertThatThrownBy(() -> Files.readString(staging("pod-s").resolve("file")))
                    .hasMessageContaining("Input/output error");
            unstage(pair, "pod-s");
            System.out.println("VolumeHealthIT: split-brain: " + split.getMessage());
        } finally {
            controller.deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId(pair.getVolumeId()).build());
        }
    }

    @Test
    @Order(4)
    void aLimitRemovedByHandIsSetAgainByThePeriodicCheckLoggedAndCounted() throws Exception {
        String v = glusterVolume(dedicated);
        double before = metricOr("gluster_csi_quota_repairs_total", "", 0);
        // Asked again while another transaction (the controller's background reads) holds the volume's lock.
        glusterChange("volume", "quota", v, "remove", "/");
        glusterChange("volume", "quota", POOL_NAME, "remove", "/" + claim.getVolumeContextMap().get("directory"));

        await("both limits back", Duration.ofSeconds(60), () -> List.of(
                POOL.pool().gluster(1, "volume", "quota", v, "list", "/").stdout(),
                POOL.pool().gluster(1, "volume", "quota", POOL_NAME, "list",
                        "/" + claim.getVolumeContextMap().get("directory")).stdout()),
                out -> out.get(0).contains("64.0MB") && out.get(1).contains("32.0MB"));
        await("the repairs counted", Duration.ofSeconds(30),
                () -> metricOr("gluster_csi_quota_repairs_total", "", 0), n -> n >= before + 2);
        String log = controllerProcess.output();
        assertThat(log).contains("quota check: volume " + v + ": its limit of " + 64 * MIB
                + " bytes was missing; repaired");
        assertThat(log).contains("quota check: claim " + claim.getVolumeId() + ": its limit of " + 32 * MIB
                + " bytes was missing; repaired");
    }

    @Test
    @Order(5)
    void writesPastADedicatedVolumesSizeFailWithinOneWrite() throws Exception {
        long written = 0;
        String refused = "";
        java.nio.ByteBuffer chunk = java.nio.ByteBuffer.allocate((int) MIB);
        Path fill = dedicatedTarget.resolve("fill");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (java.nio.channels.FileChannel out = java.nio.channels.FileChannel.open(fill,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE)) {
            while (written < 512 * MIB && System.nanoTime() < deadline) {
                chunk.clear();
                out.write(chunk);
                out.force(false);
                written += MIB;
            }
        } catch (IOException e) {
            refused = e.getMessage();
        }
        System.out.printf("VolumeHealthIT: a 64 MiB dedicated volume took %d MiB before a write failed: %s%n",
                written / MIB, refused);
        assertThat(refused).contains("Disk quota exceeded");
        assertThat(written).as("bytes written into a 64 MiB volume").isBetween(62 * MIB, 65 * MIB);
        Files.delete(fill);
    }
}
