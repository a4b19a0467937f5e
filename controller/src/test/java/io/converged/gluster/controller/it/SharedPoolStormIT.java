package io.converged.gluster.controller.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.converged.gluster.controller.csi.QuotaRepairs;
import io.converged.gluster.controller.gluster.GlusterCli;
import io.converged.gluster.controller.provision.Step;
import io.converged.gluster.csi.runtime.VolumeLocks;
import io.converged.gluster.csi.testing.GlusterPoolExtension;
import io.converged.gluster.csi.testing.GrpcCodes;
import io.converged.gluster.csi.v1.CapacityRange;
import io.converged.gluster.csi.v1.ControllerGrpc;
import io.converged.gluster.csi.v1.CreateVolumeRequest;
import io.converged.gluster.csi.v1.DeleteVolumeRequest;
import io.converged.gluster.csi.v1.ListVolumesRequest;
import io.converged.gluster.csi.v1.ListVolumesResponse;
import io.converged.gluster.csi.v1.Volume;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
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
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many claim calls at once in one shared pool, over the controller's socket against a real 3-peer
 * pool: a seeded storm of creates (some sent twice at once) and deletes (of created claims and of ids
 * no claim ever had), which also makes the pool, six calls at a time; and the same new claim asked
 * for twice at once. Afterwards the audit finds every directory of the pool a claim with its limit
 * and every limit on its claim's directory, and the claims are exactly the survivors, each listed
 * once. {@code -Dreliability.seed=S} and {@code -Dreliability.sharedStorm=N} (creates, default 40)
 * size the storm. Timings are printed, never asserted.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SharedPoolStormIT {
    @RegisterExtension
    static final GlusterPoolExtension POOL = GlusterPoolExtension.formed(3);

    static final String NAME = "stormpool";
    private static final String ROOT = SocketController.ROOT;
    private static final long MIB = 1024L * 1024;
    private static final long SEED = Long.getLong("reliability.seed", 20261127L);
    private static final int STORM = Integer.getInteger("reliability.sharedStorm", 40);
    private static final int THREADS = 6;
    /** Codes a sidecar retries. */
    private static final Duration PURGE_LIMIT = Duration.ofSeconds(120);

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

    private static ControllerGrpc.ControllerBlockingStub call() {
        return stub.withDeadlineAfter(5, TimeUnit.MINUTES);
    }

    /** Claim i of the storm: sizes 16 to 48 MiB (16 MiB is the smallest), every third with a GID of its range. */
    static CreateVolumeRequest create(String name, int index) {
        CreateVolumeRequest.Builder request = CreateVolumeRequest.newBuilder().setName(name)
                .addVolumeCapabilities(ControllerIT.RWX)
                .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(bytes(index)))
                .putParameters("pool", NAME)
                .putParameters("csi.storage.k8s.io/pvc/name", name)
                .putParameters("csi.storage.k8s.io/pvc/namespace", "storm");
        if (index % 3 == 0) {
            request.putParameters("gidMin", "50000").putParameters("gidMax", "50999");
        }
        return request.build();
    }

    static long bytes(int index) {
        return (16 + 8L * (index % 5)) * MIB;
    }

    static DeleteVolumeRequest delete(String id) {
        return DeleteVolumeRequest.newBuilder().setVolumeId(id).build();
    }

    /** Every claim ListVolumes answers, page by page: id to capacity; an id listed twice fails. */
    private static Map<String, Long> listed() {
        Map<String, Long> ids = new TreeMap<>();
        String token = "";
        do {
            ListVolumesResponse page = call().listVolumes(ListVolumesRequest.newBuilder().setMaxEntries(7)
                    .setStartingToken(token).build());
            page.getEntriesList().forEach(e -> assertThat(ids.put(e.getVolume().getVolumeId(),
                    e.getVolume().getCapacityBytes())).as("listed twice: " + e.getVolume().getVolumeId()).isNull());
            token = page.getNextToken();
        } while (!token.isEmpty());
        return ids;
    }

    private static List<String> audit() throws Exception {
        return PoolAudit.problems(POOL.pool(), gluster, ROOT);
    }

    @Test
    @Order(1)
    void aSeededStormOfClaimCreatesAndDeletesLeavesExactlyTheSurvivorsWholeAndEveryLimitOnItsClaim()
            throws Exception {
        Random random = new Random(SEED);
        // A create may be sent twice at once (a sidecar retrying a slow call): ABORTED, then retried, or the same.
        record Op(boolean create, int index, boolean duplicate) {
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < STORM; i++) {
            order.add(i);
        }
        Collections.shuffle(order, random);
        int survivorCount = STORM / 4;
        List<Integer> deletedCreated = order.subList(0, STORM - survivorCount);
        int ghosts = STORM / 5;
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
        // Completes once every copy of create i has answered.
        Map<Integer, CompletableFuture<Void>> answered = new ConcurrentHashMap<>();
        for (int i = 0; i < STORM; i++) {
            answered.put(i, new CompletableFuture<>());
        }
        List<String> unexpected = Collections.synchronizedList(new ArrayList<>());
        int[] duplicates = new int[1];
        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        long start = System.nanoTime();
        try {
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (Op op : ops) {
                String name = String.format("storm-%02d", op.index());
                // Ghosts: half in the storm's pool, half in a pool never made.
                String id = op.index() >= 0 ? NAME + "/gcs-" + name
                        : (op.index() % 2 == 0 ? NAME : "never-made") + "/gcs-storm-ghost-" + (-op.index());
                Supplier<CompletableFuture<Void>> submit = () -> CompletableFuture.runAsync(() -> {
                    try {
                        List<Status> seen = op.create()
                                ? GrpcCodes.untilOk(() -> call().createVolume(create(name, op.index())))
                                : GrpcCodes.untilOk(() -> call().deleteVolume(delete(id)));
                        synchronized (codes) {
                            seen.forEach(c -> codes.merge(c.getCode(), 1, Integer::sum));
                        }
                        if (!GrpcCodes.endedOk(seen)) {
                            unexpected.add((op.create() ? "create " : "delete ") + id + ": "
                                    + GrpcCodes.describe(seen));
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        unexpected.add("interrupted: " + id);
                    }
                }, threads);
                if (op.create()) {
                    List<CompletableFuture<Void>> copies = new ArrayList<>();
                    copies.add(submit.get());
                    if (op.duplicate()) {
                        copies.add(submit.get());
                        duplicates[0]++;
                    }
                    all.addAll(copies);
                    CompletableFuture.allOf(copies.toArray(CompletableFuture[]::new))
                            .whenComplete((v, t) -> answered.get(op.index()).complete(null));
                } else if (op.index() >= 0) {
                    // The sidecar deletes a claim only after its create (and any retry of it) has answered.
                    all.add(answered.get(op.index()).thenCompose(v -> submit.get()));
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

        Map<String, Long> survivors = new TreeMap<>();
        for (int i = 0; i < STORM; i++) {
            if (!deletedCreated.contains(i)) {
                survivors.put(String.format("gcs-storm-%02d", i), bytes(i));
            }
        }
        long purge = PoolAudit.awaitTrashPurged(gluster, NAME, PURGE_LIMIT).toMillis();
        // Every claim answered OK had its limit read back from a brick. A limit gluster lost after that (finding 3
        // of RELIABILITY.md, cause not found) is the quota check's to set again, as the controller does at start and
        // every --quota-check-interval: one round here, and it must repair exactly the lost limits. The figures
        // keep what gluster ran on each, to find the cause.
        List<String> lostLimits = audit().stream().filter(p -> p.contains(", its limit is ")).toList();
        List<String> repaired = new QuotaRepairs(controller.backend(), new VolumeLocks(), Duration.ofMinutes(5))
                .round();
        assertThat(repaired).as("the quota check repairs exactly the lost limits " + lostLimits)
                .hasSize(lostLimits.size());
        FIGURES.add(String.format("shared storm: %d limit(s) gluster lost after the claims' creates had read them"
                + " back, repaired by one quota check: %s", lostLimits.size(), lostLimits));
        assertThat(audit()).as("consistency after the storm").isEmpty();
        assertThat(PoolAudit.volumes(gluster)).as("gluster volumes after the storm").containsExactly(NAME);
        Map<String, String> claims = PoolAudit.claims(gluster, NAME);
        assertThat(claims.keySet()).as("the pool's directories are the survivors").isEqualTo(survivors.keySet());
        Set<String> gids = new TreeSet<>();
        for (Map.Entry<String, Long> survivor : survivors.entrySet()) {
            String record = claims.get(survivor.getKey());
            assertThat(record).as(survivor.getKey()).contains("request=" + survivor.getKey().substring(4),
                    "capacity=" + survivor.getValue());
            if (record.contains("gid=")) {
                assertThat(gids.add(record.replaceAll(".*gid=([0-9]+).*", "$1"))).as("GID of " + survivor.getKey()
                        + " is its own").isTrue();
            }
        }
        Map<String, Long> expectedListing = new TreeMap<>();
        survivors.forEach((directory, bytes) -> expectedListing.put(NAME + "/" + directory, bytes));
        assertThat(listed()).as("ListVolumes after the storm: each survivor once, with its size")
                .isEqualTo(expectedListing);
        FIGURES.add(String.format("shared storm (seed %d): %d creates (%d sent twice at once), %d deletes (%d of"
                + " never-created ids), %d threads, %d ms (the first calls made the pool); codes %s; %d survivors"
                + " whole and listed once, no directory without its limit, no limit without its claim; trash"
                + " purged %d ms after the last call", SEED, STORM, duplicates[0], deletedCreated.size() + ghosts,
                ghosts, THREADS, millis, new TreeMap<>(codes), survivors.size(), purge));

        long deleteStart = System.nanoTime();
        for (String directory : survivors.keySet()) {
            call().deleteVolume(delete(NAME + "/" + directory));
        }
        long deleteMillis = (System.nanoTime() - deleteStart) / 1_000_000;
        PoolAudit.awaitTrashPurged(gluster, NAME, PURGE_LIMIT);
        assertThat(PoolAudit.claims(gluster, NAME)).as("claims after deleting the survivors").isEmpty();
        assertThat(audit()).as("no limit left after deleting the survivors").isEmpty();
        assertThat(listed()).isEmpty();
        FIGURES.add(String.format("shared storm: the %d survivors deleted one by one in %d ms; the pool holds no"
                + " claim and no limit", survivors.size(), deleteMillis));
    }

    @Test
    @Order(2)
    void theSameNewClaimAskedForTwiceAtOnceIsMadeOnceAndTheOtherCallIsAbortedOrFindsIt() throws Exception {
        int pairs = 8;
        Map<String, Integer> outcomes = new TreeMap<>();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            for (int pair = 0; pair < pairs; pair++) {
                String name = String.format("twice-%02d", pair);
                int index = pair;
                CyclicBarrier together = new CyclicBarrier(2);
                List<CompletableFuture<Object>> both = new ArrayList<>();
                for (int copy = 0; copy < 2; copy++) {
                    both.add(CompletableFuture.supplyAsync(() -> {
                        try {
                            together.await(30, TimeUnit.SECONDS);
                            return call().createVolume(create(name, index)).getVolume();
                        } catch (StatusRuntimeException e) {
                            return e.getStatus().getCode();
                        } catch (Exception e) {
                            return e;
                        }
                    }, threads));
                }
                Object first = both.get(0).get(5, TimeUnit.MINUTES);
                Object second = both.get(1).get(5, TimeUnit.MINUTES);
                List<Object> answers = List.of(first, second);
                String id = NAME + "/gcs-" + name;
                assertThat(answers).as("answers to " + name).allMatch(a -> a == Status.Code.ABORTED
                        || a instanceof Volume v && v.getVolumeId().equals(id));
                assertThat(answers).as("answers to " + name).anyMatch(Volume.class::isInstance);
                List<Volume> volumes = answers.stream().filter(Volume.class::isInstance).map(Volume.class::cast)
                        .toList();
                assertThat(volumes).as("both OK answers are the same claim").allMatch(v -> v.equals(volumes.get(0)));
                String outcome = answers.stream().map(a -> a instanceof Volume ? "OK" : a.toString()).sorted()
                        .toList().toString();
                outcomes.merge(outcome, 1, Integer::sum);

                Map<String, String> claims = new TreeMap<>(PoolAudit.claims(gluster, NAME));
                claims.keySet().removeIf(directory -> !directory.startsWith("gcs-twice-"));
                assertThat(claims).as("one claim for " + name).containsOnlyKeys("gcs-" + name);
                assertThat(claims.get("gcs-" + name)).contains("request=" + name, "capacity=" + bytes(index));
                assertThat(listed()).as("ListVolumes lists the claim once").containsEntry(id, bytes(index));
                assertThat(audit()).as("audit after " + name + " asked twice").isEmpty();
                call().deleteVolume(delete(id));
            }
        } finally {
            threads.shutdownNow();
        }
        PoolAudit.awaitTrashPurged(gluster, NAME, PURGE_LIMIT);
        assertThat(PoolAudit.claims(gluster, NAME).keySet()).noneMatch(directory -> directory.startsWith("gcs-twice"));
        assertThat(audit()).isEmpty();
        FIGURES.add("shared pool, the same new claim asked for twice at once, " + pairs + " times: answers "
                + outcomes + "; one claim each time");
    }
}
