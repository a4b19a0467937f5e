package io.converged.gluster.controller.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.converged.gluster.controller.gluster.GlusterCli;
import io.converged.gluster.controller.provision.Step;
import io.converged.gluster.csi.exec.LocalCommandRunner;
import io.converged.gluster.csi.runtime.Endpoint;
import io.converged.gluster.csi.runtime.UnixChannel;
import io.converged.gluster.csi.testing.GlusterPoolExtension;
import io.converged.gluster.csi.testing.JarProcess;
import io.converged.gluster.csi.testing.LocalGlusterPool;
import io.converged.gluster.csi.v1.ControllerGrpc;
import io.converged.gluster.csi.v1.CreateSnapshotRequest;
import io.converged.gluster.csi.v1.CreateVolumeRequest;
import io.converged.gluster.csi.v1.DeleteSnapshotRequest;
import io.converged.gluster.csi.v1.DeleteVolumeRequest;
import io.converged.gluster.csi.v1.ListSnapshotsRequest;
import io.converged.gluster.csi.v1.ListVolumesRequest;
import io.converged.gluster.csi.v1.Snapshot;
import io.converged.gluster.csi.v1.Volume;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
 * The controller jar killed at each step of taking a snapshot and of filling a volume from one (its
 * fault-injection switch {@code GLUSTER_CSI_CRASH_AT} halts the JVM as SIGKILL would, right after the
 * step, on the copy's own thread), then started again: the CreateSnapshot or CreateVolume retried as
 * the sidecars retry it ends with a whole snapshot or a whole volume, the data exactly the source's,
 * and nothing is left over: no copy half-way, no copy mount, no copy program still running (a kill while
 * {@code cp} runs leaves it running on the peer; the restarted controller takes its mounts away). The
 * copies killed while running read a bigger source, {@code -Dsnapshot.crash.mib=N} MiB (default 160),
 * so that their {@code cp} is still at work when the controller dies.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SnapshotCrashIT {
    @RegisterExtension
    static final GlusterPoolExtension POOL = GlusterPoolExtension.formed(3);

    static final String CLAIMS = "crashpool";
    private static final long MIB = 1024L * 1024;
    private static final long SIZE = 512 * MIB;
    private static final long BIG_MIB = Long.getLong("snapshot.crash.mib", 160);
    static final List<Step> SNAPSHOT_STEPS = List.of(Step.SNAPSHOT_RECORDED, Step.SNAPSHOT_COPYING,
            Step.SNAPSHOT_COPIED, Step.SNAPSHOT_READY);
    static final List<Step> RESTORE_STEPS = List.of(Step.RESTORE_STARTED, Step.RESTORE_COPYING,
            Step.RESTORE_COPIED, Step.RESTORE_MOVED, Step.RESTORE_READY);
    private static final Duration COPY_LIMIT = Duration.ofMinutes(3);

    @TempDir
    static Path dir;

    static Path peersFile;
    static GlusterCli gluster;
    static VolumeMounts mounts;
    static Map<String, String> small;
    static Map<String, String> big;
    private static int kills;
    private static int orphansFenced;

    @BeforeAll
    static void pool() throws Exception {
        LocalGlusterPool pool = POOL.pool();
        for (LocalGlusterPool.Peer peer : pool.peers()) {
            Files.createDirectories(peer.local(SocketController.ROOT));
        }
        peersFile = dir.resolve("peers");
        Files.writeString(peersFile, pool.peersFileText());
        gluster = new GlusterCli(new LocalCommandRunner(), pool.peer(1).cli());
        pool.watchMountsUnder(dir);
        mounts = new VolumeMounts(Files.createDirectories(dir.resolve("mounts")));
    }

    @AfterAll
    static void figures() throws Exception {
        if (mounts != null) {
            mounts.close();
        }
        System.out.printf("SnapshotCrashIT: %d controller kills at a step, %d orphaned copy programs fenced%n", kills,
                orphansFenced);
    }

    /** A controller jar over its own socket; with a step, it halts right after that step. */
    private static final class Controller implements AutoCloseable {
        private static int starts;
        final JarProcess process;
        final UnixChannel channel;
        final ControllerGrpc.ControllerBlockingStub stub;

        Controller(Step crashAt) throws Exception {
            Path socket = dir.resolve("controller.sock");
            Map<String, String> env = crashAt == null ? Map.of() : Map.of("GLUSTER_CSI_CRASH_AT", crashAt.name());
            starts++;
            process = JarProcess.start(JarProcess.jar("gluster-csi-controller.jar"),
                    dir.resolve("controller-" + starts + ".log"), env, "--endpoint", "unix://" + socket,
                    "--peers-file", peersFile.toString(), "--allowed-brick-roots", "/mnt",
                    "--pool-mount-root", SocketController.POOL_MOUNTS);
            process.awaitSocket(socket, Duration.ofSeconds(30));
            channel = UnixChannel.open(new Endpoint(socket));
            stub = ControllerGrpc.newBlockingStub(channel.channel());
        }

        ControllerGrpc.ControllerBlockingStub call() {
            return stub.withDeadlineAfter(5, TimeUnit.MINUTES);
        }

        /**
         * Makes the call whose work halts the controller at its step: the call itself dies with it, or (the
         * step on a copy's thread) answers first; either way the process is gone with the code of SIGKILL.
         */
        void crashOn(Runnable call) throws Exception {
            try {
                call.run();
            } catch (StatusRuntimeException e) {
                assertThat(e.getStatus().getCode()).as(e.getStatus().toString())
                        .isIn(Status.Code.UNAVAILABLE, Status.Code.ABORTED);
            }
            assertThat(process.awaitExit(Duration.ofMinutes(2))).as("exit code of the halted controller")
                    .isEqualTo(137);
            assertThat(process.output()).contains("fault injection: halting after");
            kills++;
        }

        @Override
        public void close() {
            channel.close();
            process.close();
        }
    }

    static Snapshot awaitReady(Controller controller, CreateSnapshotRequest request) throws InterruptedException {
        long deadline = System.nanoTime() + COPY_LIMIT.toNanos();
        while (true) {
            Snapshot snapshot = controller.call().createSnapshot(request).getSnapshot();
            if (snapshot.getReadyToUse()) {
                return snapshot;
            }
            assertThat(System.nanoTime()).as("snapshot " + request.getName() + " ready in time").isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    static Volume awaitFilled(Controller controller, CreateVolumeRequest request) throws InterruptedException {
        long deadline = System.nanoTime() + COPY_LIMIT.toNanos();
        while (true) {
            try {
                return controller.call().createVolume(request).getVolume();
            } catch (StatusRuntimeException e) {
                assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(Status.Code.ABORTED);
            }
            assertThat(System.nanoTime()).as("volume " + request.getName() + " filled in time").isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private static String name(String kind, Step step) {
        return kind + "-" + step.name().toLowerCase().replace('_', '-');
    }

    /** The copy programs of this pool still running on the machine. */
    static List<ProcessHandle> copyPrograms() {
        String poolDir = POOL.pool().dir().toString();
        return ProcessHandle.allProcesses().filter(p -> p.info().command().map(c -> c.endsWith("/cp")).orElse(false)
                && String.join(" ", p.info().arguments().orElse(new String[0])).contains(poolDir)).toList();
    }

    static void awaitNoCopyPrograms() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (!copyPrograms().isEmpty()) {
            assertThat(System.nanoTime()).as("orphaned copy programs end").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /** A snapshot's data as a pod would see it, through a FUSE mount of its pool. */
    static Map<String, String> snapshotData(String pool, String snapshotId) throws Exception {
        Volume poolRoot = Volume.newBuilder().putVolumeContext("glusterVolume", pool)
                .putVolumeContext("servers", POOL.pool().peer(1).address()).build();
        Path root = mounts.mount(poolRoot);
        try {
            return FileTrees.describe(root.resolve(snapshotId.substring(snapshotId.indexOf('/') + 1)).resolve("data"));
        } finally {
            mounts.unmount(root);
        }
    }

    private static List<String> leftovers(String after) throws Exception {
        List<String> problems = new ArrayList<>(PoolAudit.problems(POOL.pool(), gluster, SocketController.ROOT));
        problems.addAll(SnapshotIT.copyMountsLeft(POOL.pool()));
        copyPrograms().forEach(p -> problems.add("copy program still running: " + p.info().commandLine().orElse("")));
        return problems.stream().map(problem -> after + ": " + problem).toList();
    }

    @Test
    @Order(1)
    void aSnapshotKilledAtAnyStepIsFinishedByTheRetriedCreateSnapshot() throws Exception {
        try (Controller plain = new Controller(null)) {
            Volume source = plain.call().createVolume(SnapshotIT.claim("pvc-small", SIZE)
                    .putParameters("pool", CLAIMS).build()).getVolume();
            Path files = mounts.mount(source);
            FileTrees.writeSample(files, "crash");
            small = FileTrees.describe(files);
            mounts.unmount(files);
            Volume bigSource = plain.call().createVolume(SnapshotIT.claim("pvc-big", SIZE)
                    .putParameters("pool", CLAIMS).build()).getVolume();
            Path bigFiles = mounts.mount(bigSource);
            writeRandom(bigFiles.resolve("big.bin"), BIG_MIB * MIB);
            big = FileTrees.describe(bigFiles);
            mounts.unmount(bigFiles);
        }
        for (Step step : SNAPSHOT_STEPS) {
            boolean running = step == Step.SNAPSHOT_COPYING;
            CreateSnapshotRequest request = SnapshotIT.snapshot(name("snapshot", step),
                    CLAIMS + (running ? "/gcs-pvc-big" : "/gcs-pvc-small")).build();
            try (Controller crashing = new Controller(step)) {
                crashing.crashOn(() -> crashing.call().createSnapshot(request));
            }
            if (running) {
                assertThat(copyPrograms()).as("the copy program outlives its controller").isNotEmpty();
                orphansFenced++;
            }
            try (Controller restarted = new Controller(null)) {
                Snapshot snapshot = awaitReady(restarted, request);
                awaitNoCopyPrograms();
                assertThat(snapshotData("snapshots", snapshot.getSnapshotId())).as("the data after a kill at " + step)
                        .isEqualTo(running ? big : small);
                assertThat(restarted.call().listSnapshots(ListSnapshotsRequest.newBuilder()
                        .setSnapshotId(snapshot.getSnapshotId()).build()).getEntries(0).getSnapshot().getReadyToUse())
                        .isTrue();
            }
            assertThat(leftovers("a snapshot killed at " + step)).isEmpty();
        }
    }

    @Test
    @Order(2)
    void aVolumeFillKilledAtAnyStepIsFinishedByTheRetriedCreateVolume() throws Exception {
        for (Step step : RESTORE_STEPS) {
            boolean running = step == Step.RESTORE_COPYING;
            boolean dedicated = step == Step.RESTORE_COPYING || step == Step.RESTORE_MOVED;
            String from = "snapshots/.csi-snapshots/gcs-" + name("snapshot", running ? Step.SNAPSHOT_COPYING
                    : Step.SNAPSHOT_COPIED);
            CreateVolumeRequest request = (dedicated ? SnapshotIT.dedicated(name("pvc", step), SIZE)
                    : SnapshotIT.claim(name("pvc", step), SIZE).putParameters("pool", CLAIMS))
                    .setVolumeContentSource(SnapshotIT.fromSnapshot(from)).build();
            try (Controller crashing = new Controller(step)) {
                crashing.crashOn(() -> crashing.call().createVolume(request));
            }
            if (running) {
                assertThat(copyPrograms()).as("the copy program outlives its controller").isNotEmpty();
                orphansFenced++;
            }
            try (Controller restarted = new Controller(null)) {
                Volume volume = awaitFilled(restarted, request);
                awaitNoCopyPrograms();
                Path files = mounts.mount(volume);
                assertThat(FileTrees.describe(files)).as("the data after a kill at " + step)
                        .isEqualTo(running ? big : small);
                mounts.unmount(files);
                assertThat(leftovers("a fill killed at " + step)).isEmpty();
                restarted.call().deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId(volume.getVolumeId())
                        .build());
            }
        }
    }

    @Test
    @Order(3)
    void afterwardsEverythingDeletesAndNothingIsLeft() throws Exception {
        try (Controller plain = new Controller(null)) {
            for (var entry : plain.call().listSnapshots(ListSnapshotsRequest.getDefaultInstance()).getEntriesList()) {
                plain.call().deleteSnapshot(DeleteSnapshotRequest.newBuilder()
                        .setSnapshotId(entry.getSnapshot().getSnapshotId()).build());
            }
            for (var entry : plain.call().listVolumes(ListVolumesRequest.getDefaultInstance()).getEntriesList()) {
                plain.call().deleteVolume(DeleteVolumeRequest.newBuilder()
                        .setVolumeId(entry.getVolume().getVolumeId()).build());
            }
            assertThat(plain.call().listSnapshots(ListSnapshotsRequest.getDefaultInstance()).getEntriesList())
                    .isEmpty();
            assertThat(plain.call().listVolumes(ListVolumesRequest.getDefaultInstance()).getEntriesList()).isEmpty();
        }
        assertThat(leftovers("the end")).isEmpty();
        assertThat(kills).isEqualTo(SNAPSHOT_STEPS.size() + RESTORE_STEPS.size());
    }

    private static void writeRandom(Path file, long bytes) throws Exception {
        Random random = new Random(42);
        byte[] chunk = new byte[1 << 20];
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (long written = 0; written < bytes; written += chunk.length) {
                random.nextBytes(chunk);
                channel.write(ByteBuffer.wrap(chunk));
            }
        }
    }
}
