package io.converged.gluster.controller.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.converged.gluster.controller.csi.QuotaRepairs;
import io.converged.gluster.controller.gluster.GlusterCli;
import io.converged.gluster.controller.provision.Step;
import io.converged.gluster.csi.testing.GlusterPoolExtension;
import io.converged.gluster.csi.testing.GrpcCodes;
import io.converged.gluster.csi.testing.LocalGlusterPool;
import io.converged.gluster.csi.v1.CapacityRange;
import io.converged.gluster.csi.v1.ControllerGrpc;
import io.converged.gluster.csi.v1.CreateVolumeRequest;
import io.converged.gluster.csi.v1.DeleteVolumeRequest;
import io.converged.gluster.csi.runtime.VolumeLocks;
import io.grpc.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many calls at once against a real pool, over the controller's socket: a seeded storm of creates
 * and deletes interleaved at random, and a burst during which one peer's glusterd is killed and
 * started again. Afterwards a consistency check over gluster and every peer's brick root finds no
 * orphan brick, no volume without its bricks and no metadata that disagrees with its volume.
 * {@code -Dreliability.seed=S}, {@code -Dreliability.storm=N} (creates and deletes, default 50) and
 * {@code -Dreliability.burst=N} (creates in the peer-kill burst, default 6) size the runs.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ControllerStormIT {
    @RegisterExtension
    static final GlusterPoolExtension POOL = GlusterPoolExtension.formed(3);

    private static final String ROOT = ControllerCrashIT.ROOT;
    private static final long MIB = 1024L * 1024;
    private static final long SEED = Long.getLong("reliability.seed", 20261127L);
    private static final int STORM = Integer.getInteger("reliability.storm", 50);
    /** Creates in the glusterd-kill burst: 6 in CI; RELIABILITY.md's runs use 12 and more. */
    private static final int BURST = Integer.getInteger("reliability.burst", 6);
    /** Codes a sidecar retries; anything else during a fault is a defect. */
    private static final int THREADS = 6;

    @TempDir
    static Path dir;

    static SocketController controller;
    static ControllerGrpc.ControllerBlockingStub stub;
    static GlusterCli gluster;
    private static final List<String> FIGURES = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void startController() throws Exception {
        controller = SocketController.start(POOL.pool(), dir, Step.Listener.NONE);
        stub = controller.stub();
        gluster = controller.gluster();
    }

    @AfterAll
    static void stopController() {
        if (controller != null) {
            controller.close();
        }
        FIGURES.forEach(System.out::println);
    }

    @AfterEach
    void glusterdBackUp() throws Exception {
        LocalGlusterPool pool = POOL.pool();
        for (LocalGlusterPool.Peer peer : pool.peers()) {
            if (!pool.gluster(peer.index(), "pool", "list").succeeded()) {
                pool.startGlusterd(peer.index());
            }
        }
        pool.awaitConnected();
    }

    private static ControllerGrpc.ControllerBlockingStub call() {
        return stub.withDeadlineAfter(5, TimeUnit.MINUTES);
    }

    static CreateVolumeRequest create(String name, int replica) {
        return CreateVolumeRequest.newBuilder().setName(name).addVolumeCapabilities(ControllerIT.RWX)
                .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(16 * MIB))
                .putParameters("replica", Integer.toString(replica)).build();
    }

    static DeleteVolumeRequest delete(String id) {
        return DeleteVolumeRequest.newBuilder().setVolumeId(id).build();
    }

    private static void assertConsistent(Set<String> expectedVolumes, String after) throws Exception {
        assertThat(PoolAudit.problems(POOL.pool(), gluster, ROOT)).as("consistency after " + after).isEmpty();
        assertThat(new TreeSet<>(PoolAudit.volumes(gluster))).as("volumes after " + after)
                .isEqualTo(new TreeSet<>(expectedVolumes));
    }

    @Test
    @Order(1)
    void aSeededStormOfCreatesAndDeletesLeavesExactlyTheSurvivorsWhole() throws Exception {
        Random random = new Random(SEED);
        // Each create may be sent twice at once (a sidecar retrying a slow call): ABORTED or the same volume.
        record Op(boolean create, int index, boolean duplicate) {
        }
        List<Integer> deleted = new ArrayList<>();
        for (int i = 0; i < STORM; i++) {
            deleted.add(i);
        }
        Collections.shuffle(deleted, random);
        int ghosts = STORM / 5;
        List<Integer> deletedCreated = deleted.subList(0, STORM - ghosts);
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < STORM; i++) {
            ops.add(new Op(true, i, random.nextInt(10) == 0));
        }
        for (int i : deletedCreated) {
            ops.add(new Op(false, i, false));
        }
        for (int g = 0; g < ghosts; g++) {
            ops.add(new Op(false, -1 - g, false));
        }
        Collections.shuffle(ops, random);

        Map<Status.Code, Integer> codes = new EnumMap<>(Status.Code.class);
        Map<Integer, CompletableFuture<Void>> created = new ConcurrentHashMap<>();
        for (int i = 0; i < STORM; i++) {
            created.put(i, new CompletableFuture<>());
        }
        List<String> unexpected = Collections.synchronizedList(new ArrayList<>());
        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        long start = System.nanoTime();
        try {
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (Op op : ops) {
                String name = String.format("storm-%02d", op.index());
                Supplier<CompletableFuture<Void>> submit = () -> CompletableFuture.runAsync(() -> {
                    try {
                        List<Status> seen = op.create()
                                ? GrpcCodes.untilOk(() -> call().createVolume(create(name, 2 + op.index() % 2)))
                                : GrpcCodes.untilOk(() -> call().deleteVolume(delete(op.index() < 0
                                        ? "gcs-storm-ghost-" + (-op.index()) : "gcs-" + name)));
                        synchronized (codes) {
                            seen.forEach(c -> codes.merge(c.getCode(), 1, Integer::sum));
                        }
                        if (!GrpcCodes.endedOk(seen)) {
                            unexpected.add((op.create() ? "create " : "delete ") + name + ": "
                                    + GrpcCodes.describe(seen));
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        unexpected.add("interrupted: " + name);
                    }
                }, threads);
                if (op.create()) {
                    CompletableFuture<Void> first = submit.get();
                    all.add(first);
                    if (op.duplicate()) {
                        all.add(submit.get());
                    }
                    first.whenComplete((v, t) -> created.get(op.index()).complete(null));
                } else if (op.index() >= 0) {
                    // The sidecar deletes a volume only after its create has answered.
                    all.add(created.get(op.index()).thenCompose(v -> submit.get()));
                } else {
                    all.add(submit.get());
                }
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(25, TimeUnit.MINUTES);
        } finally {
            threads.shutdownNow();
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(unexpected).as("calls that did not end OK").isEmpty();
        Set<String> survivors = new TreeSet<>();
        for (int i = 0; i < STORM; i++) {
            if (!deletedCreated.contains(i)) {
                survivors.add(String.format("gcs-storm-%02d", i));
            }
        }
        assertConsistent(survivors, "the storm");
        FIGURES.add(String.format("storm (seed %d): %d creates, %d deletes (%d of never-created ids), %d threads,"
                + " %d ms; codes %s; %d survivors whole, no orphan", SEED, STORM, STORM, ghosts, THREADS, millis,
                new TreeMap<>(codes), survivors.size()));
        for (String id : survivors) {
            call().deleteVolume(delete(id));
        }
        assertConsistent(Set.of(), "deleting the survivors");
    }

    @Test
    @Order(2)
    void aPeersGlusterdKilledDuringABurstLeavesOnlyRetryableFailuresAndNoDebris() throws Exception {
        LocalGlusterPool pool = POOL.pool();
        int deletes = BURST / 2;
        List<String> toDelete = new ArrayList<>();
        for (int i = 0; i < deletes; i++) {
            String name = String.format("burst-old-%02d", i);
            call().createVolume(create(name, 2 + i % 2));
            toDelete.add("gcs-" + name);
        }
        Map<String, Status.Code> outcome = new ConcurrentHashMap<>();
        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        long start = System.nanoTime();
        List<CompletableFuture<Void>> all = new ArrayList<>();
        try {
            List<Runnable> calls = new ArrayList<>();
            for (int i = 0; i < BURST; i++) {
                String name = String.format("burst-new-%02d", i);
                int replica = 2 + i % 2;
                calls.add(() -> outcome.put("create gcs-" + name, GrpcCodes.of(() -> call().createVolume(create(name,
                        replica)))));
            }
            for (String id : toDelete) {
                calls.add(() -> outcome.put("delete " + id, GrpcCodes.of(() -> call().deleteVolume(delete(id)))));
            }
            Collections.shuffle(calls, new Random(SEED));
            for (Runnable c : calls) {
                all.add(CompletableFuture.runAsync(c, threads));
            }
            Thread.sleep(1500);
            pool.killGlusterd(2);
            long killedAt = System.nanoTime();
            Thread.sleep(8000);
            pool.startGlusterd(2);
            pool.awaitConnected();
            FIGURES.add(String.format("burst: glusterd of peer 2 killed %d ms into the burst, down %d ms",
                    (killedAt - start) / 1_000_000, (System.nanoTime() - killedAt) / 1_000_000));
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(15, TimeUnit.MINUTES);
        } finally {
            threads.shutdownNow();
        }
        Map<String, Status.Code> sorted = new TreeMap<>(outcome);
        assertThat(sorted).hasSize(BURST + deletes);
        assertThat(sorted.values()).as("every call OK or retryable: " + sorted)
                .allMatch(c -> c == Status.Code.OK || GrpcCodes.RETRYABLE.contains(c));

        // What was answered OK holds: created volumes whole, deleted ones gone from gluster and disk. A limit or a
        // quota gluster lost after it showed it (peer 2's glusterd resyncing) is the quota check's to set again, as
        // the controller does at start and every --quota-check-interval: one round here. Its repairs of volumes
        // answered OK must be exactly their lost quotas; it may also finish the quota of a volume whose create was
        // not answered OK (a started volume the rollback could not delete waits for its retry).
        Set<String> answeredOk = new TreeSet<>();
        sorted.forEach((call, code) -> {
            if (call.startsWith("create ") && code == Status.Code.OK) {
                answeredOk.add(call.substring("create ".length()));
            }
        });
        List<String> before = PoolAudit.problems(pool, gluster, ROOT);
        Set<String> lostQuotas = new TreeSet<>();
        for (String id : answeredOk) {
            if (before.stream().anyMatch(p -> p.startsWith("volume " + id + " ") && (p.contains("but its quota is")
                    || p.contains("has no quota") || p.contains("but has quota timeouts")))) {
                lostQuotas.add(id);
            }
        }
        List<String> repaired = new QuotaRepairs(controller.backend(), new VolumeLocks(), Duration.ofMinutes(5))
                .round();
        Set<String> repairedOk = new TreeSet<>();
        for (String id : answeredOk) {
            if (repaired.stream().anyMatch(r -> r.startsWith("volume " + id + ":"))) {
                repairedOk.add(id);
            }
        }
        assertThat(repairedOk).as("the quota check repairs exactly the lost quotas of volumes answered OK; all its"
                + " repairs: " + repaired).isEqualTo(lostQuotas);
        FIGURES.add(String.format("burst: %d volume(s) answered OK lost a limit or quota after the burst, repaired by"
                + " one quota check, which also finished %d not answered OK: %s", lostQuotas.size(),
                repaired.size() - repairedOk.size(), repaired));
        List<String> audit = PoolAudit.problems(pool, gluster, ROOT);
        for (Map.Entry<String, Status.Code> e : sorted.entrySet()) {
            String id = e.getKey().substring(e.getKey().indexOf(' ') + 1);
            if (e.getValue() != Status.Code.OK) {
                continue;
            }
            if (e.getKey().startsWith("create")) {
                assertThat(PoolAudit.volumes(gluster)).as("reported created").contains(id);
                assertThat(audit).as("reported created " + id).noneMatch(p -> p.contains(id));
            } else {
                assertThat(gluster.volumeInfo(id)).as("reported deleted " + id).isEmpty();
                for (LocalGlusterPool.Peer peer : pool.peers()) {
                    assertThat(peer.local(ROOT + "/" + id)).as("brick of reported deleted " + id).doesNotExist();
                }
            }
        }
        // The sidecar retries what failed; then every create holds and every delete is done.
        Set<String> expected = new TreeSet<>();
        int retried = 0;
        for (Map.Entry<String, Status.Code> e : sorted.entrySet()) {
            String id = e.getKey().substring(e.getKey().indexOf(' ') + 1);
            boolean isCreate = e.getKey().startsWith("create");
            if (isCreate) {
                expected.add(id);
            }
            if (e.getValue() != Status.Code.OK) {
                retried++;
                String name = id.substring("gcs-".length());
                List<Status> seen = isCreate
                        ? GrpcCodes.untilOk(() -> call().createVolume(create(name,
                                2 + Integer.parseInt(name.substring(10)) % 2)))
                        : GrpcCodes.untilOk(() -> call().deleteVolume(delete(id)));
                assertThat(GrpcCodes.endedOk(seen)).as("retries of " + e.getKey() + ": " + GrpcCodes.describe(seen))
                        .isTrue();
            }
        }
        assertConsistent(expected, "the burst and its retries");
        Map<Status.Code, Long> counts = new TreeMap<>();
        sorted.values().forEach(c -> counts.merge(c, 1L, Long::sum));
        FIGURES.add(String.format("burst: %d creates, %d deletes, %d threads: first answers %s; %d retried to OK;"
                + " no orphan, no half volume", BURST, deletes, THREADS, counts, retried));
        for (String id : expected) {
            call().deleteVolume(delete(id));
        }
        assertConsistent(Set.of(), "deleting the burst's volumes");
    }
}
