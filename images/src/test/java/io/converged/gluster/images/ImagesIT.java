package io.converged.gluster.images;

import static org.assertj.core.api.Assertions.assertThat;

import io.converged.gluster.csi.exec.CommandException;
import io.converged.gluster.csi.exec.CommandResult;
import io.converged.gluster.csi.exec.LocalCommandRunner;
import io.converged.gluster.csi.runtime.Endpoint;
import io.converged.gluster.csi.runtime.UnixChannel;
import io.converged.gluster.csi.testing.LocalGlusterPool;
import io.converged.gluster.csi.v1.CapacityRange;
import io.converged.gluster.csi.v1.ControllerGrpc;
import io.converged.gluster.csi.v1.CreateVolumeRequest;
import io.converged.gluster.csi.v1.DeleteVolumeRequest;
import io.converged.gluster.csi.v1.IdentityGrpc;
import io.converged.gluster.csi.v1.NodeGrpc;
import io.converged.gluster.csi.v1.NodePublishVolumeRequest;
import io.converged.gluster.csi.v1.NodeStageVolumeRequest;
import io.converged.gluster.csi.v1.NodeUnpublishVolumeRequest;
import io.converged.gluster.csi.v1.NodeUnstageVolumeRequest;
import io.converged.gluster.csi.v1.ProbeRequest;
import io.converged.gluster.csi.v1.Volume;
import io.converged.gluster.csi.v1.VolumeCapability;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The three images, built by {@code deploy/images/build} and run with podman the way the install runs
 * them: the commands, arguments, environment, probes and hooks come from deploy/kubernetes.
 *
 * <p>Three peer containers (host network, privileged, each with its own brick, state and run
 * directories on the host and its own loopback address 127.1.5.1-3, glusterd bound to it alone) are
 * formed into a pool by the controller image in peers-file mode, which provisions a volume through
 * its CSI socket; the node image (the mount keeper and the node plugin, with a host kubelet directory
 * bind-mounted with shared propagation) stages and publishes it, and a file written through the
 * published path is on every brick; a claim of a shared pool is made through the controller
 * container's own FUSE mount of the pool. The peer image's own scripts are tried for real: a brick root
 * that is a plain directory is refused; readiness follows a stopped brick and pending heal; the
 * preStop hook stops a peer. The test pools' machine lock is held throughout (the addresses are
 * loopback ones another pool could use), and everything is removed afterwards, also on failure.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ImagesIT {
    private static final Path ROOT = Manifest.ROOT;
    private static final Path WORK = Path.of("/tmp/gluster-csi-images-it");
    private static final String NAME = "gluster-csi-images-it-";
    private static final String ADDRESS = "127.1.5.";
    private static final int PEERS = 3;
    private static final String PEER_IMAGE = Manifest.image("glusterfs-peer");
    private static final String CONTROLLER_IMAGE = Manifest.image("gluster-csi-controller");
    private static final String NODE_IMAGE = Manifest.image("gluster-csi-node");
    private static final String KUBELET = "/var/lib/kubelet";
    private static final String VOLUME_NAME = "pvc-images-it";
    private static final VolumeCapability RWX = VolumeCapability.newBuilder()
            .setMount(VolumeCapability.MountVolume.getDefaultInstance())
            .setAccessMode(VolumeCapability.AccessMode.newBuilder()
                    .setMode(VolumeCapability.AccessMode.Mode.MULTI_NODE_MULTI_WRITER))
            .build();

    private final LocalCommandRunner host = new LocalCommandRunner();
    private final Manifest peerManifest = Manifest.container("peers-daemonset.yaml", "glusterfs-peer", "glusterfs");
    private FileChannel lockChannel;
    private FileLock lock;
    private Podman podman;
    private Thread cleanupHook;
    private UnixChannel controllerChannel;
    private UnixChannel nodeChannel;
    private ControllerGrpc.ControllerBlockingStub controller;
    private NodeGrpc.NodeBlockingStub node;
    private Volume volume;

    @BeforeAll
    void buildTheImagesAndStartThePool() throws Exception {
        // The build first, outside the lock: it uses no loopback address, and others' pools need not wait for it.
        String buildDir = System.getenv("IMAGES_BUILD_DIR");
        Path conf = (buildDir == null ? ROOT.resolve("target/images") : Path.of(buildDir)).resolve("containers.conf");
        podman = new Podman(conf);
        long buildStart = System.nanoTime();
        CommandResult build = host.run(List.of(ROOT.resolve("deploy/images/build").toString()),
                Duration.ofMinutes(20));
        System.out.printf("ImagesIT: deploy/images/build took %d s:%n%s%s%n", seconds(buildStart), build.stdout(),
                build.stderr());
        assertThat(build.exitCode()).as("deploy/images/build: " + build.message()).isZero();

        lockChannel = FileChannel.open(Path.of(LocalGlusterPool.LOCK_FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        long waitStart = System.nanoTime();
        lock = lockChannel.lock();
        System.out.printf("ImagesIT: held the test pools' lock after %d s%n", seconds(waitStart));
        cleanupHook = new Thread(this::cleanUp, "images-it-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanupHook);
        cleanUp();

        Files.createDirectories(WORK);
        for (int i = 1; i <= PEERS; i++) {
            for (String dir : List.of("bricks", "state", "run", "log")) {
                Files.createDirectories(peerDir(i).resolve(dir));
            }
        }
        // Peer 1's brick root is a filesystem of its own, as a brick disk would be: it starts without
        // BRICK_ROOT_ALLOW_DIRECTORY. The others are plain directories and need it.
        hostRun("mount", "-t", "tmpfs", "-o", "size=256m", "gluster-csi-images-it", peerDir(1).resolve("bricks")
                .toString());
        for (int i = 1; i <= PEERS; i++) {
            startPeer(i, i != 1);
        }
        startController();
        startNode();
    }

    @AfterAll
    void removeEverything() {
        if (lock == null) {
            return;
        }
        try {
            cleanUp();
        } finally {
            Runtime.getRuntime().removeShutdownHook(cleanupHook);
            try {
                lock.release();
                lockChannel.close();
            } catch (IOException e) {
                System.out.println("ImagesIT: cannot release the lock: " + e);
            }
        }
    }

    // ------------------------------------------------------------------------------------ tests

    @Test
    @Order(1)
    void theImagesCarryTheirVersionAndWhatTheyHoldInLabels() {
        for (String image : List.of(PEER_IMAGE, CONTROLLER_IMAGE, NODE_IMAGE)) {
            String labels = podman.require("image", "inspect", "--format", "{{json .Labels}}", image);
            assertThat(labels).as(image).contains("\"org.opencontainers.image.version\":\""
                    + image.substring(image.lastIndexOf(':') + 1) + "\"")
                    .contains("org.opencontainers.image.title", "org.opencontainers.image.description",
                            "org.opencontainers.image.source", "org.opencontainers.image.licenses",
                            "\"io.converged.gluster.glusterfs.version\":\"10.3\"");
        }
        assertThat(podman.require("run", "--rm", "--label", Podman.LABEL, "--entrypoint", "gluster",
                CONTROLLER_IMAGE, "--version")).as("the controller image's gluster CLI").startsWith("glusterfs 10.3");
    }

    @Test
    @Order(2)
    void aPeerWhoseBrickRootIsNotAMountPointRefusesToStartAndSaysWhy() throws IOException {
        Path bricks = Files.createDirectories(WORK.resolve("refused/bricks"));
        Path state = Files.createDirectories(WORK.resolve("refused/state"));
        List<String> args = new ArrayList<>(List.of("run", "--name", NAME + "refused", "--label", Podman.LABEL,
                "--network", "host", "--privileged",
                "-v", bricks + ":" + peerManifest.mountPath("brick1"),
                "-v", state + ":" + peerManifest.mountPath("glusterd-state")));
        peerManifest.env().forEach((k, v) -> args.addAll(List.of("-e", k + "=" + v)));
        args.addAll(List.of("--entrypoint", peerManifest.command().get(0), PEER_IMAGE));
        args.addAll(peerManifest.command().subList(1, peerManifest.command().size()));
        args.addAll(List.of("--xlator-option", "management.transport.socket.bind-address=" + ADDRESS + "9"));

        CommandResult refused = podman.run(Duration.ofMinutes(1), args);

        assertThat(peerManifest.env()).containsEntry("BRICK_ROOT_ALLOW_DIRECTORY", "false");
        assertThat(refused.exitCode()).as(refused.stdout() + refused.stderr()).isEqualTo(1);
        assertThat(refused.stderr()).contains("refusing to start: the brick root /mnt/brick1 is not a mount point"
                + " on the node", "BRICK_ROOT_ALLOW_DIRECTORY=true");
        assertThat(state).as("glusterd never ran").isEmptyDirectory();
    }

    @Test
    @Order(3)
    void theControllerImageFormsThePoolOfThreePeerContainers() {
        await("every peer lists the two others as Connected", Duration.ofSeconds(60), () -> {
            for (int i = 1; i <= PEERS; i++) {
                CommandResult list = podman.gluster(peer(i), "pool", "list");
                if (!list.succeeded() || list.stdout().lines().filter(l -> l.contains("Connected")).count() != PEERS) {
                    return false;
                }
            }
            return true;
        });
        await("the controller is ready", Duration.ofSeconds(30), () -> IdentityGrpc.newBlockingStub(
                controllerChannel.channel()).withDeadlineAfter(10, TimeUnit.SECONDS).probe(
                        ProbeRequest.getDefaultInstance()).getReady().getValue());
        for (int i = 1; i <= PEERS; i++) {
            assertThat(ready(i).stdout()).as("peer " + i).startsWith("ready: glusterd answers");
        }
        String log = podman.logs(peer(1));
        assertThat(log).contains("brick root " + brickRootOf(1) + ": a filesystem of its own (tmpfs)");
        assertThat(podman.logs(peer(2))).contains("allowed by BRICK_ROOT_ALLOW_DIRECTORY=true");
    }

    @Test
    @Order(4)
    void aVolumeTheControllerImageProvisionsAndTheNodeImagePublishesHoldsAFileOnEveryBrick() throws Exception {
        volume = controller.createVolume(CreateVolumeRequest.newBuilder().setName(VOLUME_NAME)
                .addVolumeCapabilities(RWX).setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(64L << 20))
                .build()).getVolume();
        Path published = stageAndPublish();

        Files.writeString(published.resolve("hello.txt"), "written through the published path");

        for (int i = 1; i <= PEERS; i++) {
            Path onBrick = brick(i).resolve("hello.txt");
            assertThat(onBrick).as("peer " + i + "'s brick").hasContent("written through the published path");
        }
        assertThat(volume.getVolumeContextMap().get("servers").split(",")).containsExactlyInAnyOrder(ADDRESS + "1",
                ADDRESS + "2", ADDRESS + "3");
    }

    @Test
    @Order(5)
    void aPeerIsNotReadyWhileItsBrickIsStoppedOrHealTowardItIsPendingAndReadyOnceHealed() throws Exception {
        String name = volume.getVolumeId();
        Path published = publishedPath();
        ProcessHandle brick3 = brickProcess(name, 3);

        brick3.destroyForcibly();
        await("peer 3's brick process is gone", Duration.ofSeconds(10), () -> !brick3.isAlive());
        assertThat(ready(3)).satisfies(r -> {
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.stdout()).contains("not ready: bricks of this peer are not running: " + name + ":"
                    + brickRootOf(3) + "/" + name + "/brick");
        });

        // Writes while the brick is down leave entries pending heal toward it; the self-heal daemon is
        // held off so the state can be looked at.
        require(podman.gluster(peer(1), "volume", "set", name, "cluster.self-heal-daemon", "off"));
        Files.writeString(published.resolve("while-down.txt"), "written while peer 3's brick was down");
        require(podman.gluster(peer(1), "volume", "start", name, "force"));
        await("peer 3's brick runs again", Duration.ofSeconds(30), () -> brickProcessIfAny(name, 3) != null);

        CommandResult behind = ready(3);
        assertThat(behind.exitCode()).as(behind.stdout()).isEqualTo(1);
        assertThat(behind.stdout()).contains("not ready: self-heal has not caught up on the volumes with bricks"
                + " here: " + name + " (").contains("entries pending heal)");
        assertThat(brick(3).resolve("while-down.txt")).doesNotExist();
        assertThat(ready(1).exitCode()).as("peer 1 holds the good copy and stays ready").isZero();

        require(podman.gluster(peer(1), "volume", "set", name, "cluster.self-heal-daemon", "on"));
        // The self-heal daemon starts an index heal as it comes up; asking for one as well may race
        // with its start, so its answer does not matter.
        podman.gluster(peer(1), "volume", "heal", name);
        await("peer 3 is ready again", Duration.ofSeconds(90), () -> ready(3).exitCode() == 0);
        assertThat(brick(3).resolve("while-down.txt")).hasContent("written while peer 3's brick was down");
        assertThat(ready(3).stdout()).startsWith("ready: glusterd answers; 1 volume(s) with bricks here");
    }

    @Test
    @Order(6)
    void aClaimOfASharedPoolIsADirectoryTheControllerImageMakesThroughItsOwnFuseMount() {
        Volume claim = controller.createVolume(CreateVolumeRequest.newBuilder().setName(VOLUME_NAME + "-claim")
                .addVolumeCapabilities(RWX).setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(32L << 20))
                .putParameters("pool", "images-it-pool").build()).getVolume();
        String pool = claim.getVolumeContextMap().get("pool");
        String directory = claim.getVolumeContextMap().get("directory");

        assertThat(pool).isEqualTo("images-it-pool");
        for (int i = 1; i <= PEERS; i++) {
            assertThat(peerDir(i).resolve("bricks").resolve(pool).resolve("brick").resolve(directory))
                    .as("the claim on peer " + i + "'s brick of the pool").isDirectory();
        }
        CommandResult mounts = podman.exec(NAME + "controller", List.of("findmnt", "--noheadings", "--types",
                "fuse.glusterfs", "--output", "SOURCE,TARGET"));
        assertThat(mounts.stdout()).as("the pool mounted in the controller's container").contains(":/" + pool,
                "/run/gluster-csi/pools/" + pool);

        controller.deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId(claim.getVolumeId()).build());

        for (int i = 1; i <= PEERS; i++) {
            assertThat(peerDir(i).resolve("bricks").resolve(pool).resolve("brick").resolve(directory))
                    .as("the deleted claim on peer " + i).doesNotExist();
        }
    }

    @Test
    @Order(7)
    void theVolumeIsUnpublishedUnstagedAndDeletedWithItsBricks() {
        String id = volume.getVolumeId();
        node.nodeUnpublishVolume(NodeUnpublishVolumeRequest.newBuilder().setVolumeId(id)
                .setTargetPath(targetInContainer()).build());
        node.nodeUnstageVolume(NodeUnstageVolumeRequest.newBuilder().setVolumeId(id)
                .setStagingTargetPath(stagingInContainer()).build());
        controller.deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId(id).build());

        assertThat(podman.gluster(peer(1), "volume", "list").stdout()).doesNotContain(id);
        for (int i = 1; i <= PEERS; i++) {
            assertThat(brick(i).getParent()).as("peer " + i + "'s brick directory").doesNotExist();
        }
        assertThat(mountsUnder(WORK.resolve("kubelet"))).as("nothing mounted in kubelet's directory")
                .containsExactly(WORK.resolve("kubelet").toString());
    }

    @Test
    @Order(8)
    void thePreStopHookStopsEveryBrickAndDaemonOfItsPeerAndThenGlusterd() throws Exception {
        String name = "prestop-check";
        List<String> bricks = new ArrayList<>(List.of("volume", "create", name, "replica", "3"));
        for (int i = 1; i <= PEERS; i++) {
            bricks.add(ADDRESS + i + ":" + brickRootOf(i) + "/" + name);
        }
        bricks.add("force");
        require(podman.gluster(peer(1), bricks.toArray(String[]::new)));
        require(podman.gluster(peer(1), "volume", "start", name));
        brickProcess(name, 2);
        String peer2 = pidNamespace(peer(2));
        assertThat(glusterProcessesIn(peer2)).as("glusterd, the bricks and the daemons of peer 2")
                .hasSizeGreaterThanOrEqualTo(3);

        long start = System.nanoTime();
        CommandResult stop = podman.exec(peer(2), peerManifest.preStopCommand());

        assertThat(stop.exitCode()).as(stop.stdout() + stop.stderr()).isZero();
        assertThat(stop.stderr()).contains("stopping glusterfsd", brickRootOf(2) + "/" + name,
                "stopping glusterfs", " shd/", "glusterd stops on SIGTERM");
        assertThat(glusterProcessesIn(peer2)).as("only glusterd is left").extracting(ImagesIT::commandLine)
                .singleElement().asString().contains("glusterd --no-daemon");
        // Then what kubelet does next: SIGTERM to the container (tini hands it to glusterd).
        podman.require("stop", "--time", Integer.toString(peerManifest.terminationGracePeriodSeconds()), peer(2));
        long took = seconds(start);

        assertThat(podman.state(peer(2))).isEqualTo("exited");
        assertThat(glusterProcessesIn(peer2)).isEmpty();
        assertThat(took).as("the hook and SIGTERM took %d s", took).isLessThan(10);
        assertThat(podman.logs(peer(2))).contains("received signum (15), shutting down");
        String status = podman.gluster(peer(1), "volume", "status", name).stdout();
        assertThat(status).doesNotContain(ADDRESS + "2:" + brickRootOf(2));
    }

    // ------------------------------------------------------------------------------------ containers

    private static String peer(int i) {
        return NAME + "peer" + i;
    }

    private static Path peerDir(int i) {
        return WORK.resolve("peer" + i);
    }

    private static String brickRootOf(int i) {
        return "/peers/" + i + "/mnt/brick1";
    }

    /** The brick of the test volume on peer i, as a path on this machine. */
    private Path brick(int i) {
        return peerDir(i).resolve("bricks").resolve(volume.getVolumeId()).resolve("brick");
    }

    private void startPeer(int i, boolean allowDirectory) {
        Path dir = peerDir(i);
        // Three peers share this machine, so their brick roots cannot all be /mnt/brick1: peer i's is
        // /peers/i/mnt/brick1, at the same path in the controller's container, whose peers file names
        // /peers/i as the peer's brick prefix (glusterd and the controller must agree on brick paths).
        String brickRoot = brickRootOf(i);
        List<String> args = new ArrayList<>(List.of("run", "--detach", "--name", peer(i), "--label", Podman.LABEL,
                "--network", "host", "--privileged",
                "-v", dir.resolve("bricks") + ":" + brickRoot,
                "-v", dir.resolve("state") + ":" + peerManifest.mountPath("glusterd-state"),
                "-v", dir.resolve("log") + ":" + peerManifest.mountPath("glusterfs-logs"),
                // The glusterd socket lies in /run: the controller's container reaches it there.
                "-v", dir.resolve("run") + ":/run"));
        Map<String, String> env = new java.util.LinkedHashMap<>(peerManifest.env());
        assertThat(env).containsEntry("BRICK_ROOTS", peerManifest.mountPath("brick1"));
        env.put("BRICK_ROOTS", brickRoot);
        env.put("BRICK_ROOT_ALLOW_DIRECTORY", Boolean.toString(allowDirectory));
        env.forEach((k, v) -> args.addAll(List.of("-e", k + "=" + v)));
        args.addAll(List.of("--entrypoint", peerManifest.command().get(0), PEER_IMAGE));
        args.addAll(peerManifest.command().subList(1, peerManifest.command().size()));
        // Three peers share this machine's network: each glusterd binds its own address only.
        args.addAll(List.of("--xlator-option", "management.transport.socket.bind-address=" + ADDRESS + i));
        podman.require(args.toArray(String[]::new));
        await("glusterd of peer " + i + " answers", Duration.ofSeconds(60),
                () -> podman.gluster(peer(i), "pool", "list").succeeded());
    }

    private CommandResult ready(int i) {
        return podman.run(Duration.ofSeconds(peerManifest.readinessTimeoutSeconds() + 5), withExec(peer(i),
                peerManifest.readinessCommand()));
    }

    private static List<String> withExec(String container, List<String> command) {
        List<String> args = new ArrayList<>(List.of("exec", container));
        args.addAll(command);
        return args;
    }

    private void startController() throws IOException {
        Path csi = Files.createDirectories(WORK.resolve("controller-csi"));
        StringBuilder peers = new StringBuilder("# address glusterd-socket brick-prefix\n");
        List<String> args = new ArrayList<>(List.of("run", "--detach", "--name", NAME + "controller",
                "--label", Podman.LABEL, "--network", "host", "--privileged", "--user", "0",
                "-v", csi + ":/csi"));
        for (int i = 1; i <= PEERS; i++) {
            args.addAll(List.of("-v", peerDir(i).resolve("run") + ":/peers/" + i + "/run",
                    "-v", peerDir(i).resolve("bricks") + ":" + brickRootOf(i)));
            peers.append(ADDRESS).append(i).append(" /peers/").append(i).append("/run/glusterd.socket /peers/")
                    .append(i).append(" node=peer-").append(i).append('\n');
        }
        Path peersFile = Files.writeString(WORK.resolve("peers"), peers.toString());
        args.addAll(List.of("-v", peersFile + ":/etc/gluster-csi/peers:ro", CONTROLLER_IMAGE,
                "--endpoint=unix:///csi/csi.sock", "--peers-file=/etc/gluster-csi/peers",
                "--allowed-brick-roots=/mnt/brick1", "--pool-check-interval=2",
                "--metrics-address=127.0.0.1:" + freePort(), "--log-level=info"));
        podman.require(args.toArray(String[]::new));
        Path socket = csi.resolve("csi.sock");
        await("the controller's socket", Duration.ofSeconds(60), () -> Files.exists(socket));
        controllerChannel = UnixChannel.open(new Endpoint(socket));
        controller = ControllerGrpc.newBlockingStub(controllerChannel.channel()).withDeadlineAfter(5,
                TimeUnit.MINUTES);
    }

    /** The mount keeper and the node plugin, with the commands and arguments of their DaemonSets. */
    private void startNode() throws IOException {
        Path kubelet = Files.createDirectories(WORK.resolve("kubelet"));
        // Kubelet's directory is a shared mount, so mounts made in the containers reach this machine.
        hostRun("mount", "--bind", kubelet.toString(), kubelet.toString());
        hostRun("mount", "--make-rshared", kubelet.toString());
        Path keeperDir = Files.createDirectories(WORK.resolve("keeper"));
        Path logs = Files.createDirectories(WORK.resolve("client-logs"));
        Path csi = Files.createDirectories(WORK.resolve("node-csi"));

        Manifest keeper = Manifest.container("mount-keeper-daemonset.yaml", "gluster-csi-mount-keeper",
                "mount-keeper");
        List<String> args = new ArrayList<>(List.of("run", "--detach", "--name", NAME + "keeper",
                "--label", Podman.LABEL, "--network", "host", "--privileged",
                "-v", keeperDir + ":" + keeper.mountPath("keeper-dir"),
                "-v", kubelet + ":" + keeper.mountPath("kubelet-dir") + ":rshared",
                "-v", logs + ":" + keeper.mountPath("client-logs"),
                "--entrypoint", keeper.command().get(0), NODE_IMAGE));
        args.addAll(keeper.command().subList(1, keeper.command().size()));
        args.addAll(keeper.args());
        podman.require(args.toArray(String[]::new));

        Manifest plugin = Manifest.container("node-daemonset.yaml", "gluster-csi-node", "gluster-csi-node");
        args = new ArrayList<>(List.of("run", "--detach", "--name", NAME + "node", "--label", Podman.LABEL,
                "--network", "host", "--privileged", "-e", "KUBE_NODE_NAME=images-it-node",
                "-v", csi + ":" + plugin.mountPath("plugin-dir"),
                "-v", keeperDir + ":" + plugin.mountPath("keeper-dir"),
                "-v", kubelet + ":" + plugin.mountPath("kubelet-dir") + ":rshared",
                "-v", logs + ":" + plugin.mountPath("client-logs"), NODE_IMAGE));
        for (String arg : plugin.args()) {
            // Host network: the metrics port of the manifest may be taken on this machine.
            args.add(arg.startsWith("--metrics-address=") ? "--metrics-address=127.0.0.1:" + freePort() : arg);
        }
        podman.require(args.toArray(String[]::new));
        Path socket = csi.resolve("csi.sock");
        await("the node plugin's socket", Duration.ofSeconds(60), () -> Files.exists(socket));
        nodeChannel = UnixChannel.open(new Endpoint(socket));
        node = NodeGrpc.newBlockingStub(nodeChannel.channel()).withDeadlineAfter(5, TimeUnit.MINUTES);
    }

    private static String stagingInContainer() {
        return KUBELET + "/plugins/kubernetes.io/csi/glusterfs.converged.io/images-it/globalmount";
    }

    private static String targetInContainer() {
        return KUBELET + "/pods/images-it-pod/volumes/kubernetes.io~csi/" + VOLUME_NAME + "/mount";
    }

    private static Path publishedPath() {
        return WORK.resolve("kubelet").resolve(targetInContainer().substring(KUBELET.length() + 1));
    }

    /** Stages and publishes the volume as kubelet would, and returns the published path on this machine. */
    private Path stageAndPublish() throws IOException {
        Path kubelet = WORK.resolve("kubelet");
        Files.createDirectories(kubelet.resolve(stagingInContainer().substring(KUBELET.length() + 1)));
        Files.createDirectories(publishedPath().getParent());
        node.nodeStageVolume(NodeStageVolumeRequest.newBuilder().setVolumeId(volume.getVolumeId())
                .setStagingTargetPath(stagingInContainer()).setVolumeCapability(RWX)
                .putAllVolumeContext(volume.getVolumeContextMap()).build());
        node.nodePublishVolume(NodePublishVolumeRequest.newBuilder().setVolumeId(volume.getVolumeId())
                .setStagingTargetPath(stagingInContainer()).setTargetPath(targetInContainer())
                .setVolumeCapability(RWX).build());
        return publishedPath();
    }

    // ------------------------------------------------------------------------------------ processes

    /** The brick process of a volume on peer i, seen from this machine. */
    private static ProcessHandle brickProcess(String volumeName, int i) {
        ProcessHandle brick = brickProcessIfAny(volumeName, i);
        assertThat(brick).as("the brick process of " + volumeName + " on peer " + i).isNotNull();
        return brick;
    }

    private static ProcessHandle brickProcessIfAny(String volumeName, int i) {
        String volfileId = volumeName + "." + ADDRESS + i + ".";
        for (Map.Entry<Long, List<String>> p : processes().entrySet()) {
            List<String> argv = p.getValue();
            if (!argv.isEmpty() && argv.get(0).endsWith("glusterfsd") && argv.stream().anyMatch(a -> a.startsWith(
                    volfileId))) {
                return ProcessHandle.of(p.getKey()).filter(ProcessHandle::isAlive).orElse(null);
            }
        }
        return null;
    }

    /** The PID namespace of a running container, as /proc names it ({@code pid:[INODE]}). */
    private String pidNamespace(String container) throws IOException {
        String pid = podman.require("inspect", "--format", "{{.State.Pid}}", container).strip();
        return Files.readSymbolicLink(Path.of("/proc", pid, "ns", "pid")).toString();
    }

    /** The gluster processes (glusterd, bricks, daemons) running in a PID namespace. */
    private static List<ProcessHandle> glusterProcessesIn(String namespace) {
        List<ProcessHandle> found = new ArrayList<>();
        for (Map.Entry<Long, List<String>> p : processes().entrySet()) {
            List<String> argv = p.getValue();
            if (argv.isEmpty() || !Path.of(argv.get(0)).getFileName().toString().startsWith("gluster")) {
                continue;
            }
            try {
                if (Files.readSymbolicLink(Path.of("/proc", p.getKey().toString(), "ns", "pid")).toString()
                        .equals(namespace)) {
                    ProcessHandle.of(p.getKey()).filter(ImagesIT::running).ifPresent(found::add);
                }
            } catch (IOException e) {
                // Gone while we looked.
            }
        }
        return found;
    }

    private static String commandLine(ProcessHandle handle) {
        return String.join(" ", processes().getOrDefault(handle.pid(), List.of()));
    }

    private static boolean running(ProcessHandle handle) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(handle.pid()), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException e) {
            return false;
        }
    }

    private static Map<Long, List<String>> processes() {
        Map<Long, List<String>> result = new java.util.HashMap<>();
        try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path entry : proc) {
                try {
                    String text = new String(Files.readAllBytes(entry.resolve("cmdline")), StandardCharsets.UTF_8);
                    if (!text.isEmpty()) {
                        result.put(Long.parseLong(entry.getFileName().toString()), List.of(text.split("\u0000")));
                    }
                } catch (IOException | NumberFormatException e) {
                    // Gone while we looked.
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc", e);
        }
        return result;
    }

    // ------------------------------------------------------------------------------------ clean-up

    /** Removes every container, mount and directory of this test (and of a crashed earlier run). */
    private void cleanUp() {
        if (controllerChannel != null) {
            controllerChannel.close();
            controllerChannel = null;
        }
        if (nodeChannel != null) {
            nodeChannel.close();
            nodeChannel = null;
        }
        podman.removeAllOurs();
        for (String target : mountsUnder(WORK)) {
            CommandResult umount = hostQuietly("umount", target);
            if (umount == null || !umount.succeeded()) {
                hostQuietly("umount", "-l", target);
            }
        }
        List<String> left = mountsUnder(WORK);
        if (left.isEmpty()) {
            hostQuietly("rm", "-rf", "--one-file-system", "--", WORK.toString());
        } else {
            System.out.println("ImagesIT: cannot unmount " + left + "; leaving " + WORK);
        }
    }

    /** Mount points at or under a directory, deepest first. */
    private static List<String> mountsUnder(Path dir) {
        List<String> targets = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8)) {
                String target = line.split(" ")[4].replace("\\040", " ");
                if (target.equals(dir.toString()) || target.startsWith(dir + "/")) {
                    targets.add(target);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read mountinfo", e);
        }
        targets.sort(Comparator.comparingInt((String t) -> t.split("/").length).reversed());
        return targets.stream().distinct().toList();
    }

    // ------------------------------------------------------------------------------------ helpers

    private void hostRun(String... argv) {
        CommandResult result = hostQuietly(argv);
        if (result == null || !result.succeeded()) {
            throw new IllegalStateException(String.join(" ", argv) + " failed: " + (result == null ? "did not run"
                    : result.message()));
        }
    }

    private CommandResult hostQuietly(String... argv) {
        try {
            return host.run(List.of(argv), Duration.ofSeconds(60));
        } catch (CommandException e) {
            System.out.println("ImagesIT: " + e.getMessage());
            return null;
        }
    }

    private static CommandResult require(CommandResult result) {
        assertThat(result.exitCode()).as(String.join(" ", result.argv()) + ": " + result.message()).isZero();
        return result;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static long seconds(long startNanos) {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos);
    }

    private static void await(String what, Duration limit, Supplier<Boolean> condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            boolean met;
            try {
                met = condition.get();
            } catch (RuntimeException e) {
                met = false;
            }
            if (met) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + limit + ": " + what);
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting: " + what, e);
            }
        }
    }
}
