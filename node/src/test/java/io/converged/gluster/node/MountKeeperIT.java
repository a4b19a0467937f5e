package io.converged.gluster.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.converged.gluster.csi.exec.CommandResult;
import io.converged.gluster.csi.runtime.Endpoint;
import io.converged.gluster.csi.runtime.UnixChannel;
import io.converged.gluster.csi.testing.GlusterPoolExtension;
import io.converged.gluster.csi.testing.JarProcess;
import io.converged.gluster.csi.testing.LocalGlusterPool;
import io.converged.gluster.csi.v1.NodeGetVolumeStatsRequest;
import io.converged.gluster.csi.v1.NodeGetVolumeStatsResponse;
import io.converged.gluster.csi.v1.NodeGrpc;
import io.converged.gluster.csi.v1.NodePublishVolumeRequest;
import io.converged.gluster.csi.v1.NodeStageVolumeRequest;
import io.converged.gluster.csi.v1.NodeUnpublishVolumeRequest;
import io.converged.gluster.csi.v1.NodeUnstageVolumeRequest;
import io.converged.gluster.csi.v1.VolumeCapability;
import io.converged.gluster.node.keeper.KeeperMain;
import java.io.FileOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node plugin treated as Kubernetes treats a container. The mount keeper runs as its own
 * process; the node plugin's jar runs as PID 1 of a new PID namespace ({@code unshare --pid --fork},
 * the mount namespace shared, as with the DaemonSet's Bidirectional propagation), and a restart is
 * a SIGKILL of that PID 1: the kernel then kills every process of the namespace, as a container
 * stop does. A file on the published path is written line by line from this test all along. With
 * the keeper the writes never fail and no CSI call is needed; without it (the control case) they
 * fail with "Transport endpoint is not connected". Real 3-peer pool, real FUSE mounts; figures are
 * printed, never asserted.
 */
class MountKeeperIT {
    @RegisterExtension
    static final GlusterPoolExtension POOL = GlusterPoolExtension.formed(3);

    private static final List<String> VOLUMES = List.of("keep1", "keep2", "keep3", "keep4", "keep5");
    private static final String SERVERS = "127.1.9.1,127.1.9.2,127.1.9.3";
    private static final String NOT_CONNECTED = "Transport endpoint is not connected";
    private static final Duration LIMIT = Duration.ofSeconds(60);
    /** deploy/local/up's JVM flags for the keeper, so its memory is printed as it runs there. */
    private static final String[] SMALL_JVM = {"-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k",
        "-XX:MaxMetaspaceSize=96m", "-Xms8m", "-Xmx32m"};
    private static final VolumeCapability RWX = VolumeCapability.newBuilder()
            .setMount(VolumeCapability.MountVolume.getDefaultInstance())
            .setAccessMode(VolumeCapability.AccessMode.newBuilder()
                    .setMode(VolumeCapability.AccessMode.Mode.MULTI_NODE_MULTI_WRITER))
            .build();

    @TempDir
    Path dir;

    private Path kubelet;
    private JarProcess keeper;
    private JarProcess plugin;
    private UnixChannel channel;
    private NodeGrpc.NodeBlockingStub node;
    private int pluginStarts;
    private final List<Writer> writers = new ArrayList<>();

    @BeforeAll
    static void createVolumes() throws IOException {
        LocalGlusterPool pool = POOL.pool();
        for (String volume : VOLUMES) {
            List<String> create = new ArrayList<>(List.of("volume", "create", volume, "replica", "3"));
            for (LocalGlusterPool.Peer peer : pool.peers()) {
                Path brick = peer.local("/mnt/brick1/" + volume + "/brick");
                Files.createDirectories(brick.getParent());
                create.add(peer.address() + ":" + brick);
            }
            create.add("force");
            gluster(create.toArray(String[]::new));
            gluster("volume", "start", volume);
        }
    }

    private static void gluster(String... args) throws IOException {
        CommandResult result = POOL.pool().gluster(1, args);
        if (!result.succeeded()) {
            throw new IOException("gluster " + String.join(" ", args) + " failed: " + result.message());
        }
    }

    @AfterEach
    void stopEverything() throws Exception {
        try {
            for (Writer writer : writers) {
                writer.close();
            }
            closeChannel();
            if (plugin != null) {
                plugin.close();
            }
            if (keeper != null) {
                keeper.close();
            }
        } finally {
            LocalMounts.unmountAllUnder(dir);
        }
        assertThat(LocalMounts.under(dir)).as("mounts left under the test directory").isEmpty();
    }

    // ------------------------------------------------------------------ the tests

    @Test
    void aKilledNodePluginNamespaceLeavesTheWritesOfAPodUntouched() throws Exception {
        survivesKills(1, 1);
    }

    @Test
    void fiveVolumesWrittenAtOnceSurviveAKilledNodePlugin() throws Exception {
        survivesKills(5, 1);
    }

    @Test
    void threeKillsInARowLeaveTheWritesUntouched() throws Exception {
        survivesKills(1, 3);
    }

    @Test
    void withoutTheKeeperAKilledNodePluginTakesThePodsMountDown() throws Exception {
        kubelet = Files.createDirectories(dir.resolve("kubelet"));
        startPlugin(false, null);
        String volume = VOLUMES.get(0);
        stageAndPublish(volume);
        long client = LocalMounts.fuseClientOf(staging(volume)).orElseThrow();
        assertThat(pidNamespace(client)).as("the plugin's FUSE client lives in the plugin's PID namespace")
                .isEqualTo(pidNamespace(plugin.java(LIMIT).pid()));
        Writer writer = write(target(volume));
        writer.awaitLines(20);

        int exit = plugin.killJava(LIMIT);
        long killed = System.nanoTime();
        awaitTrue(() -> writer.failure() != null, LIMIT);

        double failedAfter = (System.nanoTime() - killed) / 1e6;
        // A write in flight when the client died fails with "Software caused connection abort"; every one after it
        // with "Transport endpoint is not connected".
        IOException next = writer.writeOnce();
        System.out.printf("control, no keeper: killing the plugin's namespace (exit %d) killed its FUSE client %s;"
                + " the pod's writes failed %.0f ms later after %d lines: %s, then: %s%n", exit,
                ProcessHandle.of(client).isPresent() ? "NOT" : "too", failedAfter, writer.lines(),
                writer.failure().getMessage(), next == null ? "a write went through" : next.getMessage());
        assertThat(ProcessHandle.of(client)).as("the FUSE client died with the namespace").isEmpty();
        assertThat(next).isNotNull().hasMessageContaining(NOT_CONNECTED);
        assertThat(LocalMounts.statfsError(target(volume))).contains(NOT_CONNECTED);

        writer.close();
        startPlugin(false, null);
        awaitHealedAtStart();
        assertThat(plugin.output()).contains("the gluster FUSE client of volume " + volume, "died");
        unpublishAndUnstage(volume);
        assertNothingLeft(List.of(volume));
    }

    @Test
    void aKilledFuseClientIsReportedCountedLoggedAndRemountedThroughTheKeeper() throws Exception {
        kubelet = Files.createDirectories(dir.resolve("kubelet"));
        startKeeper();
        int metricsPort = freePort();
        startPlugin(true, "127.0.0.1:" + metricsPort);
        String volume = VOLUMES.get(0);
        stageAndPublish(volume);
        Path podA = target(volume);
        Files.writeString(podA.resolve("before.txt"), "written before the client died\n");
        long client = LocalMounts.fuseClientOf(staging(volume)).orElseThrow();
        assertThat(pidNamespace(client)).as("the FUSE client is the keeper's, outside the plugin's namespace")
                .isEqualTo(pidNamespace(keeper.pid())).isNotEqualTo(pidNamespace(plugin.java(LIMIT).pid()));
        assertThat(scrape(metricsPort)).contains("gluster_csi_fuse_client_deaths_total 0.0");

        LocalMounts.killFuseClient(staging(volume));
        assertThat(LocalMounts.statfsError(podA)).contains(NOT_CONNECTED);
        long start = System.nanoTime();
        NodeGetVolumeStatsResponse sick = stats(volume, podA);
        double remountMillis = (System.nanoTime() - start) / 1e6;

        @SuppressWarnings("deprecation")
        String condition = sick.getVolumeCondition().getMessage();
        @SuppressWarnings("deprecation")
        boolean abnormal = sick.getVolumeCondition().getAbnormal();
        System.out.printf("a killed FUSE client: NodeGetVolumeStats found it, re-mounted the staging path through"
                + " the keeper and answered in %.0f ms: %s%n", remountMillis, condition);
        assertThat(abnormal).isTrue();
        assertThat(condition).contains(NOT_CONNECTED, "remounted", "until it is restarted");
        assertThat(scrape(metricsPort)).contains("gluster_csi_fuse_client_deaths_total 1.0");
        assertThat(plugin.output()).contains("the gluster FUSE client of volume " + volume, "died under its staging"
                + " path " + staging(volume), "still pointing at the dead mount: [" + podA + "]",
                "must be restarted");

        long remounted = LocalMounts.fuseClientOf(staging(volume)).orElseThrow();
        assertThat(remounted).isNotEqualTo(client);
        assertThat(pidNamespace(remounted)).isEqualTo(pidNamespace(keeper.pid()));
        assertThat(keeper.output()).contains("mounted gluster volume " + volume);
        Path podB = kubelet.resolve("pods/pod-b/volumes/kubernetes.io~csi/" + volume + "/mount");
        node.nodePublishVolume(publishRequest(volume, podB));
        assertThat(podB.resolve("before.txt")).hasContent("written before the client died");
        Files.writeString(podB.resolve("after.txt"), "a new pod works\n");
        assertThat(staging(volume).resolve("after.txt")).hasContent("a new pod works");
        @SuppressWarnings("deprecation")
        boolean newPodAbnormal = stats(volume, podB).getVolumeCondition().getAbnormal();
        @SuppressWarnings("deprecation")
        boolean oldPodAbnormal = stats(volume, podA).getVolumeCondition().getAbnormal();
        assertThat(newPodAbnormal).isFalse();
        assertThat(oldPodAbnormal).as("the old pod must restart").isTrue();
        assertThat(scrape(metricsPort)).as("counted once").contains("gluster_csi_fuse_client_deaths_total 1.0");

        node.nodeUnpublishVolume(NodeUnpublishVolumeRequest.newBuilder().setVolumeId(volume)
                .setTargetPath(podB.toString()).build());
        unpublishAndUnstage(volume);
        assertNothingLeft(List.of(volume));
        assertThat(podB).doesNotExist();
    }

    // ------------------------------------------------------------------ the scenario

    /** Stages and publishes the volumes, writes to each, kills the plugin's namespace as often as asked. */
    private void survivesKills(int volumeCount, int kills) throws Exception {
        kubelet = Files.createDirectories(dir.resolve("kubelet"));
        startKeeper();
        long keeperIdleKiB = keeper.rssKiB();
        startPlugin(true, null);
        List<String> volumes = VOLUMES.subList(0, volumeCount);
        for (String volume : volumes) {
            stageAndPublish(volume);
            long client = LocalMounts.fuseClientOf(staging(volume)).orElseThrow();
            assertThat(pidNamespace(client)).as("the FUSE client of %s is the keeper's", volume)
                    .isEqualTo(pidNamespace(keeper.pid())).isNotEqualTo(pidNamespace(plugin.java(LIMIT).pid()));
            writers.add(write(target(volume)));
        }
        for (Writer writer : writers) {
            writer.awaitLines(20);
        }

        for (int kill = 1; kill <= kills; kill++) {
            ProcessHandle java = plugin.java(LIMIT);
            String namespace = pidNamespace(java.pid());
            assertThat(processesIn(namespace)).as("processes in the plugin's namespace").containsExactly("java");
            int before = totalLines();
            long start = System.nanoTime();
            int exit = plugin.killJava(LIMIT);
            assertThat(java.isAlive()).isFalse();
            startPlugin(true, null);
            awaitHealedAtStart();
            double gapMillis = (System.nanoTime() - start) / 1e6;
            int during = totalLines() - before;
            for (Writer writer : writers) {
                writer.awaitLines(writer.lines() + 20);
            }
            System.out.printf("kill %d of %d with %d volume(s): the plugin's namespace died (exit %d); %.0f ms from the"
                    + " SIGKILL to a restarted plugin done checking its staged volumes; %d lines written meanwhile,"
                    + " none failed%n", kill, kills, volumeCount, exit, gapMillis, during);
            assertThat(writers).allSatisfy(w -> assertThat(w.failure()).as("writes to " + w.file).isNull());
        }

        for (Writer writer : writers) {
            writer.close();
            assertThat(writer.failure()).as("writes to " + writer.file).isNull();
            List<String> lines = Files.readAllLines(writer.file);
            assertThat(lines).as("every line written to " + writer.file).hasSize(writer.lines());
            for (int i = 0; i < lines.size(); i++) {
                assertThat(lines.get(i)).isEqualTo("line " + i);
            }
        }
        assertThat(plugin.output()).contains("checked the staged volumes at start: " + volumeCount + " healthy, 0"
                + " healed, 0 failed").doesNotContain("died under its staging path");
        System.out.printf("%d volume(s), %d kill(s): %s lines written, every one in its file; keeper RSS %d KiB idle,"
                + " %d KiB with %d mount(s); FUSE clients %s KiB%n", volumeCount, kills,
                writers.stream().map(w -> Integer.toString(w.lines())).toList(), keeperIdleKiB, keeper.rssKiB(),
                volumeCount, clientRss(volumes));

        for (String volume : volumes) {
            unpublishAndUnstage(volume);
        }
        assertNothingLeft(volumes);
        assertThat(keeper.output()).contains("unmounted gluster volume " + volumes.get(0));
    }

    // ------------------------------------------------------------------ processes

    private void startKeeper() throws Exception {
        Path socket = Files.createDirectories(dir.resolve("keeper")).resolve("keeper.sock");
        keeper = JarProcess.start(JarProcess.jar("gluster-csi-node.jar"), dir.resolve("keeper.log"),
                JarProcess.Launch.plain().mainClass(KeeperMain.class.getName()).jvmFlags(SMALL_JVM), "--endpoint",
                "unix://" + socket,
                "--kubelet-dir", kubelet.toString(), "--client-log-dir", dir.resolve("logs").toString());
        Duration ready = keeper.awaitSocket(socket, LIMIT);
        System.out.printf("mount keeper answered %d ms after its start%n", ready.toMillis());
    }

    /** The node plugin's jar as PID 1 of a fresh PID namespace, its mount namespace shared. */
    private void startPlugin(boolean withKeeper, String metricsAddress) throws Exception {
        closeChannel();
        Path socket = dir.resolve("node.sock");
        List<String> flags = new ArrayList<>(List.of("--endpoint", "unix://" + socket, "--state-dir",
                dir.resolve("state").toString(), "--client-log-dir", dir.resolve("logs").toString(), "--node-id",
                "keeper-it", "--kubelet-dir", kubelet.toString(), "--mount-timeout", "30"));
        if (withKeeper) {
            flags.addAll(List.of("--mount-keeper", "unix://" + dir.resolve("keeper/keeper.sock")));
        }
        if (metricsAddress != null) {
            flags.addAll(List.of("--metrics-address", metricsAddress));
        }
        pluginStarts++;
        plugin = JarProcess.start(JarProcess.jar("gluster-csi-node.jar"), dir.resolve("node-" + pluginStarts + ".log"),
                JarProcess.Launch.plain().wrappedIn("unshare", "--pid", "--fork", "--kill-child"),
                flags.toArray(String[]::new));
        plugin.awaitSocket(socket, LIMIT);
        String status = Files.readString(Path.of("/proc", Long.toString(plugin.java(LIMIT).pid()), "status"));
        assertThat(status.lines().filter(l -> l.startsWith("NSpid:")).findFirst().orElseThrow())
                .as("the plugin is PID 1 of its own namespace").endsWith("\t1");
        channel = UnixChannel.open(new Endpoint(socket));
        node = NodeGrpc.newBlockingStub(channel.channel()).withDeadlineAfter(5, TimeUnit.MINUTES);
    }

    private void awaitHealedAtStart() throws Exception {
        awaitTrue(() -> {
            try {
                return plugin.output().contains("checked the staged volumes at start");
            } catch (IOException e) {
                return false;
            }
        }, LIMIT);
    }

    private void closeChannel() {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }

    private static String pidNamespace(long pid) throws IOException {
        return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns", "pid")).toString();
    }

    /** The command names of the processes in a PID namespace. */
    private static List<String> processesIn(String namespace) throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    if (Files.readSymbolicLink(proc.resolve("ns/pid")).toString().equals(namespace)) {
                        names.add(Files.readString(proc.resolve("comm")).trim());
                    }
                } catch (IOException e) {
                    // The process exited meanwhile.
                }
            }
        }
        return names;
    }

    /** The resident memory of each volume's FUSE client, in KiB. */
    private List<Long> clientRss(List<String> volumes) throws IOException {
        List<Long> rss = new ArrayList<>();
        for (String volume : volumes) {
            long pid = LocalMounts.fuseClientOf(staging(volume)).orElseThrow();
            rss.add(Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                    .filter(l -> l.startsWith("VmRSS:")).map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")))
                    .findFirst().orElse(-1L));
        }
        return rss;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    private static String scrape(int port) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    // ------------------------------------------------------------------ CSI calls and paths

    private Path staging(String volume) {
        return kubelet.resolve("plugins/kubernetes.io/csi/glusterfs.converged.io/" + volume + "/globalmount");
    }

    private Path target(String volume) {
        return kubelet.resolve("pods/pod-" + volume + "/volumes/kubernetes.io~csi/" + volume + "/mount");
    }

    private NodePublishVolumeRequest publishRequest(String volume, Path target) {
        return NodePublishVolumeRequest.newBuilder().setVolumeId(volume)
                .setStagingTargetPath(staging(volume).toString()).setTargetPath(target.toString())
                .setVolumeCapability(RWX).build();
    }

    private void stageAndPublish(String volume) throws IOException {
        Files.createDirectories(staging(volume));
        node.nodeStageVolume(NodeStageVolumeRequest.newBuilder().setVolumeId(volume)
                .setStagingTargetPath(staging(volume).toString()).setVolumeCapability(RWX)
                .putAllVolumeContext(Map.of("glusterVolume", volume, "servers", SERVERS)).build());
        node.nodePublishVolume(publishRequest(volume, target(volume)));
    }

    private NodeGetVolumeStatsResponse stats(String volume, Path path) {
        return node.nodeGetVolumeStats(NodeGetVolumeStatsRequest.newBuilder().setVolumeId(volume)
                .setVolumePath(path.toString()).build());
    }

    private void unpublishAndUnstage(String volume) {
        node.nodeUnpublishVolume(NodeUnpublishVolumeRequest.newBuilder().setVolumeId(volume)
                .setTargetPath(target(volume).toString()).build());
        node.nodeUnstageVolume(NodeUnstageVolumeRequest.newBuilder().setVolumeId(volume)
                .setStagingTargetPath(staging(volume).toString()).build());
    }

    private void assertNothingLeft(List<String> volumes) throws IOException, InterruptedException {
        assertThat(LocalMounts.under(kubelet)).isEmpty();
        for (String volume : volumes) {
            assertThat(target(volume)).doesNotExist();
            assertThat(staging(volume)).doesNotExist();
            // A client exits on its own once its mount is gone.
            awaitTrue(() -> {
                try {
                    return LocalMounts.fuseClientOf(staging(volume)).isEmpty();
                } catch (IOException e) {
                    return false;
                }
            }, LIMIT);
        }
        try (Stream<Path> records = Files.list(dir.resolve("state"))) {
            assertThat(records.toList()).as("stage records").isEmpty();
        }
    }

    // ------------------------------------------------------------------ the pod's writes

    /** A writer of a new file: the volumes are shared by the tests of this class. */
    private Writer write(Path directory) throws IOException {
        return new Writer(directory.resolve("lines-" + System.nanoTime() + ".txt"));
    }

    private int totalLines() {
        return writers.stream().mapToInt(Writer::lines).sum();
    }

    /** A pod's process: one open file on the published path, a line appended every few milliseconds. */
    private static final class Writer implements AutoCloseable {
        private final Path file;
        private final FileOutputStream out;
        private final AtomicInteger lines = new AtomicInteger();
        private final Thread thread;
        private volatile IOException failure;
        private volatile boolean stop;
        private boolean closed;

        Writer(Path file) throws IOException {
            this.file = file;
            this.out = new FileOutputStream(file.toFile(), true);
            this.thread = new Thread(this::run, "writer-" + file.getParent().getFileName());
            thread.setDaemon(true);
            thread.start();
        }

        private void run() {
            for (int i = 0; !stop; i++) {
                try {
                    out.write(("line " + i + "\n").getBytes(StandardCharsets.UTF_8));
                    lines.incrementAndGet();
                    Thread.sleep(5);
                } catch (IOException e) {
                    failure = e;
                    return;
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        int lines() {
            return lines.get();
        }

        /** One more line, once the writing stopped; its failure, or null when it was written. */
        IOException writeOnce() {
            try {
                out.write("one more\n".getBytes(StandardCharsets.UTF_8));
                return null;
            } catch (IOException e) {
                return e;
            }
        }

        IOException failure() {
            return failure;
        }

        void awaitLines(int count) throws InterruptedException {
            awaitTrue(() -> lines.get() >= count || failure != null, LIMIT);
            assertThat(failure).as("writes to " + file).isNull();
        }

        @Override
        public void close() throws InterruptedException {
            if (closed) {
                return;
            }
            closed = true;
            stop = true;
            thread.join(LIMIT.toMillis());
            try {
                out.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                }
            }
        }
    }

    private static void awaitTrue(BooleanSupplier condition, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + limit);
            }
            Thread.sleep(20);
        }
    }
}
