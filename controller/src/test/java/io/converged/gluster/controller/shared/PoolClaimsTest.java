package io.converged.gluster.controller.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.converged.gluster.controller.gluster.VolumeInfo;
import io.converged.gluster.controller.provision.Capacity;
import io.converged.gluster.controller.provision.FakeTrustedPool;
import io.converged.gluster.controller.provision.OnDelete;
import io.converged.gluster.controller.provision.ProvisionedVolume;
import io.converged.gluster.controller.provision.StorageClassParameters;
import io.converged.gluster.controller.provision.Step;
import io.converged.gluster.controller.provision.VolumeNames;
import io.converged.gluster.controller.provision.VolumeRequest;
import io.converged.gluster.csi.runtime.CsiException;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shared-pool layout on scripted gluster peers and a pool's files in memory: what a claim's
 * create, delete and expand do to the files and to gluster, and in which order; how a claim that
 * is there already is met; what a listing holds; and that each call's work is safe to run again
 * after the mount was found gone part-way (and, with the real {@link PoolMounts} over commands,
 * that a gone mount is made again).
 */
class PoolClaimsTest {
    private static final String POOL = "shared";
    private static final String BRICK_ROOT = "/mnt/brick1";
    private static final long BYTES = Capacity.GIB;
    private static final String STAMP = "20250102T030405.000Z";
    private static final String REQUEST = "pvc-a";
    private static final String DIR = "gcs-pvc-a";
    private static final String ID = POOL + "/" + DIR;
    private static final List<String> CLAIM_STEPS = List.of("step CLAIM_DIR_MADE", "step CLAIM_RECORDED",
            "step CLAIM_LIMITED");

    /** Gluster's writes, the files' changes and the claim steps, in the order they happened. */
    private final List<String> timeline = new ArrayList<>();
    private final FakeTrustedPool gluster = new FakeTrustedPool(3).echoWrites(timeline::add);
    private final MemoryMounts mounts = new MemoryMounts();
    private final List<Runnable> purges = new ArrayList<>();
    private final ReentrantLock gids = new ReentrantLock();
    /** The step at which the next call "crashes" (its listener throws), if any. */
    private Step crashAt;
    private final Step.Listener listener = (step, volume) -> {
        if (step == crashAt) {
            crashAt = null;
            throw new IllegalStateException("crash at " + step);
        }
        if (step.name().startsWith("CLAIM_")) {
            timeline.add("step " + step);
        }
    };
    private PoolClaims claims = restarted();

    /** Mounts that hand each pool its files in memory, and run the work once more when the mount is found gone. */
    private final class MemoryMounts implements Mounts {
        private final Map<String, MemoryPoolFiles> pools = new HashMap<>();
        private final List<String> used = new ArrayList<>();

        MemoryPoolFiles of(String pool) {
            return pools.computeIfAbsent(pool, p -> new MemoryPoolFiles(p, timeline::add));
        }

        @Override
        public <T> T with(VolumeInfo pool, Work<T> work) throws CsiException {
            used.add(pool.name());
            MemoryPoolFiles files = of(pool.name());
            try {
                return work.run(files);
            } catch (MountGoneException e) {
                timeline.add("remount " + pool.name());
                return work.run(files);
            }
        }
    }

    /** A new controller process: it knows no pool yet; gluster and the pools' files are as they were. */
    private PoolClaims restarted() {
        return new PoolClaims(gluster.trusted(), gluster.creator(listener, gids), mounts, listener, gids,
                FakeTrustedPool.clock(), purges::add);
    }

    private MemoryPoolFiles files() {
        return mounts.of(POOL);
    }

    private static Map<String, String> classOf(String... keysAndValues) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("pool", POOL);
        for (int i = 0; i < keysAndValues.length; i += 2) {
            parameters.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return parameters;
    }

    private static VolumeRequest request(String name, long bytes, Map<String, String> parameters) throws CsiException {
        StorageClassParameters p = StorageClassParameters.parse(parameters);
        return new VolumeRequest(name, p.pool().orElseThrow() + "/" + VolumeNames.forRequest(p.volumeNamePrefix(),
                name), bytes, p);
    }

    private static VolumeRequest request(String name) throws CsiException {
        return request(name, BYTES, classOf());
    }

    private static String record(VolumeRequest request) {
        return ClaimRecord.of(request, OptionalInt.empty()).render();
    }

    private static String record(String requestName, long bytes, OnDelete onDelete) {
        return new ClaimRecord(requestName, bytes, onDelete, OptionalInt.empty(), Optional.empty(), Optional.empty(),
                false).render();
    }

    private static String limit(String dir, long bytes) {
        return "p1: gluster volume quota " + POOL + " limit-usage /" + dir + " " + bytes;
    }

    private static String unlimit(String dir) {
        return "p1: gluster volume quota " + POOL + " remove /" + dir;
    }

    private static CsiException failure(ThrowingCallable call) {
        CsiException failure = catchThrowableOfType(CsiException.class, call);
        assertThat(failure).as("the call must fail").isNotNull();
        return failure;
    }

    /** Runs the background purges, and those they queue. */
    private void purge() {
        while (!purges.isEmpty()) {
            List<Runnable> now = List.copyOf(purges);
            purges.clear();
            now.forEach(Runnable::run);
        }
    }

    /** What happened since the timeline had this many entries. */
    private List<String> since(int mark) {
        return List.copyOf(timeline.subList(mark, timeline.size()));
    }

    private FakeTrustedPool poolExists() {
        return gluster.hasPool(POOL, BRICK_ROOT, 3);
    }

    // ---------------------------------------------------------------- create

    @Test
    void theFirstClaimMakesThePoolAndLaterClaimsOfItRunNoGlusterCommandButTheirLimitReadBackFromABrick()
            throws Exception {
        ProvisionedVolume first = claims.create(request(REQUEST));

        String brick = BRICK_ROOT + "/" + POOL + "/brick";
        assertThat(gluster.writes()).containsExactly(
                "p1: mkdir -- " + BRICK_ROOT + "/" + POOL + " " + brick,
                "p2: mkdir -- " + BRICK_ROOT + "/" + POOL + " " + brick,
                "p3: mkdir -- " + BRICK_ROOT + "/" + POOL + " " + brick,
                "p1: gluster volume create " + POOL + " replica 3 10.0.0.1:" + brick + " 10.0.0.2:" + brick
                        + " 10.0.0.3:" + brick + " force",
                "p1: gluster volume set " + POOL + " user.csi.driver glusterfs.converged.io user.csi.layout pool"
                        + " user.csi.brick-root " + BRICK_ROOT + " user.csi.quota-enforcement strict"
                        + " features.soft-timeout 0 features.hard-timeout 0",
                "p1: gluster volume start " + POOL,
                "p1: gluster volume quota " + POOL + " enable",
                limit(DIR, BYTES));
        assertThat(gluster.hasVolumeNamed(POOL)).isTrue();
        assertThat(first.id()).isEqualTo(ID);
        assertThat(first.pool()).contains(POOL);
        assertThat(first.glusterVolume()).isEqualTo(POOL);
        assertThat(first.directory()).isEqualTo(DIR);
        assertThat(first.requestName()).isEqualTo(REQUEST);
        assertThat(first.capacityBytes()).isEqualTo(BYTES);
        assertThat(first.replica()).isEqualTo(3);
        assertThat(first.servers()).containsExactly("10.0.0.1", "10.0.0.2", "10.0.0.3");
        assertThat(first.bricks()).extracting(ProvisionedVolume.Brick::path).containsOnly(brick);
        assertThat(first.brickRoot()).isEqualTo(BRICK_ROOT);
        assertThat(first.gid()).isEmpty();
        assertThat(first.onDelete()).isEqualTo(OnDelete.DELETE);

        int mark = gluster.log().size();
        ProvisionedVolume second = claims.create(request("pvc-b"));

        assertThat(gluster.log().subList(mark, gluster.log().size())).containsExactly(limit("gcs-pvc-b", BYTES),
                "p1: getfattr --absolute-names -d -m ^trusted\\.glusterfs\\.quota\\.limit-set -e hex -- " + brick
                        + "/gcs-pvc-b");
        assertThat(second.id()).isEqualTo(POOL + "/gcs-pvc-b");
        assertThat(files().directories()).containsOnlyKeys(DIR, "gcs-pvc-b");
    }

    @Test
    void aLimitNoBrickCanShowIsReadBackWithQuotaList() throws Exception {
        // Peers whose bricks this process cannot read (another container than the peers): gluster's own list.
        claims.create(request(REQUEST));
        for (int peer = 1; peer <= 3; peer++) {
            gluster.fails(peer, 1, "getfattr: No such file or directory", "getfattr");
        }
        int mark = gluster.log().size();

        claims.create(request("pvc-b"));

        assertThat(gluster.log().subList(mark, gluster.log().size())).contains(limit("gcs-pvc-b", BYTES),
                "p1: gluster volume quota " + POOL + " list /gcs-pvc-b");
    }

    @Test
    void aClaimWhoseLimitGlusterLostIsASuspectAndItsRepairSetsTheLimitAgain() throws Exception {
        poolExists();
        claims.create(request(REQUEST));
        claims.create(request("pvc-b"));
        gluster.lostLimit(POOL, "/" + DIR);

        List<String> suspects = claims.quotaSuspects();
        assertThat(suspects).containsExactly(ID);
        int mark = gluster.log().size();
        assertThat(claims.repairQuota(ID)).hasValueSatisfying(m -> assertThat(m)
                .isEqualTo("claim " + ID + ": its limit of " + BYTES + " bytes was missing; repaired"));
        assertThat(gluster.log().subList(mark, gluster.log().size())).contains(limit(DIR, BYTES));
    }

    @Test
    void aControllerThatFindsThePoolMadeBeforeWritesNothingToGlusterButTheClaimsLimit() throws Exception {
        poolExists();

        claims.create(request(REQUEST));

        assertThat(gluster.writes()).containsExactly(limit(DIR, BYTES));
    }

    @Test
    void aClaimIsItsDirectoryMadeThenRecordedWhileGlusterLimitsIt() throws Exception {
        // The limit runs on the lookup executor, here the calling thread: it shows before the record.
        poolExists();
        VolumeRequest request = request(REQUEST);

        claims.create(request);

        assertThat(timeline).containsExactly("mkdir " + DIR, "step CLAIM_DIR_MADE", limit(DIR, BYTES), "record "
                + DIR + " " + record(request), "step CLAIM_RECORDED", "step CLAIM_LIMITED");
        assertThat(files().directories()).containsExactly(Map.entry(DIR, Optional.of(record(request))));
    }

    @Test
    void theRecordCarriesTheRequestTheCapacityTheOnDeleteAndThePvc() throws Exception {
        poolExists();

        claims.create(request(REQUEST, 3 * BYTES, classOf("onDelete", "archive",
                "csi.storage.k8s.io/pvc/namespace", "team-a", "csi.storage.k8s.io/pvc/name", "data-0")));

        assertThat(files().directories().get(DIR).flatMap(ClaimRecord::parse)).contains(new ClaimRecord(REQUEST,
                3 * BYTES, OnDelete.ARCHIVE, OptionalInt.empty(), Optional.of("team-a"), Optional.of("data-0"),
                false));
    }

    @Test
    void aRetriedCreateOfTheSameRequestFindsItsClaimSetsTheLimitAgainAndMakesNothing() throws Exception {
        poolExists();
        ProvisionedVolume made = claims.create(request(REQUEST));
        int mark = timeline.size();

        ProvisionedVolume again = claims.create(request(REQUEST));

        assertThat(since(mark)).containsExactly(limit(DIR, BYTES), "step CLAIM_LIMITED");
        assertThat(again).isEqualTo(made);
    }

    @Test
    void aRetryInANewProcessFindsTheClaimAsWell() throws Exception {
        poolExists();
        ProvisionedVolume made = claims.create(request(REQUEST));
        int mark = timeline.size();

        ProvisionedVolume again = restarted().create(request(REQUEST));

        assertThat(since(mark)).containsExactly(limit(DIR, BYTES), "step CLAIM_LIMITED");
        assertThat(again).isEqualTo(made);
    }

    @Test
    void aClaimToFillIsRecordedFillingWithoutALimitUntilCreateFindsItFullAndLimitsIt() throws Exception {
        poolExists();
        VolumeRequest request = request(REQUEST);
        String filling = ClaimRecord.of(request, OptionalInt.empty()).asFilling().render();

        ProvisionedVolume made = claims.createToFill(request);

        assertThat(filling).endsWith(";state=filling");
        assertThat(timeline).containsExactly("mkdir " + DIR, "step CLAIM_DIR_MADE", "record " + DIR + " " + filling,
                "step CLAIM_RECORDED");
        assertThat(gluster.writes()).isEmpty();
        assertThat(made.capacityBytes()).isEqualTo(BYTES);
        assertThat(claims.list()).extracting(ProvisionedVolume::id).containsExactly(ID);

        int mark = timeline.size();
        assertThat(restarted().createToFill(request)).as("asked again while it fills").isEqualTo(made);
        assertThat(since(mark)).isEmpty();
        assertThat(claims.quotaSuspects()).as("a claim being filled lacks its limit on purpose").isEmpty();
        assertThat(claims.repairQuota(ID)).isEmpty();
        assertThat(gluster.writes()).isEmpty();

        ProvisionedVolume full = claims.create(request);

        assertThat(since(mark)).containsExactly(limit(DIR, BYTES), "step CLAIM_LIMITED", "record " + DIR + " "
                + record(request));
        assertThat(full).isEqualTo(made);
        assertThat(files().directories()).containsExactly(Map.entry(DIR, Optional.of(record(request))));
        assertThat(claims.quotaSuspects()).isEmpty();
    }

    @Test
    void aClaimToFillThatIsAlreadyAnOrdinaryClaimIsAnsweredAsCreateAnswersIt() throws Exception {
        poolExists();
        ProvisionedVolume made = claims.create(request(REQUEST));
        int mark = timeline.size();

        assertThat(claims.createToFill(request(REQUEST))).isEqualTo(made);

        assertThat(since(mark)).containsExactly(limit(DIR, BYTES), "step CLAIM_LIMITED");
    }

    @ParameterizedTest
    @EnumSource(value = Step.class, names = {"CLAIM_DIR_MADE", "CLAIM_RECORDED", "CLAIM_LIMITED"})
    void aCreateCutShortAfterAnyStepIsFinishedByItsRetryWithOneDirectoryAndItsRecord(Step step) throws Exception {
        poolExists();
        VolumeRequest request = request(REQUEST);
        crashAt = step;

        failure(() -> claims.create(request));
        ProvisionedVolume volume = restarted().create(request);

        assertThat(volume.id()).isEqualTo(ID);
        assertThat(files().directories()).containsExactly(Map.entry(DIR, Optional.of(record(request))));
        assertThat(timeline).endsWith("step CLAIM_LIMITED");
        assertThat(since(timeline.lastIndexOf("step CLAIM_DIR_MADE"))).contains(limit(DIR, BYTES));
    }

    @Test
    void anEmptyDirectoryWithoutARecordThatACrashAfterMkdirLeftIsMadeAnew() throws Exception {
        poolExists();
        files().has(DIR, Optional.empty(), false);
        VolumeRequest request = request(REQUEST);

        claims.create(request);

        assertThat(timeline).containsExactly("rmdir " + DIR, "mkdir " + DIR, "step CLAIM_DIR_MADE",
                limit(DIR, BYTES), "record " + DIR + " " + record(request), "step CLAIM_RECORDED",
                "step CLAIM_LIMITED");
    }

    static Stream<Arguments> directoriesTheRequestDoesNotOwn() {
        return Stream.of(
                Arguments.of("a directory without a record that holds something", Optional.empty(), true,
                        "did not record as a claim"),
                Arguments.of("another request's claim", Optional.of(record("pvc-other", BYTES, OnDelete.DELETE)),
                        false, "belongs to another request (pvc-other)"),
                Arguments.of("this request's claim of another capacity",
                        Optional.of(record(REQUEST, 2 * BYTES, OnDelete.DELETE)), false,
                        "with capacity " + 2 * BYTES + " bytes, asked " + BYTES),
                Arguments.of("a directory kept by onDelete=retain", Optional.of(ClaimRecord.parse(record(REQUEST,
                        BYTES, OnDelete.RETAIN)).orElseThrow().asRetained().render()), false, "onDelete=retain"),
                Arguments.of("a record this driver cannot read", Optional.of("v=9;someone=else"), false,
                        "cannot read"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("directoriesTheRequestDoesNotOwn")
    void aDirectoryTheRequestDoesNotOwnIsAlreadyExistsAndNothingIsWritten(String what, Optional<String> record,
            boolean holdsFiles, String message) throws Exception {
        poolExists();
        files().has(DIR, record, holdsFiles);

        CsiException failure = failure(() -> claims.create(request(REQUEST)));

        assertThat(failure.code()).isEqualTo(Status.Code.ALREADY_EXISTS);
        assertThat(failure).hasMessageContaining(message);
        assertThat(timeline).isEmpty();
        assertThat(files().directories()).containsExactly(Map.entry(DIR, record));
    }

    @Test
    void aClaimLargerThanThePoolsFreeSpaceIsResourceExhaustedAndMakesNothing() throws Exception {
        poolExists();
        files().free(BYTES - 1);

        CsiException failure = failure(() -> claims.create(request(REQUEST)));

        assertThat(failure.code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(failure).hasMessageContaining(Long.toString(BYTES - 1));
        assertThat(timeline).isEmpty();
        assertThat(files().directories()).isEmpty();
    }

    @Test
    void claimsMadeOneAfterAnotherMeasureThePoolOnce() throws Exception {
        poolExists();
        claims.create(request(REQUEST));
        claims.create(request("pvc-second"));

        assertThat(files().operations().stream().filter("space"::equals)).hasSize(1);
    }

    @Test
    void aClaimMadeOnTheRoomLastMeasuredStillFindsAMountThatWentAwayBeforeItMakesItsDirectory() throws Exception {
        poolExists();
        claims.create(request(REQUEST));
        files().goneBefore("verify");

        claims.create(request("pvc-second"));

        assertThat(timeline).containsSubsequence("remount " + POOL, "mkdir gcs-pvc-second");
        assertThat(files().operations().stream().filter("space"::equals)).hasSize(1);
    }

    @Test
    void aClaimLargerThanTheRoomLastMeasuredIsJudgedOnAFreshMeasurement() throws Exception {
        poolExists();
        claims.create(request(REQUEST));
        files().free(150 * Capacity.GIB);

        claims.create(request("pvc-second", 120 * Capacity.GIB, classOf()));
        files().free(BYTES - 1);
        CsiException failure = failure(() -> claims.create(request("pvc-third", 200 * Capacity.GIB, classOf())));

        assertThat(failure.code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(failure).hasMessageContaining(Long.toString(BYTES - 1));
        assertThat(files().operations().stream().filter("space"::equals)).hasSize(3);
    }

    @Test
    void aRetriedCreateSucceedsThoughThePoolFilledUpSinceItsDirectoryWasMade() throws Exception {
        poolExists();
        claims.create(request(REQUEST));
        files().free(0);

        assertThat(claims.create(request(REQUEST)).id()).isEqualTo(ID);
    }

    static Stream<Arguments> contradictingClasses() {
        return Stream.of(
                Arguments.of(classOf("replica", "2"), "replica 3, asked replica 2"),
                Arguments.of(classOf("replica", "3", "arbiter", "true"), "replica 3, asked replica 3 arbiter 1"),
                Arguments.of(classOf("brickRoot", "/mnt/brick2"), "brickRoot " + BRICK_ROOT + ", asked /mnt/brick2"),
                Arguments.of(classOf("volumeOptions", "performance.quick-read=off"),
                        "volume option performance.quick-read is unset, asked off"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("contradictingClasses")
    void aClassThatContradictsThePoolFoundInGlusterIsInvalidArgumentNamingTheDifference(Map<String, String> parameters,
            String difference) throws Exception {
        poolExists();

        CsiException failure = failure(() -> claims.create(request(REQUEST, BYTES, parameters)));

        assertThat(failure.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(failure).hasMessageContaining("shared pool " + POOL).hasMessageContaining(difference);
        assertThat(timeline).isEmpty();
        assertThat(files().directories()).isEmpty();
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("contradictingClasses")
    void aClassThatContradictsAPoolThisProcessKnowsIsInvalidArgumentNamingTheDifference(
            Map<String, String> parameters, String difference) throws Exception {
        poolExists();
        claims.create(request("pvc-b"));
        int mark = timeline.size();

        CsiException failure = failure(() -> claims.create(request(REQUEST, BYTES, parameters)));

        assertThat(failure.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(failure).hasMessageContaining(difference);
        assertThat(since(mark)).isEmpty();
        assertThat(files().directories()).containsOnlyKeys("gcs-pvc-b");
    }

    // ---------------------------------------------------------------- GIDs

    @Test
    void aGidClassGetsTheLowestGidNoClaimOfThePoolAndNoDedicatedVolumeHolds() throws Exception {
        poolExists().hasDedicated("gcs-dedicated", OptionalInt.of(2000));
        files().has("gcs-old", new ClaimRecord("pvc-old", BYTES, OnDelete.DELETE, OptionalInt.of(2001),
                Optional.empty(), Optional.empty(), false).render());
        files().has("gcs-kept", new ClaimRecord("pvc-kept", BYTES, OnDelete.RETAIN, OptionalInt.of(2002),
                Optional.empty(), Optional.empty(), true).render());
        VolumeRequest request = request(REQUEST, BYTES, classOf("gidMin", "2000", "gidMax", "2010"));

        ProvisionedVolume volume = claims.create(request);

        assertThat(volume.gid()).hasValue(2003);
        assertThat(files().group(DIR)).hasValue(2003);
        assertThat(timeline).containsExactly("mkdir " + DIR, "step CLAIM_DIR_MADE", limit(DIR, BYTES),
                "chgrp " + DIR + " 2003",
                "record " + DIR + " " + ClaimRecord.of(request, OptionalInt.of(2003)).render(),
                "step CLAIM_RECORDED", "step CLAIM_LIMITED");
        assertThat(gids.isLocked()).isFalse();
    }

    @Test
    void aGidClassWhoseRangeIsTakenIsResourceExhaustedAndReleasesTheGidLock() throws Exception {
        poolExists().hasDedicated("gcs-dedicated", OptionalInt.of(2000));
        files().has("gcs-old", new ClaimRecord("pvc-old", BYTES, OnDelete.DELETE, OptionalInt.of(2001),
                Optional.empty(), Optional.empty(), false).render());

        CsiException failure = failure(() -> claims.create(request(REQUEST, BYTES, classOf("gidMin", "2000",
                "gidMax", "2001"))));

        assertThat(failure.code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(gids.isLocked()).isFalse();
        assertThat(files().directories()).as("the GID is chosen before anything is made").doesNotContainKey(DIR);
        assertThat(gluster.writes()).isEmpty();
    }

    // ---------------------------------------------------------------- delete

    private void hasClaim(OnDelete onDelete) {
        files().has(DIR, record(REQUEST, BYTES, onDelete));
    }

    @Test
    void deleteRemovesTheLimitThenMovesTheClaimIntoTheTrashAndThePurgeRemovesIt() throws Exception {
        poolExists();
        hasClaim(OnDelete.DELETE);

        claims.delete(ID);

        assertThat(timeline).containsExactly(unlimit(DIR), "step CLAIM_UNLIMITED",
                "mv " + DIR + " .csi-trash/" + DIR + "." + STAMP, "step CLAIM_RELEASED");
        assertThat(files().directories()).isEmpty();
        assertThat(files().aside(".csi-trash")).containsExactly(DIR + "." + STAMP);

        purge();

        assertThat(files().aside(".csi-trash")).isEmpty();
        assertThat(files().changes()).containsOnlyOnce("rm .csi-trash/" + DIR + "." + STAMP);
    }

    @Test
    void deleteOfAnArchiveClaimMovesItIntoTheArchiveWhereThePurgeLeavesIt() throws Exception {
        poolExists();
        hasClaim(OnDelete.ARCHIVE);

        claims.delete(ID);
        purge();

        assertThat(timeline).containsExactly(unlimit(DIR), "step CLAIM_UNLIMITED",
                "mv " + DIR + " .csi-archive/" + DIR + "." + STAMP, "step CLAIM_RELEASED");
        assertThat(files().aside(".csi-archive")).containsExactly(DIR + "." + STAMP);
        assertThat(files().directories()).isEmpty();
    }

    @Test
    void deleteOfARetainClaimMarksItsRecordRetainedAndLeavesTheDirectory() throws Exception {
        poolExists();
        hasClaim(OnDelete.RETAIN);
        String retained = ClaimRecord.parse(record(REQUEST, BYTES, OnDelete.RETAIN)).orElseThrow().asRetained()
                .render();

        claims.delete(ID);
        purge();

        assertThat(timeline).containsExactly(unlimit(DIR), "step CLAIM_UNLIMITED", "record " + DIR + " " + retained,
                "step CLAIM_RELEASED");
        assertThat(files().directories()).containsExactly(Map.entry(DIR, Optional.of(retained)));
        assertThat(claims.find(ID)).isEmpty();
        assertThat(claims.list()).isEmpty();
    }

    @Test
    void aClaimsTrashThatACrashLeftIsPurgedWhenAProcessFirstMeetsThePool() throws Exception {
        poolExists();
        files().hasAside(".csi-trash", "gcs-old." + STAMP).hasAside(".csi-archive", "gcs-kept." + STAMP);

        claims.find(ID);
        purge();

        assertThat(files().aside(".csi-trash")).isEmpty();
        assertThat(files().aside(".csi-archive")).containsExactly("gcs-kept." + STAMP);
    }

    @ParameterizedTest
    @EnumSource(OnDelete.class)
    void deletingTwiceSucceedsAndTheSecondTimeChangesNothing(OnDelete onDelete) throws Exception {
        poolExists();
        hasClaim(onDelete);
        claims.delete(ID);
        purge();
        int mark = timeline.size();

        claims.delete(ID);
        restarted().delete(ID);
        purge();

        assertThat(since(mark)).isEmpty();
    }

    @Test
    void deletingAClaimWhoseDirectoryIsGoneSucceedsAndChangesNothing() throws Exception {
        poolExists();

        claims.delete(ID);

        assertThat(timeline).isEmpty();
    }

    @Test
    void deletingAClaimOfAPoolThatDoesNotExistSucceedsAndTouchesNoFiles() throws Exception {
        claims.delete(ID);

        assertThat(gluster.log()).containsExactly("p1: gluster volume info " + POOL);
        assertThat(mounts.used).isEmpty();
        assertThat(purges).isEmpty();
    }

    @Test
    void deletingAClaimOfADedicatedVolumeNamedAsThePoolSucceedsAndTouchesNoFiles() throws Exception {
        gluster.hasDedicated(POOL, OptionalInt.empty());

        claims.delete(ID);

        assertThat(gluster.writes()).isEmpty();
        assertThat(mounts.used).isEmpty();
    }

    @Test
    void deletingAnUnrecordedDirectoryThatHoldsSomethingIsFailedPreconditionAndChangesNothing() throws Exception {
        poolExists();
        files().has(DIR, Optional.empty(), true);

        CsiException failure = failure(() -> claims.delete(ID));

        assertThat(failure.code()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(failure).hasMessageContaining(DIR).hasMessageContaining("refusing to delete");
        assertThat(timeline).isEmpty();
    }

    @Test
    void deletingADirectoryWithARecordThisDriverCannotReadIsFailedPreconditionAndChangesNothing() throws Exception {
        poolExists();
        files().has(DIR, "v=2;whatever");

        CsiException failure = failure(() -> claims.delete(ID));

        assertThat(failure.code()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(timeline).isEmpty();
    }

    @Test
    void deletingTheEmptyUnrecordedDirectoryACrashedCreateLeftRemovesIt() throws Exception {
        poolExists();
        files().has(DIR, Optional.empty(), false);

        claims.delete(ID);

        assertThat(timeline).containsExactly("rmdir " + DIR);
    }

    @Test
    void anIdThatIsNotAClaimsIsNotFound() {
        assertThat(failure(() -> claims.delete("shared/../etc")).code()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(gluster.log()).isEmpty();
    }

    // ---------------------------------------------------------------- expand

    @Test
    void expandRaisesTheLimitThenTheRecord() throws Exception {
        poolExists();
        hasClaim(OnDelete.DELETE);

        ProvisionedVolume grown = claims.expand(ID, 2 * BYTES);

        assertThat(timeline).containsExactly(limit(DIR, 2 * BYTES), "step CLAIM_LIMITED",
                "record " + DIR + " " + record(REQUEST, 2 * BYTES, OnDelete.DELETE));
        assertThat(grown.capacityBytes()).isEqualTo(2 * BYTES);
        assertThat(claims.find(ID)).hasValueSatisfying(v -> assertThat(v.capacityBytes()).isEqualTo(2 * BYTES));
    }

    @Test
    void aBrickThatStillShowsTheOldLimitDoesNotFailTheExpandWhenAnotherShowsTheNew() throws Exception {
        // Peer 1's brick was down when the limit was raised: it keeps the old one until it is healed.
        poolExists();
        hasClaim(OnDelete.DELETE);
        gluster.prints(1, "trusted.glusterfs.quota.limit-set.1=0x" + String.format("%016x", BYTES)
                + "ffffffffffffffff\n", "getfattr");

        ProvisionedVolume grown = claims.expand(ID, 2 * BYTES);

        assertThat(grown.capacityBytes()).isEqualTo(2 * BYTES);
        assertThat(gluster.log()).filteredOn(line -> line.contains("getfattr")).hasSize(2);
        assertThat(gluster.log()).filteredOn(line -> line.contains("limit-usage")).hasSize(1);
    }

    @Test
    void expandToASmallerSizeIsOutOfRangeAndChangesNothing() throws Exception {
        poolExists();
        hasClaim(OnDelete.DELETE);

        CsiException failure = failure(() -> claims.expand(ID, BYTES / 2));

        assertThat(failure.code()).isEqualTo(Status.Code.OUT_OF_RANGE);
        assertThat(timeline).isEmpty();
    }

    @Test
    void expandToTheSameSizeChangesNothing() throws Exception {
        poolExists();
        hasClaim(OnDelete.DELETE);

        ProvisionedVolume same = claims.expand(ID, BYTES);

        assertThat(same.capacityBytes()).isEqualTo(BYTES);
        assertThat(timeline).isEmpty();
    }

    // ---------------------------------------------------------------- modify

    @Test
    void aVolumeAttributesClassOnAClaimIsRefusedNamingThePoolAndChangesNothing() throws Exception {
        poolExists();
        hasClaim(OnDelete.DELETE);

        CsiException failure = failure(() -> claims.modify(ID, Map.of("performance.cache-size", "64MB")));

        assertThat(failure.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(failure.getMessage()).contains("shared pool " + POOL, "cannot change per claim");
        assertThat(timeline).isEmpty();
        assertThat(gluster.writes()).isEmpty();
    }

    @Test
    void modifyOfAClaimThatIsNotThereIsNotFound() throws Exception {
        poolExists();

        assertThat(failure(() -> claims.modify(ID, Map.of("performance.cache-size", "64MB"))).code())
                .isEqualTo(Status.Code.NOT_FOUND);
        assertThat(timeline).isEmpty();
    }

    @Test
    void expandOfAClaimThatIsNotThereOrOfAPoolThatIsNotThereIsNotFound() throws Exception {
        assertThat(failure(() -> claims.expand(ID, 2 * BYTES)).code()).isEqualTo(Status.Code.NOT_FOUND);
        poolExists();
        assertThat(failure(() -> claims.expand(ID, 2 * BYTES)).code()).isEqualTo(Status.Code.NOT_FOUND);
        files().has(DIR, ClaimRecord.parse(record(REQUEST, BYTES, OnDelete.RETAIN)).orElseThrow().asRetained()
                .render());
        assertThat(failure(() -> claims.expand(ID, 2 * BYTES)).code()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(timeline).isEmpty();
    }

    // ---------------------------------------------------------------- find and list

    @Test
    void findReturnsALiveClaimAsItsRecordSaysAndNothingForAnUnrecordedDirectory() throws Exception {
        poolExists();
        hasClaim(OnDelete.ARCHIVE);
        files().has("gcs-unrecorded", Optional.empty(), true);

        assertThat(claims.find(ID)).hasValueSatisfying(volume -> {
            assertThat(volume.requestName()).isEqualTo(REQUEST);
            assertThat(volume.onDelete()).isEqualTo(OnDelete.ARCHIVE);
            assertThat(volume.pool()).contains(POOL);
        });
        assertThat(claims.find(POOL + "/gcs-unrecorded")).isEmpty();
        assertThat(claims.find("nopool/" + DIR)).isEmpty();
    }

    @Test
    void listReturnsEveryLiveRecordedClaimOfEveryPoolWithItsPoolsBricks() throws Exception {
        gluster.hasPool("alpha", BRICK_ROOT, 3).hasPool("beta", "/mnt/brick2", 2)
                .hasDedicated("gcs-dedicated", OptionalInt.empty());
        mounts.of("alpha").has("gcs-a1", record("pvc-a1", BYTES, OnDelete.DELETE))
                .has("gcs-a2", ClaimRecord.parse(record("pvc-a2", BYTES, OnDelete.RETAIN)).orElseThrow()
                        .asRetained().render())
                .has("gcs-a3", Optional.empty(), true)
                .has("gcs-a4", Optional.of("garbage"), false);
        mounts.of("beta").has("gcs-b1", new ClaimRecord("pvc-b1", 2 * BYTES, OnDelete.ARCHIVE, OptionalInt.of(2001),
                Optional.of("team-b"), Optional.of("data-b"), false).render());

        List<ProvisionedVolume> all = claims.list();

        assertThat(all).extracting(ProvisionedVolume::id).containsExactly("alpha/gcs-a1", "beta/gcs-b1");
        ProvisionedVolume a1 = all.get(0);
        assertThat(a1.pool()).contains("alpha");
        assertThat(a1.bricks()).extracting(ProvisionedVolume.Brick::toString).containsExactly(
                "10.0.0.1:" + BRICK_ROOT + "/alpha/brick", "10.0.0.2:" + BRICK_ROOT + "/alpha/brick",
                "10.0.0.3:" + BRICK_ROOT + "/alpha/brick");
        assertThat(a1.requestName()).isEqualTo("pvc-a1");
        ProvisionedVolume b1 = all.get(1);
        assertThat(b1.pool()).contains("beta");
        assertThat(b1.bricks()).extracting(ProvisionedVolume.Brick::toString).containsExactly(
                "10.0.0.1:/mnt/brick2/beta/brick", "10.0.0.2:/mnt/brick2/beta/brick");
        assertThat(b1.replica()).isEqualTo(2);
        assertThat(b1.brickRoot()).isEqualTo("/mnt/brick2");
        assertThat(b1.capacityBytes()).isEqualTo(2 * BYTES);
        assertThat(b1.gid()).hasValue(2001);
        assertThat(b1.onDelete()).isEqualTo(OnDelete.ARCHIVE);
        assertThat(b1.pvcNamespace()).contains("team-b");
        assertThat(b1.pvcName()).contains("data-b");
        assertThat(gluster.writes()).isEmpty();
        assertThat(timeline).isEmpty();
    }

    @Test
    void listSkipsARecordedDirectoryWhoseNameNoClaimIdCanHold() throws Exception {
        poolExists();
        hasClaim(OnDelete.DELETE);
        // An operator's copy (cp -a keeps the record) under a name this driver never gives.
        files().has(DIR + ".copy", record(REQUEST, BYTES, OnDelete.DELETE));

        assertThat(claims.list()).extracting(ProvisionedVolume::id).containsExactly(ID);
    }

    @Test
    void roomForAClaimIsThePoolsFreeSpaceOrForAPoolNotMadeYetTheLargestBrickPlacementCouldGive()
            throws Exception {
        StorageClassParameters parameters = StorageClassParameters.parse(classOf());

        assertThat(claims.largestPlaceable(parameters)).isEqualTo(FakeTrustedPool.freeBytes());
        assertThat(mounts.used).isEmpty();

        poolExists();
        files().free(5 * BYTES);
        assertThat(restarted().largestPlaceable(parameters)).isEqualTo(5 * BYTES);
        assertThat(gluster.writes()).isEmpty();
    }

    // ---------------------------------------------------------------- a mount found gone part-way

    @ParameterizedTest
    @ValueSource(strings = {"before space", "after space", "before makeDirectory", "after makeDirectory",
        "before writeRecord", "after writeRecord"})
    void aCreateWhoseMountIsFoundGonePartWayRunsAgainToOneRecordedLimitedClaim(String when) throws Exception {
        poolExists();
        gone(files(), when);
        VolumeRequest request = request(REQUEST);

        ProvisionedVolume volume = claims.create(request);

        assertThat(volume.id()).isEqualTo(ID);
        assertThat(timeline).contains("remount " + POOL, limit(DIR, BYTES)).endsWith("step CLAIM_LIMITED");
        assertThat(files().directories()).containsExactly(Map.entry(DIR, Optional.of(record(request))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"after makeDirectory", "after shareWithGroup", "after writeRecord", "before records"})
    void aGidClaimWhoseMountIsFoundGonePartWayStillGetsTheLowestFreeGid(String when) throws Exception {
        poolExists();
        gone(files(), when);
        VolumeRequest request = request(REQUEST, BYTES, classOf("gidMin", "2000", "gidMax", "2010"));

        ProvisionedVolume volume = claims.create(request);

        assertThat(volume.gid()).hasValue(2000);
        assertThat(files().directories()).containsExactly(Map.entry(DIR,
                Optional.of(ClaimRecord.of(request, OptionalInt.of(2000)).render())));
        assertThat(gids.isLocked()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"before verify", "after read", "before moveAside", "after moveAside"})
    void aDeleteWhoseMountIsFoundGonePartWayRunsAgainAndTheClaimEndsInTheTrash(String when) throws Exception {
        poolExists();
        hasClaim(OnDelete.DELETE);
        gone(files(), when);

        claims.delete(ID);

        assertThat(files().directories()).isEmpty();
        assertThat(files().aside(".csi-trash")).containsExactly(DIR + "." + STAMP);
        assertThat(timeline).contains("remount " + POOL, unlimit(DIR));
        purge();
        assertThat(files().aside(".csi-trash")).isEmpty();
    }

    @Test
    void aRetainDeleteWhoseRecordWasWrittenButItsAnswerLostEndsRetained() throws Exception {
        poolExists();
        hasClaim(OnDelete.RETAIN);
        files().goneAfter("writeRecord");

        claims.delete(ID);

        assertThat(files().directories().get(DIR).flatMap(ClaimRecord::parse))
                .hasValueSatisfying(record -> assertThat(record.retained()).isTrue());
    }

    @ParameterizedTest
    @ValueSource(strings = {"before read", "before writeRecord", "after writeRecord"})
    void anExpandWhoseMountIsFoundGonePartWayEndsWithTheNewLimitAndRecord(String when) throws Exception {
        poolExists();
        hasClaim(OnDelete.DELETE);
        gone(files(), when);

        ProvisionedVolume grown = claims.expand(ID, 2 * BYTES);

        assertThat(grown.capacityBytes()).isEqualTo(2 * BYTES);
        assertThat(files().directories()).containsExactly(Map.entry(DIR,
                Optional.of(record(REQUEST, 2 * BYTES, OnDelete.DELETE))));
        assertThat(timeline).contains(limit(DIR, 2 * BYTES));
    }

    private static void gone(MemoryPoolFiles files, String when) {
        String[] words = when.split(" ");
        if (words[0].equals("before")) {
            files.goneBefore(words[1]);
        } else {
            files.goneAfter(words[1]);
        }
    }

    // ---------------------------------------------------------------- the real PoolMounts, over commands

    private static final String MOUNT_ROOT = "/run/gluster-csi/pools";
    private static final String MOUNT = MOUNT_ROOT + "/" + POOL;
    private static final String LOGS = "/var/log/gluster-csi/pools";
    private static final String STAT = "stat -f -c %t %a %b %S -- " + MOUNT;
    /** The mount's clients read once it is there: connected to each of the pool's three bricks or not. */
    private static final String CONNECTED = "grep -H ^connected =  -- " + MOUNT + "/.meta/graphs/active/" + POOL
            + "-client-0/private " + MOUNT + "/.meta/graphs/active/" + POOL + "-client-1/private " + MOUNT
            + "/.meta/graphs/active/" + POOL + "-client-2/private";

    private PoolClaims overPoolMounts() {
        PoolMounts real = new PoolMounts(gluster.trusted(), MOUNT_ROOT, LOGS, Duration.ofSeconds(5));
        return new PoolClaims(gluster.trusted(), gluster.creator(listener, gids), real, listener, gids,
                FakeTrustedPool.clock(), purges::add);
    }

    private static String mountOn(int peer, String backups) {
        return "p" + peer + ": mount -t glusterfs -o log-file=" + LOGS + "/" + POOL + ".log,backup-volfile-servers="
                + backups + " 10.0.0." + peer + ":/" + POOL + " " + MOUNT;
    }

    private List<String> logSince(int mark) {
        return gluster.log().subList(mark, gluster.log().size());
    }

    @Test
    void theFirstWorkOnAPoolMountsItOnTheFirstPeerAndLaterWorkUsesThatMount() throws Exception {
        poolExists();
        PoolClaims claims = overPoolMounts();
        StorageClassParameters parameters = StorageClassParameters.parse(classOf());

        assertThat(claims.largestPlaceable(parameters)).isEqualTo(FakeTrustedPool.freeBytes());

        assertThat(gluster.log()).containsExactly("p1: gluster volume info " + POOL, "p1: " + STAT,
                "p1: mkdir -p -- " + MOUNT + " " + LOGS, "p1: umount -l " + MOUNT, mountOn(1, "10.0.0.2:10.0.0.3"),
                "p1: " + STAT, "p1: " + CONNECTED, "p1: " + STAT);
        int mark = gluster.log().size();

        assertThat(claims.largestPlaceable(parameters)).isEqualTo(FakeTrustedPool.freeBytes());

        assertThat(logSince(mark)).containsExactly("p1: " + STAT);
    }

    @Test
    void aMountWhoseClientDiedIsMadeAgainAndTheWorkRunsOnceMore() throws Exception {
        poolExists();
        PoolClaims claims = overPoolMounts();
        StorageClassParameters parameters = StorageClassParameters.parse(classOf());
        claims.largestPlaceable(parameters);
        gluster.clientDies(1, MOUNT);
        int mark = gluster.log().size();

        assertThat(claims.largestPlaceable(parameters)).isEqualTo(FakeTrustedPool.freeBytes());

        assertThat(logSince(mark)).containsExactly("p1: " + STAT, "p1: " + STAT,
                "p1: mkdir -p -- " + MOUNT + " " + LOGS, "p1: umount -l " + MOUNT, mountOn(1, "10.0.0.2:10.0.0.3"),
                "p1: " + STAT, "p1: " + CONNECTED, "p1: " + STAT);
    }

    @Test
    void aPeerThatCannotMountThePoolIsPassedOverForTheNext() throws Exception {
        poolExists().fails(1, 32, "mount: " + MOUNT + ": mount(2) system call failed", "mount");
        PoolClaims claims = overPoolMounts();

        assertThat(claims.largestPlaceable(StorageClassParameters.parse(classOf())))
                .isEqualTo(FakeTrustedPool.freeBytes());

        assertThat(gluster.writes()).contains(mountOn(2, "10.0.0.1:10.0.0.3")).last().isEqualTo(mountOn(2,
                "10.0.0.1:10.0.0.3"));
    }

    @Test
    void aMountThatReachesNoBrickWithinTheWaitIsNotUsedAndTheCallIsUnavailableWithNothingMade() throws Exception {
        poolExists().bricksUnreachable(1).bricksUnreachable(2).bricksUnreachable(3);
        PoolMounts real = new PoolMounts(gluster.trusted(), MOUNT_ROOT, LOGS, Duration.ofSeconds(5),
                Duration.ofMillis(300));
        PoolClaims claims = new PoolClaims(gluster.trusted(), gluster.creator(listener, gids), real, listener, gids,
                FakeTrustedPool.clock(), purges::add);

        CsiException failure = failure(() -> claims.create(request(REQUEST)));

        assertThat(failure.code()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(failure).hasMessageContaining("is not connected to " + POOL + "-client-0, " + POOL + "-client-1, "
                + POOL + "-client-2");
        assertThat(gluster.writes()).noneMatch(line -> line.contains("mkdir -- ") || line.contains("limit-usage"));
    }

    @Test
    void aPoolNoPeerCanMountIsUnavailable() throws Exception {
        poolExists().fails(1, 32, "mount failed", "mount").fails(2, 32, "mount failed", "mount")
                .fails(3, 32, "mount failed", "mount");

        CsiException failure = failure(() -> overPoolMounts().create(request(REQUEST)));

        assertThat(failure.code()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(failure).hasMessageContaining("no peer can mount shared pool " + POOL);
        assertThat(gluster.writes()).noneMatch(line -> line.contains("limit-usage"));
    }
}
