package io.converged.gluster.controller.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.converged.gluster.controller.gluster.GlusterCli;
import io.converged.gluster.controller.provision.Step;
import io.converged.gluster.csi.exec.LocalCommandRunner;
import io.converged.gluster.csi.testing.GlusterPoolExtension;
import io.converged.gluster.csi.testing.LocalGlusterPool;
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
 * so that their {@code cp} is still at work when the controller dies. {@code -Dreliability.rounds=N}
 * repeats every kill N times (default 1).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SnapshotCrashIT {
    @RegisterExtension
    static final GlusterPoolExtension POOL = GlusterPoolExtension.formed(3);
    @RegisterExtension
    static final FailureLogs LOGS = new FailureLogs(POOL, () -> SnapshotCrashIT.dir);

    static final String CLAIMS = "crashpool";
    private static final long MIB = 1024L * 1024;
    private static final long SIZE = 512 * MIB;
    private static final long BIG_MIB = Long.getLong("snapshot.crash.mib", 160);
    static final List<Step> SNAPSHOT_STEPS = List.of(Step.SNAPSHOT_RECORDED, Step.SNAPSHOT_COPYING,
            Step.SNAPSHOT_COPIED, Step.SNAPSHOT_READY);
    static final List<Step> RESTORE_STEPS = List.of(Step.RESTORE_STARTED, Step.RESTORE_COPYING,
            Step.RESTORE_COPIED, Step.RESTORE_READY);
    private static final Duration COPY_LIMIT = Duration.ofMinutes(3);
    private static final int ROUNDS = Integer.getInteger("reliability.rounds", 1);

    @TempDir
    static Path dir;

    static Path peersFile;
    static ControllerJars jars;
    static GlusterCli gluster;
    static VolumeMounts mounts;
    static Map<String, String> small;
    static Map<String, String> big;
    private static int orphansFenced;
    private static int healedAudits;

    @BeforeAll
    static void pool() throws Exception {
        LocalGlusterPool pool = POOL.pool();
        for (LocalGlusterPool.Peer peer : pool.peers()) {
            Files.createDirectories(peer.local(SocketController.ROOT));
        }
        peersFile = dir.resolve("peers");
        Files.writeString(peersFile, pool.peersFileText());
        jars = new ControllerJars(dir, peersFile);
        gluster = new GlusterCli(new LocalCommandRunner(), pool.peer(1).cli());
        pool.watchMountsUnder(dir);
        mounts = new VolumeMounts(Files.createDirectories(dir.resolve("mounts")));
    }

    @AfterAll
    static void figures() throws Exception {
        if (mounts != null) {
            mounts.close();
        }
        if (jars != null) {
            System.out.printf("SnapshotCrashIT: %d controller kills at a step, %d controller starts, %d orphaned copy"
                    + " programs fenced, %d audits clean only after a heal, %d round(s)%n", jars.kills(), jars.starts(),
                    orphansFenced, healedAudits, ROUNDS);
        }
    }

    static Snapshot awaitReady(ControllerJars.Controller controller, CreateSnapshotRequest request)
            throws InterruptedException {
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

    static Volume awaitFilled(ControllerJars.Controller controller, CreateVolumeRequest request)
            throws InterruptedException {
        long deadline = System.nanoTime() + COPY_LIMIT.toNanos();
        while (true) {
            try {
                return controller.call().createVolume(request).getVolume();
            } catch (StatusRuntimeException e) {
                if (!SnapshotIT.limitNotKeptYet(e)) {
                    assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(Status.Code.ABORTED);
                }
            }
            assertThat(System.nanoTime()).as("volume " + request.getName() + " filled in time").isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private static String name(String kind, Step step) {
        return kind + "-" + step.name().toLowerCase().replace('_', '-');
    }

    private static String name(String kind, Step step, int round) {
        return name(kind, step) + (round == 0 ? "" : "-" + round);
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

    /**
     * What the audit finds left over: in gluster and on the first brick of every volume, copy mounts, copy
     * programs. A replica that missed an operation (a brick whose connection came up after the copy's first
     * commands) is behind until gluster heals it: the audit, which reads one brick, is taken again once a
     * heal of the pools ran, and only what is left then counts (with the heal state, to tell them apart).
     */
    private static List<String> leftovers(String after) throws Exception {
        List<String> problems = findLeftovers();
        List<String> first = problems;
        if (!problems.isEmpty()) {
            for (String pool : List.of(CLAIMS, "snapshots")) {
                gluster.healIndex(pool);
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (!problems.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(2000);
                problems = findLeftovers();
            }
            if (problems.isEmpty()) {
                System.out.println("SnapshotCrashIT: " + after + ": the first audit found " + first
                        + "; none after a heal of the pools");
                healedAudits++;
            } else {
                for (String pool : List.of(CLAIMS, "snapshots")) {
                    problems.add("heal state of " + pool + ": " + gluster.healSummary(pool));
                }
            }
        }
        return problems.stream().map(problem -> after + ": " + problem).toList();
    }

    private static List<String> findLeftovers() throws Exception {
        List<String> problems = new ArrayList<>(PoolAudit.problems(POOL.pool(), gluster, SocketController.ROOT));
        problems.addAll(SnapshotIT.copyMountsLeft(POOL.pool()));
        copyPrograms().forEach(p -> problems.add("copy program still running: " + p.info().commandLine().orElse("")));
        return problems;
    }

    @Test
    @Order(1)
    void aSnapshotKilledAtAnyStepIsFinishedByTheRetriedCreateSnapshot() throws Exception {
        try (ControllerJars.Controller plain = jars.start(null)) {
            Volume source = SnapshotIT.created(plain.call(), SnapshotIT.claim("pvc-small", SIZE)
                    .putParameters("pool", CLAIMS).build());
            Path files = mounts.mount(source);
            FileTrees.writeSample(files, "crash");
            small = FileTrees.describe(files);
            mounts.unmount(files);
            Volume bigSource = SnapshotIT.created(plain.call(), SnapshotIT.claim("pvc-big", SIZE)
                    .putParameters("pool", CLAIMS).build());
            Path bigFiles = mounts.mount(bigSource);
            writeRandom(bigFiles.resolve("big.bin"), BIG_MIB * MIB);
            big = FileTrees.describe(bigFiles);
            mounts.unmount(bigFiles);
        }
        for (int round = 0; round < ROUNDS; round++) {
            for (Step step : SNAPSHOT_STEPS) {
                snapshotKilledAt(step, round);
            }
        }
    }

    private static void snapshotKilledAt(Step step, int round) throws Exception {
        boolean running = step == Step.SNAPSHOT_COPYING;
        CreateSnapshotRequest request = SnapshotIT.snapshot(name("snapshot", step, round),
                CLAIMS + (running ? "/gcs-pvc-big" : "/gcs-pvc-small")).build();
        try (ControllerJars.Controller crashing = jars.start(step)) {
            crashing.crashAfter(() -> crashing.call().createSnapshot(request));
        }
        if (running) {
            assertThat(copyPrograms()).as("the copy program outlives its controller").isNotEmpty();
            orphansFenced++;
        }
        try (ControllerJars.Controller restarted = jars.start(null)) {
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

    @Test
    @Order(2)
    void aVolumeFillKilledAtAnyStepIsFinishedByTheRetriedCreateVolume() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            for (Step step : RESTORE_STEPS) {
                fillKilledAt(step, round);
            }
        }
    }

    private static void fillKilledAt(Step step, int round) throws Exception {
        boolean running = step == Step.RESTORE_COPYING;
        boolean dedicated = step == Step.RESTORE_COPYING || step == Step.RESTORE_COPIED;
        String from = "snapshots/.csi-snapshots/gcs-" + name("snapshot", running ? Step.SNAPSHOT_COPYING
                : Step.SNAPSHOT_COPIED);
        CreateVolumeRequest request = (dedicated ? SnapshotIT.dedicated(name("pvc", step, round), SIZE)
                : SnapshotIT.claim(name("pvc", step, round), SIZE).putParameters("pool", CLAIMS))
                .setVolumeContentSource(SnapshotIT.fromSnapshot(from)).build();
        try (ControllerJars.Controller crashing = jars.start(step)) {
            crashing.crashAfter(() -> crashing.call().createVolume(request), Status.Code.ABORTED);
        }
        if (running) {
            assertThat(copyPrograms()).as("the copy program outlives its controller").isNotEmpty();
            orphansFenced++;
        }
        try (ControllerJars.Controller restarted = jars.start(null)) {
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

    @Test
    @Order(3)
    void afterwardsEverythingDeletesAndNothingIsLeft() throws Exception {
        try (ControllerJars.Controller plain = jars.start(null)) {
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
        assertThat(jars.kills()).isEqualTo((SNAPSHOT_STEPS.size() + RESTORE_STEPS.size()) * ROUNDS);
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
