package io.converged.gluster.controller.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.converged.gluster.controller.gluster.GlusterCli;
import io.converged.gluster.controller.gluster.QuotaLimit;
import io.converged.gluster.controller.gluster.VolumeInfo;
import io.converged.gluster.controller.provision.Step;
import io.converged.gluster.csi.exec.LocalCommandRunner;
import io.converged.gluster.csi.testing.GlusterPoolExtension;
import io.converged.gluster.csi.testing.LocalGlusterPool;
import io.converged.gluster.csi.v1.CapacityRange;
import io.converged.gluster.csi.v1.CreateVolumeRequest;
import io.converged.gluster.csi.v1.DeleteVolumeRequest;
import io.converged.gluster.csi.v1.ListVolumesRequest;
import io.converged.gluster.csi.v1.ListVolumesResponse;
import io.converged.gluster.csi.v1.Volume;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller jar killed at each step of a claim's CreateVolume and DeleteVolume in a shared pool,
 * and at each step of making a new pool for its first claim ({@code GLUSTER_CSI_CRASH_AT} halts the
 * JVM as SIGKILL would, right after the step), then started again: the call retried as the sidecar
 * would ends in exactly one whole claim, a DeleteVolume instead leaves no claim directory and no
 * limit, and a retried DeleteVolume leaves nothing of the claim once the trash is purged. A
 * neighbouring claim of the pool is untouched throughout. {@code -Dreliability.rounds=N} repeats
 * every kill N times (default 1).
 *
 * <p>What a crash while making a pool leaves, after a DeleteVolume of its first claim (which
 * answers OK: a delete makes and finishes no pool): the pool holds no claim and no limit. Killed
 * before its metadata ({@code BRICKS_CARVED}, {@code VOLUME_CREATED}) it is no pool of this driver
 * yet: empty carved brick directories, and after {@code VOLUME_CREATED} a created volume without
 * metadata; nothing in it holds data, and the next claim of the class removes it and makes the pool
 * anew. Killed after its metadata, it is the driver's pool, not started (it then holds no claim, and
 * is passed by), or without quota, and the next claim finishes it (the same gluster
 * volume, not a new one). Either way the next claim, in the same controller, leaves a whole pool.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SharedPoolCrashIT {
    private static final Logger LOG = Logger.getLogger(SharedPoolCrashIT.class.getName());

    @RegisterExtension
    static final GlusterPoolExtension POOL = GlusterPoolExtension.formed(3);

    /** The pool the claim steps are killed in; pools made under a kill get names of their own. */
    static final String NAME = "crashpool";
    private static final String ROOT = SocketController.ROOT;
    private static final long MIB = 1024L * 1024;
    static final List<Step> CLAIM_CREATE_STEPS = List.of(Step.CLAIM_DIR_MADE, Step.CLAIM_RECORDED,
            Step.CLAIM_LIMITED);
    static final List<Step> CLAIM_DELETE_STEPS = List.of(Step.CLAIM_UNLIMITED, Step.CLAIM_RELEASED);
    static final List<Step> POOL_STEPS = ControllerCrashIT.CREATE_STEPS;
    private static final int ROUNDS = Integer.getInteger("reliability.rounds", 1);
    private static final Duration PURGE_LIMIT = Duration.ofSeconds(60);

    /** Kept when a test fails: the killed and restarted controllers' logs. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path dir;

    static GlusterCli gluster;
    static ControllerJars jars;
    /** The neighbour's record, which no kill may change. */
    private static String neighbour;
    private static long slowestPurgeMillis;
    private static int poolsMade;

    @BeforeAll
    static void pool() throws Exception {
        LocalGlusterPool pool = POOL.pool();
        for (LocalGlusterPool.Peer peer : pool.peers()) {
            Files.createDirectories(peer.local(ROOT));
        }
        Path peersFile = dir.resolve("peers");
        Files.writeString(peersFile, pool.peersFileText());
        gluster = new GlusterCli(new LocalCommandRunner(), pool.peer(1).cli());
        jars = new ControllerJars(dir, peersFile);
        try (ControllerJars.Controller plain = jars.start(null)) {
            plain.call().createVolume(claim(NAME, "neighbour", 32 * MIB, false));
        }
        neighbour = PoolAudit.claims(gluster, NAME).get("gcs-neighbour");
        assertThat(neighbour).contains("request=neighbour");
    }

    @AfterAll
    static void figures() {
        System.out.printf("SharedPoolCrashIT: %d controller kills at a step, %d controller starts, %d pools made"
                + " under a kill, %d round(s); slowest trash purge after a delete %d ms%n", jars.kills(),
                jars.starts(), poolsMade, ROUNDS, slowestPurgeMillis);
    }

    static CreateVolumeRequest claim(String pool, String name, long bytes, boolean gid) {
        CreateVolumeRequest.Builder request = CreateVolumeRequest.newBuilder().setName(name)
                .addVolumeCapabilities(ControllerIT.RWX)
                .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(bytes))
                .putParameters("pool", pool)
                .putParameters("csi.storage.k8s.io/pvc/name", name)
                .putParameters("csi.storage.k8s.io/pvc/namespace", "crash");
        if (gid) {
            request.putParameters("gidMin", "40000").putParameters("gidMax", "40999");
        }
        return request.build();
    }

    static DeleteVolumeRequest delete(String id) {
        return DeleteVolumeRequest.newBuilder().setVolumeId(id).build();
    }

    private static String slug(Step step) {
        return step.name().toLowerCase().replace('_', '-');
    }

    /** The hard limit on a directory of the pool, -1 when it has none. */
    private static long limit(String pool, String directory) throws Exception {
        Optional<QuotaLimit> limit = gluster.quotaList(pool, "/" + directory);
        return limit.isPresent() && limit.get().hardLimitBytes().isPresent()
                ? limit.get().hardLimitBytes().getAsLong() : -1;
    }

    /** Every volume id ListVolumes answers, page by page, with its capacity; an id listed twice is kept twice. */
    private static List<String> listed(ControllerJars.Controller controller) {
        List<String> ids = new ArrayList<>();
        String token = "";
        do {
            ListVolumesResponse page = controller.call().listVolumes(ListVolumesRequest.newBuilder().setMaxEntries(4)
                    .setStartingToken(token).build());
            page.getEntriesList().forEach(e -> ids.add(e.getVolume().getVolumeId() + " "
                    + e.getVolume().getCapacityBytes()));
            token = page.getNextToken();
        } while (!token.isEmpty());
        return ids;
    }

    private static List<String> audit() throws Exception {
        return PoolAudit.problems(POOL.pool(), gluster, ROOT);
    }

    /** Exactly one whole claim: recorded for its request, limited as recorded, listed once, the audit clean. */
    private static void assertWhole(ControllerJars.Controller controller, String pool, String name, long bytes,
            boolean gid, String after) throws Exception {
        String directory = "gcs-" + name;
        Map<String, String> claims = PoolAudit.claims(gluster, pool);
        assertThat(claims).as("claims after " + after).containsKey(directory);
        assertThat(claims.get(directory)).as("record after " + after).contains("request=" + name,
                "capacity=" + bytes, "onDelete=delete");
        if (gid) {
            assertThat(claims.get(directory)).as("record after " + after).contains("gid=40");
        }
        assertThat(limit(pool, directory)).as("limit after " + after).isEqualTo(bytes);
        assertThat(listed(controller)).as("ListVolumes after " + after)
                .filteredOn(e -> e.startsWith(pool + "/" + directory + " "))
                .containsExactly(pool + "/" + directory + " " + bytes);
        assertThat(audit()).as(() -> "audit after " + after + state(pool)).isEmpty();
    }

    /**
     * What gluster says of a pool (its bricks' processes, entries waiting for heal) and what each brick
     * holds at its root, for a failure's message.
     */
    private static String state(String pool) {
        StringBuilder text = new StringBuilder("\n--- pool " + pool + ":\n");
        text.append(POOL.pool().gluster(1, "volume", "status", pool).stdout());
        text.append(POOL.pool().gluster(1, "volume", "heal", pool, "info").stdout());
        for (LocalGlusterPool.Peer peer : POOL.pool().peers()) {
            Path brick = peer.local(ROOT + "/" + pool + "/brick");
            try (var entries = Files.list(brick)) {
                text.append("brick on ").append(peer.address()).append(": ")
                        .append(entries.map(e -> e.getFileName().toString()).sorted().toList()).append('\n');
            } catch (IOException e) {
                text.append("brick on ").append(peer.address()).append(": ").append(e).append('\n');
            }
        }
        return text.toString();
    }

    /**
     * Nothing of the claim: no directory, no limit (the audit finds any limit without its claim), and the
     * trash purged. Called while a controller runs: the purge is its background work.
     */
    private static void assertGone(String pool, String name, String after) throws Exception {
        assertThat(PoolAudit.claims(gluster, pool)).as(() -> "claims after " + after + state(pool))
                .doesNotContainKey("gcs-" + name);
        long purge = PoolAudit.awaitTrashPurged(gluster, pool, PURGE_LIMIT).toMillis();
        slowestPurgeMillis = Math.max(slowestPurgeMillis, purge);
        assertThat(audit()).as(() -> "audit after " + after + state(pool)).isEmpty();
        assertThat(PoolAudit.claims(gluster, NAME).get("gcs-neighbour")).as("the neighbour after " + after)
                .isEqualTo(neighbour);
        assertThat(limit(NAME, "gcs-neighbour")).isEqualTo(32 * MIB);
    }

    @Test
    @Order(1)
    void aClaimCreateKilledAtAnyStepIsFinishedByTheRetryIntoExactlyOneWholeClaim() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            for (Step step : CLAIM_CREATE_STEPS) {
                String name = "crash-c-" + slug(step);
                String directory = "gcs-" + name;
                long bytes = (20 + step.ordinal() % 4) * MIB;
                boolean gid = (step.ordinal() + round) % 2 == 0;
                try (ControllerJars.Controller crashing = jars.start(step)) {
                    crashing.crashOn(() -> crashing.call().createVolume(claim(NAME, name, bytes, gid)));
                }
                // What the kill left: the directory, then its record; the limit is set while the record is
                // written, so a kill right after the record may find it set or not (the CLI outlives the kill).
                Map<String, String> left = PoolAudit.claims(gluster, NAME);
                assertThat(left).as("directory after a kill at " + step).containsKey(directory);
                if (step == Step.CLAIM_DIR_MADE) {
                    assertThat(left.get(directory)).as("no record yet").isEmpty();
                } else {
                    assertThat(left.get(directory)).contains("request=" + name);
                }
                long limit = limit(NAME, directory);
                switch (step) {
                    case CLAIM_DIR_MADE -> assertThat(limit).as("limit after a kill at " + step).isEqualTo(-1);
                    case CLAIM_RECORDED -> assertThat(limit).as("limit after a kill at " + step).isIn(-1L, bytes);
                    default -> assertThat(limit).as("limit after a kill at " + step).isEqualTo(bytes);
                }

                try (ControllerJars.Controller restarted = jars.start(null)) {
                    Volume volume = restarted.call().createVolume(claim(NAME, name, bytes, gid)).getVolume();
                    assertThat(volume.getVolumeId()).isEqualTo(NAME + "/" + directory);
                    assertThat(volume.getCapacityBytes()).isEqualTo(bytes);
                    assertWhole(restarted, NAME, name, bytes, gid, "the retry of a create killed at " + step);
                    // The same call again changes nothing: the same claim, the same record.
                    Map<String, String> before = PoolAudit.claims(gluster, NAME);
                    assertThat(restarted.call().createVolume(claim(NAME, name, bytes, gid)).getVolume())
                            .isEqualTo(volume);
                    assertThat(PoolAudit.claims(gluster, NAME)).isEqualTo(before);
                    restarted.call().deleteVolume(delete(volume.getVolumeId()));
                    assertGone(NAME, name, "the retried create killed at " + step + " and its delete");
                }
                assertThat(PoolAudit.volumes(gluster)).containsExactly(NAME);
                LOG.info("claim create killed after " + step + ": the retry made one whole claim");
            }
        }
    }

    @Test
    @Order(2)
    void aDeleteInsteadOfTheRetryAfterAClaimCreateKilledAtAnyStepLeavesNoDirectoryAndNoLimit() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            for (Step step : CLAIM_CREATE_STEPS) {
                String name = "crash-d-" + slug(step);
                boolean gid = (step.ordinal() + round) % 2 == 1;
                try (ControllerJars.Controller crashing = jars.start(step)) {
                    crashing.crashOn(() -> crashing.call().createVolume(claim(NAME, name, 16 * MIB, gid)));
                }
                try (ControllerJars.Controller restarted = jars.start(null)) {
                    restarted.call().deleteVolume(delete(NAME + "/gcs-" + name));
                    restarted.call().deleteVolume(delete(NAME + "/gcs-" + name));
                    assertThat(listed(restarted)).noneMatch(e -> e.contains(name));
                    assertGone(NAME, name, "a delete of the create killed at " + step);
                }
                assertThat(PoolAudit.volumes(gluster)).as("only the pool remains").containsExactly(NAME);
            }
        }
    }

    @Test
    @Order(3)
    void aClaimDeleteKilledAtAnyStepIsFinishedByTheRetry() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            for (Step step : CLAIM_DELETE_STEPS) {
                String name = "crash-x-" + slug(step);
                String id = NAME + "/gcs-" + name;
                try (ControllerJars.Controller plain = jars.start(null)) {
                    plain.call().createVolume(claim(NAME, name, 16 * MIB, round % 2 == 1));
                }
                try (ControllerJars.Controller crashing = jars.start(step)) {
                    crashing.crashOn(() -> crashing.call().deleteVolume(delete(id)));
                }
                Map<String, String> left = PoolAudit.claims(gluster, NAME);
                if (step == Step.CLAIM_UNLIMITED) {
                    // The limit goes first; the recorded directory stays until the retry moves it aside.
                    assertThat(left).as("the claim after a kill at " + step).containsKey("gcs-" + name);
                    assertThat(limit(NAME, "gcs-" + name)).isEqualTo(-1);
                } else {
                    assertThat(left).as("the claim after a kill at " + step).doesNotContainKey("gcs-" + name);
                }
                try (ControllerJars.Controller restarted = jars.start(null)) {
                    restarted.call().deleteVolume(delete(id));
                    assertThat(listed(restarted)).noneMatch(e -> e.contains(name));
                    assertGone(NAME, name, "the retried delete killed at " + step);
                }
                assertThat(PoolAudit.volumes(gluster)).containsExactly(NAME);
            }
        }
    }

    @Test
    @Order(4)
    void theFirstClaimOfANewPoolKilledAtAnyPoolStepIsFinishedByTheRetryIntoAWholePoolAndClaim() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            for (Step step : POOL_STEPS) {
                String pool = "mk-a-" + slug(step);
                try (ControllerJars.Controller crashing = jars.start(step)) {
                    crashing.crashOn(() -> crashing.call().createVolume(claim(pool, "first", 24 * MIB, false)));
                }
                poolsMade++;
                Optional<VolumeInfo> left = assertPoolLeftBy(step, pool);
                try (ControllerJars.Controller restarted = jars.start(null)) {
                    Volume volume = restarted.call().createVolume(claim(pool, "first", 24 * MIB, false)).getVolume();
                    assertThat(volume.getVolumeId()).isEqualTo(pool + "/gcs-first");
                    assertWhole(restarted, pool, "first", 24 * MIB, false, "the retry of a pool killed at " + step);
                    assertThat(PoolAudit.claims(gluster, pool)).as("the new pool's claims").containsOnlyKeys(
                            "gcs-first");
                    assertFinishedNotRemade(step, left, pool);
                    assertThat(restarted.call().createVolume(claim(pool, "first", 24 * MIB, false)).getVolume())
                            .isEqualTo(volume);
                    restarted.call().deleteVolume(delete(volume.getVolumeId()));
                    assertGone(pool, "first", "the retried create of a pool killed at " + step + " and its delete");
                }
                assertThat(PoolAudit.claims(gluster, pool)).isEmpty();
                removePool(pool);
                LOG.info("pool make killed after " + step + ": the retry made a whole pool and one whole claim");
            }
        }
    }

    @Test
    @Order(5)
    void aDeleteInsteadOfTheRetryAfterAPoolKilledAtAnyStepLeavesNoClaimAndAPoolTheNextClaimMakesWhole()
            throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            for (Step step : POOL_STEPS) {
                String pool = "mk-d-" + slug(step);
                try (ControllerJars.Controller crashing = jars.start(step)) {
                    crashing.crashOn(() -> crashing.call().createVolume(claim(pool, "first", 24 * MIB, false)));
                }
                poolsMade++;
                try (ControllerJars.Controller restarted = jars.start(null)) {
                    restarted.call().deleteVolume(delete(pool + "/gcs-first"));
                    restarted.call().deleteVolume(delete(pool + "/gcs-first"));
                    assertThat(listed(restarted)).noneMatch(e -> e.startsWith(pool + "/"));
                    // No claim and no limit; the pool is as the kill left it (a delete makes or finishes no pool).
                    Optional<VolumeInfo> left = assertPoolLeftBy(step, pool);
                    if (left.isPresent() && left.get().started()) {
                        assertThat(PoolAudit.limitProblems(POOL.pool(), pool,
                                Path.of(left.get().bricks().get(0).path()))).isEmpty();
                    }
                    // The next claim of the class, in the same controller, removes a pool killed before its
                    // metadata or finishes one killed after; either way the pool is whole, with that claim only.
                    Volume volume = restarted.call().createVolume(claim(pool, "next", 16 * MIB, false)).getVolume();
                    assertWhole(restarted, pool, "next", 16 * MIB, false, "the next claim of a pool killed at "
                            + step);
                    assertThat(PoolAudit.claims(gluster, pool)).containsOnlyKeys("gcs-next");
                    assertFinishedNotRemade(step, left, pool);
                    restarted.call().deleteVolume(delete(volume.getVolumeId()));
                    assertGone(pool, "next", "the next claim of a pool killed at " + step + " and its delete");
                }
                removePool(pool);
            }
        }
    }

    /**
     * What a kill at a pool-making step leaves, as the step says: carves only, then a created volume
     * without metadata, then the pool with its metadata (and quota timeouts) but not started, started
     * without quota, and whole; never a claim directory. Returns the volume, if any.
     */
    private static Optional<VolumeInfo> assertPoolLeftBy(Step step, String pool) throws Exception {
        Optional<VolumeInfo> info = gluster.volumeInfo(pool);
        String as = "pool " + pool + " after a kill at " + step;
        for (LocalGlusterPool.Peer peer : POOL.pool().peers()) {
            Path carve = peer.local(ROOT + "/" + pool + "/brick");
            assertThat(carve).as("carve on " + peer.address() + ", " + as).isDirectory();
            if (step.compareTo(Step.STARTED) < 0) {
                try (var entries = Files.list(carve)) {
                    assertThat(entries.filter(e -> !e.getFileName().toString().startsWith(".glusterfs")).toList())
                            .as("nothing but gluster's own in the carve, " + as).isEmpty();
                }
            }
        }
        if (step == Step.BRICKS_CARVED) {
            assertThat(info).as(as).isEmpty();
            return info;
        }
        assertThat(info).as(as).isPresent();
        Map<String, String> options = info.get().options();
        assertThat(options.containsKey("user.csi.layout")).as("metadata, " + as)
                .isEqualTo(step.compareTo(Step.METADATA_SET) >= 0);
        assertThat(info.get().started()).as("started, " + as).isEqualTo(step.compareTo(Step.STARTED) >= 0);
        assertThat("on".equals(options.get("features.quota"))).as("quota, " + as)
                .isEqualTo(step.compareTo(Step.QUOTA_ENABLED) >= 0);
        // The quota timeouts of the class's enforcement (strict: both 0) go with the metadata, in one volume set.
        boolean strict = "0".equals(options.get("features.soft-timeout"))
                && "0".equals(options.get("features.hard-timeout"));
        assertThat(strict).as("timeouts, " + as).isEqualTo(step.compareTo(Step.METADATA_SET) >= 0);
        if (info.get().started()) {
            assertThat(PoolAudit.claims(gluster, pool)).as("claims, " + as).isEmpty();
        }
        return info;
    }

    /** After its metadata a pool is finished in place (the same gluster volume); before, it is made anew. */
    private static void assertFinishedNotRemade(Step step, Optional<VolumeInfo> left, String pool) throws Exception {
        VolumeInfo now = gluster.volumeInfo(pool).orElseThrow();
        if (step.compareTo(Step.METADATA_SET) >= 0) {
            assertThat(now.id()).as("pool " + pool + " killed at " + step + " is finished, not made anew")
                    .isEqualTo(left.orElseThrow().id());
        }
    }

    /**
     * Removes a pool made by a killed call, as an operator would (no CSI call removes a pool): the
     * controller's mount of it, the volume, the brick directories.
     */
    private static void removePool(String pool) throws Exception {
        LocalGlusterPool local = POOL.pool();
        String mounts = Files.readString(Path.of("/proc/self/mounts"));
        for (LocalGlusterPool.Peer peer : local.peers()) {
            Path mount = peer.local(SocketController.POOL_MOUNTS + "/" + pool);
            if (mounts.contains(" " + mount + " ")) {
                assertThat(new ProcessBuilder("umount", mount.toString()).inheritIO().start().waitFor())
                        .as("umount " + mount).isZero();
            }
        }
        Optional<VolumeInfo> info = gluster.volumeInfo(pool);
        if (info.isPresent()) {
            if (info.get().started()) {
                gluster.stopVolume(pool, true);
            }
            gluster.deleteVolume(pool);
        }
        for (LocalGlusterPool.Peer peer : local.peers()) {
            Path carve = peer.local(ROOT + "/" + pool);
            assertThat(new ProcessBuilder("rm", "-rf", "--one-file-system", "--", carve.toString()).inheritIO()
                    .start().waitFor()).isZero();
        }
        assertThat(PoolAudit.volumes(gluster)).containsExactly(NAME);
        assertThat(audit()).as("audit after removing pool " + pool).isEmpty();
    }
}
