package io.converged.gluster.controller.provision;

import static io.converged.gluster.controller.provision.FakePeers.answer;
import static io.converged.gluster.controller.provision.FakePeers.command;
import static io.converged.gluster.controller.provision.FakePeers.exit;
import static io.converged.gluster.controller.provision.FakePeers.gluster;
import static io.converged.gluster.controller.provision.FakePeers.raise;
import static io.converged.gluster.controller.provision.FakePeers.refused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.converged.gluster.csi.runtime.CsiException;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * CreateVolume's gluster side on scripted peers: what a new volume runs, how each failure part-way
 * is undone, how a volume that already exists is adopted, placement's answers and GID choice.
 */
class VolumeCreatorTest {
    private static final String REQUEST = "pvc-5e0b";
    private static final String VOLUME = "gcs-pvc-5e0b";
    private static final String ROOT = "/mnt/brick1";
    private static final String DIR = ROOT + "/" + VOLUME;
    private static final String BRICK = DIR + "/brick";
    private static final long BYTES = Capacity.GIB;
    private static final List<Step> CREATE_STEPS = List.of(Step.BRICKS_CARVED, Step.VOLUME_CREATED,
            Step.METADATA_SET, Step.STARTED, Step.QUOTA_ENABLED, Step.QUOTA_LIMITED);

    private FakePeers peers = new FakePeers(3);
    private final List<Step> heard = new ArrayList<>();

    private VolumeCreator creator() {
        BrickCarver carver = new BrickCarver(FakePeers.CLOCK);
        Step.Listener listener = (step, volume) -> heard.add(step);
        TrustedPool pool = new TrustedPool(peers, carver, Runnable::run);
        VolumeRemover remover = new VolumeRemover(pool, carver, listener, List.of("/mnt"), new ReentrantLock());
        return new VolumeCreator(pool, carver, remover, listener, new ReentrantLock());
    }

    private static VolumeRequest request(long bytes, Map<String, String> parameters) throws CsiException {
        StorageClassParameters p = StorageClassParameters.parse(parameters);
        return new VolumeRequest(REQUEST, VolumeNames.forRequest(p.volumeNamePrefix(), REQUEST), bytes, p);
    }

    private static VolumeRequest request() throws CsiException {
        return request(BYTES, Map.of());
    }

    private CsiException failure(VolumeRequest request) {
        CsiException failure = catchThrowableOfType(CsiException.class, () -> creator().create(request));
        assertThat(failure).as("CreateVolume must fail").isNotNull();
        return failure;
    }

    // ---------------------------------------------------------------- what the commands look like

    private static String carve(int peer) {
        return "p" + peer + ": mkdir -- " + DIR + " " + BRICK;
    }

    private static String removeBrick(int peer) {
        return "p" + peer + ": rm -rf --one-file-system -- " + DIR;
    }

    private static String onFirstPeer(String glusterArgs) {
        return "p1: gluster " + glusterArgs;
    }

    private static final String CREATE = onFirstPeer("volume create " + VOLUME + " replica 3 10.0.0.1:" + BRICK
            + " 10.0.0.2:" + BRICK + " 10.0.0.3:" + BRICK + " force");
    private static final String SET = onFirstPeer("volume set " + VOLUME + " user.csi.driver glusterfs.converged.io"
            + " user.csi.request-name " + REQUEST + " user.csi.capacity-bytes " + BYTES + " user.csi.brick-root "
            + ROOT + " user.csi.on-delete delete user.csi.quota-enforcement strict features.soft-timeout 0"
            + " features.hard-timeout 0");
    private static final String START = onFirstPeer("volume start " + VOLUME);
    private static final String QUOTA = onFirstPeer("volume quota " + VOLUME + " enable");
    private static final String LIMIT = onFirstPeer("volume quota " + VOLUME + " limit-usage / " + BYTES);
    private static final String STOP_FORCE = onFirstPeer("volume stop " + VOLUME + " force");
    private static final String DELETE = onFirstPeer("volume delete " + VOLUME);
    private static final List<String> NEW_VOLUME = List.of(carve(1), carve(2), carve(3), CREATE, SET, START, QUOTA,
            LIMIT);

    /** A volume this driver made for the request, whole: started, quota on, limited. */
    private static FakePeers.Volume ours() {
        return FakePeers.Volume.named(VOLUME)
                .bricks(List.of("10.0.0.1:" + BRICK, "10.0.0.2:" + BRICK, "10.0.0.3:" + BRICK))
                .option("user.csi.driver", "glusterfs.converged.io")
                .option("user.csi.request-name", REQUEST)
                .option("user.csi.capacity-bytes", Long.toString(BYTES))
                .option("user.csi.brick-root", ROOT)
                .option("user.csi.on-delete", "delete")
                .option("user.csi.quota-enforcement", "strict")
                .option("features.soft-timeout", "0")
                .option("features.hard-timeout", "0")
                .limit(BYTES);
    }

    // ---------------------------------------------------------------- a new volume

    @Test
    void aNewVolumeRunsCarveCreateOneSetStartQuotaAndLimitAndTheListenerHearsTheSixStepsInOrder() throws Exception {
        ProvisionedVolume volume = creator().create(request());

        assertThat(peers.writes()).containsExactlyElementsOf(NEW_VOLUME);
        assertThat(heard).containsExactlyElementsOf(CREATE_STEPS);
        assertThat(peers.ran(1)).contains(List.of("gluster", "--mode=script", "volume", "create", VOLUME, "replica",
                "3", "10.0.0.1:" + BRICK, "10.0.0.2:" + BRICK, "10.0.0.3:" + BRICK, "force", "--xml"));
        assertThat(volume.id()).isEqualTo(VOLUME);
        assertThat(volume.requestName()).isEqualTo(REQUEST);
        assertThat(volume.capacityBytes()).isEqualTo(BYTES);
        assertThat(volume.replica()).isEqualTo(3);
        assertThat(volume.servers()).containsExactly("10.0.0.1", "10.0.0.2", "10.0.0.3");
        assertThat(volume.bricks()).extracting(ProvisionedVolume.Brick::path).containsOnly(BRICK);
        assertThat(volume.gid()).isEmpty();
        assertThat(volume.started()).isTrue();
    }

    @Test
    void aNewVolumeAsksTheBrickRootsRoomAndLooksForAnExistingVolumeBeforeWriting() throws Exception {
        creator().create(request());

        List<String> log = peers.log();
        int carving = log.indexOf(carve(1));
        assertThat(log.subList(0, carving)).containsExactlyInAnyOrder("p1: gluster pool list",
                "p1: stat -f -c %a %S -- " + ROOT, "p2: stat -f -c %a %S -- " + ROOT, "p3: stat -f -c %a %S -- " + ROOT,
                "p1: gluster volume info " + VOLUME);
        assertThat(log).noneMatch(line -> line.contains("test -d"));
    }

    // ---------------------------------------------------------------- rollback

    static Stream<Arguments> failuresAfterTheCarve() {
        return Stream.of(
                Arguments.of("volume create", CREATE, gluster("volume", "create"),
                        refused("Glusterfs is not supported on brick: 10.0.0.2:" + BRICK + ". Setting extended"
                                + " attributes failed, reason: Operation not supported."),
                        Status.Code.INTERNAL),
                Arguments.of("volume set", SET, gluster("volume", "set"), answer("set-bad-key.xml"),
                        Status.Code.INTERNAL),
                Arguments.of("volume start", START, gluster("volume", "start"),
                        refused("Staging failed on 10.0.0.3. Please check log file for details."),
                        Status.Code.UNAVAILABLE),
                Arguments.of("quota enable", QUOTA, gluster("volume", "quota", VOLUME, "enable"),
                        answer("quota-enable-stopped.xml"), Status.Code.FAILED_PRECONDITION),
                Arguments.of("limit-usage", LIMIT, gluster("volume", "quota", VOLUME, "limit-usage"),
                        raise("pod gluster/p1 is gone"), Status.Code.UNAVAILABLE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failuresAfterTheCarve")
    void aFailureAfterTheCarveStopsAndDeletesTheVolumeRemovesEveryBrickAndAnswersTheCodeOfItsKind(String step,
            String failing, Predicate<List<String>> command, FakePeers.Answer answer, Status.Code code)
            throws Exception {
        peers.when(command, answer);

        CsiException failure = failure(request());

        int failed = NEW_VOLUME.indexOf(failing);
        List<String> expected = new ArrayList<>(NEW_VOLUME.subList(0, failed + 1));
        expected.addAll(List.of(STOP_FORCE, DELETE, removeBrick(1), removeBrick(2), removeBrick(3)));
        assertThat(peers.writes()).containsExactlyElementsOf(expected);
        assertThat(failure.code()).isEqualTo(code);
        // Every gluster write before the failure completed one step after the carve.
        assertThat(heard).containsExactlyElementsOf(CREATE_STEPS.subList(0, failed - 2));
    }

    @Test
    void aStartWhoseCommitFailedOnAPeerIsAskedAgainAndTheVolumeIsFinished() throws Exception {
        // Two starts at once on one glusterd gave two bricks one port: the brick that lost could not listen.
        AtomicInteger starts = new AtomicInteger();
        peers.when(gluster("volume", "start", VOLUME).and(argv -> starts.incrementAndGet() == 1),
                refused("Commit failed on localhost. Please check log file for details."));

        ProvisionedVolume volume = creator().create(request());

        assertThat(volume.id()).isEqualTo(VOLUME);
        List<String> expected = new ArrayList<>(NEW_VOLUME);
        expected.add(NEW_VOLUME.indexOf(START), START);
        assertThat(peers.writes()).containsExactlyElementsOf(expected);
        assertThat(heard).containsExactlyElementsOf(CREATE_STEPS);
    }

    @Test
    void aStartWhoseCommitFailsEveryTimeIsAskedThreeTimesThenTheVolumeIsRolledBackAndTheCallIsUnavailable()
            throws Exception {
        peers.when(gluster("volume", "start", VOLUME),
                refused("Commit failed on 10.0.0.2. Please check log file for details."));

        CsiException failure = failure(request());

        List<String> expected = new ArrayList<>(NEW_VOLUME.subList(0, NEW_VOLUME.indexOf(START)));
        expected.addAll(Collections.nCopies(VolumeFinish.START_ATTEMPTS, START));
        expected.addAll(List.of(STOP_FORCE, DELETE, removeBrick(1), removeBrick(2), removeBrick(3)));
        assertThat(peers.writes()).containsExactlyElementsOf(expected);
        assertThat(failure.code()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(failure.getMessage()).contains("Commit failed on 10.0.0.2");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"create-exists.xml, UNAVAILABLE", "create-brick-in-use.xml, ALREADY_EXISTS"})
    void aCreateRefusedBecauseTheNameOrABrickIsTakenDeletesNoVolumeButRemovesTheCarves(String refusal,
            Status.Code code) throws Exception {
        // The name is taken although the peer asked first listed no such volume: the pool disagrees for now, and
        // the retry, once it agrees, adopts the volume or names its owner.
        peers.when(gluster("volume", "create"), answer(refusal));

        CsiException failure = failure(request());

        assertThat(peers.writes()).containsExactly(carve(1), carve(2), carve(3), CREATE, removeBrick(1),
                removeBrick(2), removeBrick(3));
        assertThat(failure.code()).isEqualTo(code);
    }

    @Test
    void aBrickAnEarlierAttemptLeftUnusedIsCarvedAgainBeforeTheCreateSoGlusterFindsNoMarkOfItsVolume()
            throws Exception {
        // A create that failed as a peer's glusterd died kept its bricks, marked by gluster with the volume it
        // made; the volume is gone everywhere now. Gluster would refuse the marked brick as part of a volume.
        AtomicBoolean found = new AtomicBoolean();
        peers.when(1, command("mkdir", "--", DIR).and(argv -> !found.getAndSet(true)),
                exit(1, "mkdir: cannot create directory '" + DIR + "': File exists"));

        creator().create(request());

        List<String> again = List.of("p1: rmdir -- " + BRICK + "/.glusterfs", "p1: rmdir -- " + BRICK + " " + DIR,
                carve(1));
        List<String> expected = new ArrayList<>(List.of(carve(1), "p1: mkdir -p -- " + BRICK, carve(2), carve(3)));
        expected.addAll(again);
        expected.addAll(NEW_VOLUME.subList(3, NEW_VOLUME.size()));
        assertThat(peers.writes()).containsExactlyElementsOf(expected);
    }

    @Test
    void aCreateRefusedBecauseABrickKeptByOnDeleteRetainHoldsThePathLeavesThatBrickAlone() throws Exception {
        // An earlier volume of this name was deleted with onDelete=retain: its brick, data and gluster's volume-id
        // attribute, is still at the path, so mkdir finds the directory there and gluster refuses the brick.
        peers.when(1, command("mkdir", "--"), exit(1, "mkdir: cannot create directory '" + DIR + "': File exists"))
                .when(1, command("rmdir"), exit(1, "rmdir: failed to remove '" + BRICK + "': Directory not empty"))
                .when(gluster("volume", "create"), refused(BRICK + " is already part of a volume"));

        CsiException failure = failure(request());

        assertThat(failure.code()).isEqualTo(Status.Code.ALREADY_EXISTS);
        // Before the create it is found holding data, so it is not carved again; the rollback leaves it too.
        String unused = "p1: rmdir -- " + BRICK + "/.glusterfs";
        String empty = "p1: rmdir -- " + BRICK + " " + DIR;
        assertThat(peers.writes()).containsExactly(carve(1), "p1: mkdir -p -- " + BRICK, carve(2), carve(3), unused,
                empty, CREATE, unused, empty, removeBrick(2), removeBrick(3));
    }

    @Test
    void aCarveACrashedCallLeftIsRemovedWithTheOthersOnceGlusterMadeAVolumeOfIt() throws Exception {
        AtomicBoolean found = new AtomicBoolean();
        peers.when(1, command("mkdir", "--").and(argv -> !found.getAndSet(true)),
                        exit(1, "mkdir: cannot create directory '" + DIR + "': File exists"))
                .when(gluster("volume", "start"), refused("Staging failed on 10.0.0.3. Please check log file for"
                        + " details."));

        failure(request());

        assertThat(peers.writes()).containsExactly(carve(1), "p1: mkdir -p -- " + BRICK, carve(2), carve(3),
                "p1: rmdir -- " + BRICK + "/.glusterfs", "p1: rmdir -- " + BRICK + " " + DIR, carve(1), CREATE,
                SET, START, STOP_FORCE, DELETE, removeBrick(1), removeBrick(2), removeBrick(3));
    }

    @Test
    void aRollbackWhoseVolumeDeleteFailsKeepsEveryBrickOfTheVolumeGlusterStillLists() throws Exception {
        peers.when(gluster("volume", "start"), refused("Staging failed on 10.0.0.3. Please check log file for"
                        + " details."))
                .when(gluster("volume", "delete"), refused("Staging failed on 10.0.0.2. Error: Volume "
                        + VOLUME + " has been started.Volume needs to be stopped before deletion."));

        CsiException failure = failure(request());

        assertThat(peers.writes()).containsExactly(carve(1), carve(2), carve(3), CREATE, SET, START, STOP_FORCE,
                DELETE);
        assertThat(peers.writes()).noneMatch(line -> line.contains(" rm ") || line.contains(" rmdir "));
        assertThat(failure.code()).isEqualTo(Status.Code.UNAVAILABLE);
    }

    @Test
    void aCreateThatFailedWithoutMakingTheVolumeAnywhereHasItsCarvesRemovedThoughItsDeleteFindsNoVolume()
            throws Exception {
        peers.when(gluster("volume", "create"), refused("Glusterfs is not supported on brick: 10.0.0.2:" + BRICK
                        + ". Setting extended attributes failed, reason: Operation not supported."))
                .when(gluster("volume", "delete"), answer("delete-notfound.xml"));

        CsiException failure = failure(request());

        assertThat(peers.writes()).containsExactly(carve(1), carve(2), carve(3), CREATE, STOP_FORCE, DELETE,
                removeBrick(1), removeBrick(2), removeBrick(3));
        assertThat(failure.code()).isEqualTo(Status.Code.INTERNAL);
    }

    @Test
    void aRollbackWhoseDeleteFindsNoVolumeKeepsTheBricksWhileAnotherPeerStillListsIt() throws Exception {
        // One glusterd's "does not exist" (it may have just restarted) does not prove the pool has no such volume.
        peers.when(gluster("volume", "create"), refused("Glusterfs is not supported on brick: 10.0.0.2:" + BRICK
                        + ". Setting extended attributes failed, reason: Operation not supported."))
                .when(gluster("volume", "delete"), answer("delete-notfound.xml"))
                .when(3, gluster("volume", "info", VOLUME), FakePeers.renamed("info-va.xml", "va", VOLUME));

        failure(request());

        assertThat(peers.writes()).containsExactly(carve(1), carve(2), carve(3), CREATE, STOP_FORCE, DELETE);
    }

    @Test
    void aCarveThatFailsOnTheSecondPeerRemovesTheFirstPeersBrickAndCreatesNothing() throws Exception {
        peers.when(2, command("mkdir"), exit(1, "mkdir: cannot create directory '" + DIR + "': Permission denied"));

        CsiException failure = failure(request());

        assertThat(peers.writes()).containsExactly(carve(1), carve(2), "p2: mkdir -p -- " + BRICK, removeBrick(1));
        assertThat(heard).isEmpty();
        assertThat(failure.code()).isEqualTo(Status.Code.INTERNAL);
        assertThat(failure).hasMessageContaining("Permission denied");
    }

    @Test
    void aVolumeToFillIsRecordedFillingWithoutALimitUntilCreateFindsItFullAndLimitsIt() throws Exception {
        peers.keepsWhatItBuilds();
        String setFilling = SET.replace("volume set " + VOLUME + " ", "volume set " + VOLUME
                + " user.csi.filling yes ");

        ProvisionedVolume made = creator().createToFill(request());

        assertThat(peers.writes()).containsExactly(carve(1), carve(2), carve(3), CREATE, setFilling, START, QUOTA);
        assertThat(made.capacityBytes()).isEqualTo(BYTES);
        int mark = peers.writes().size();
        creator().createToFill(request());
        assertThat(peers.writes()).as("asked again while it fills").hasSize(mark);

        ProvisionedVolume full = creator().create(request());

        assertThat(peers.writes().subList(mark, peers.writes().size())).containsExactly(LIMIT,
                onFirstPeer("volume set " + VOLUME + " user.csi.filling no"));
        assertThat(full.id()).isEqualTo(VOLUME);
        mark = peers.writes().size();
        creator().create(request());
        creator().createToFill(request());
        assertThat(peers.writes()).as("an ordinary volume, limited").hasSize(mark);
    }

    // ---------------------------------------------------------------- adoption

    @Test
    void anExistingWholeVolumeOfThisRequestIsReturnedAndNothingIsWritten() throws Exception {
        peers.has(ours());

        ProvisionedVolume volume = creator().create(request());

        assertThat(peers.writes()).isEmpty();
        assertThat(peers.log()).contains("p1: gluster volume quota " + VOLUME + " list /");
        assertThat(volume.id()).isEqualTo(VOLUME);
        assertThat(volume.capacityBytes()).isEqualTo(BYTES);
        assertThat(volume.servers()).containsExactly("10.0.0.1", "10.0.0.2", "10.0.0.3");
        assertThat(volume.started()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Created", "Stopped"})
    void aVolumeOfThisRequestACrashLeftUnstartedAndWithoutQuotaIsFinishedNotMadeAgain(String status)
            throws Exception {
        peers.has(ours().status(status).quota(false));

        ProvisionedVolume volume = creator().create(request());

        assertThat(peers.writes()).containsExactly(START, QUOTA, LIMIT);
        assertThat(heard).containsExactly(Step.STARTED, Step.QUOTA_ENABLED, Step.QUOTA_LIMITED);
        assertThat(volume.id()).isEqualTo(VOLUME);
    }

    @Test
    void aVolumeAnotherPeerHasStartedWhileThePeerAskedHasItStoppedIsStartedByForceAndFinished() throws Exception {
        // Peer 2's glusterd came back from a restart thinking the volume started; peer 1 answers it stopped.
        peers.has(ours().status("Created").quota(false))
                .when(gluster("volume", "start", VOLUME).and(argv -> !argv.contains("force")),
                        refused("Pre Validation failed on 10.0.0.2. Volume " + VOLUME + " already started"));

        ProvisionedVolume volume = creator().create(request());

        assertThat(volume.id()).isEqualTo(VOLUME);
        assertThat(peers.writes()).containsExactly(START, onFirstPeer("volume start " + VOLUME + " force"), QUOTA,
                LIMIT);
    }

    @Test
    void aVolumeOfThisRequestWhoseLimitDiffersFromItsRecordedCapacityIsLimitedAgain() throws Exception {
        peers.has(ours().limit(BYTES / 2));

        creator().create(request());

        assertThat(peers.writes()).containsExactly(LIMIT);
    }

    @Test
    void aRequestNamedLikeAFlagIsCreatedWithItsNameEncodedAndAdoptedByItsRetry() throws Exception {
        peers.keepsWhatItBuilds();
        StorageClassParameters p = StorageClassParameters.parse(Map.of());
        String hostile = "--force, a=b 'é'";
        VolumeRequest request = new VolumeRequest(hostile, VolumeNames.forRequest(p.volumeNamePrefix(), hostile),
                BYTES, p);

        ProvisionedVolume made = creator().create(request);
        int writes = peers.writes().size();
        ProvisionedVolume again = creator().create(request);

        assertThat(peers.writes())
                .anyMatch(w -> w.contains(" user.csi.request-name %2D-force%2C%20a%3Db%20%27%C3%A9%27 "));
        assertThat(peers.writes()).hasSize(writes);
        assertThat(again.id()).isEqualTo(made.id());
        assertThat(again.requestName()).isEqualTo(hostile);
    }

    @Test
    void aLimitGlusterDoesNotShowAfterSettingItIsSetOnceMoreBeforeTheCreateAnswers() throws Exception {
        peers.when(1, gluster("volume", "quota", VOLUME, "list"), answer("quota-list-nolimit.xml"));

        CsiException failure = failure(request());

        // Set, not shown, set again, still not shown: never answered OK without its limit; the rollback
        // removes the volume, and the sidecar's retry makes it anew.
        assertThat(failure.code()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(failure.getMessage()).contains("does not show the quota limit of " + BYTES + " bytes");
        assertThat(peers.writes()).containsSubsequence(LIMIT, LIMIT, STOP_FORCE, DELETE);
        assertThat(peers.log().stream().filter(l -> l.equals(onFirstPeer("volume quota " + VOLUME + " list /"))))
                .hasSize(2);
    }

    @Test
    void aLimitShownOnlyAfterTheSecondSetIsAnOkCreate() throws Exception {
        int[] lists = {0};
        peers.when(1, argv -> argv.containsAll(List.of("quota", VOLUME, "list")) && lists[0]++ == 0,
                answer("quota-list-nolimit.xml"));

        creator().create(request());

        List<String> expected = new ArrayList<>(NEW_VOLUME);
        expected.add(LIMIT);
        assertThat(peers.writes()).containsExactlyElementsOf(expected);
    }

    @Test
    void aVolumeMadeBeforeQuotaEnforcementExistedIsGivenTheStrictTimeoutsAndTheRecordWhenAdopted()
            throws Exception {
        peers.has(FakePeers.Volume.named(VOLUME)
                .bricks(List.of("10.0.0.1:" + BRICK, "10.0.0.2:" + BRICK, "10.0.0.3:" + BRICK))
                .option("user.csi.driver", "glusterfs.converged.io")
                .option("user.csi.request-name", REQUEST)
                .option("user.csi.capacity-bytes", Long.toString(BYTES))
                .option("user.csi.brick-root", ROOT)
                .option("user.csi.on-delete", "delete")
                .limit(BYTES));

        creator().create(request());

        assertThat(peers.writes()).containsExactly(onFirstPeer("volume quota " + VOLUME + " soft-timeout 0"),
                onFirstPeer("volume quota " + VOLUME + " hard-timeout 0"),
                onFirstPeer("volume set " + VOLUME + " user.csi.quota-enforcement strict"));
    }

    @Test
    void aClassAskingBalancedEnforcementSetsItsTimeoutsInTheMetadataTransaction() throws Exception {
        creator().create(request(BYTES, Map.of("quotaEnforcement", "balanced")));

        assertThat(peers.writes()).contains(SET.replace("quota-enforcement strict features.soft-timeout 0",
                "quota-enforcement balanced features.soft-timeout 2"));
    }

    @Test
    void aHalfMadeVolumeWithoutMetadataButCarvedByUsIsRemovedAndMadeAnew() throws Exception {
        peers.has(FakePeers.Volume.named(VOLUME).status("Created").quota(false)
                .bricks(List.of("10.0.0.1:" + BRICK, "10.0.0.2:" + BRICK, "10.0.0.3:" + BRICK)));

        creator().create(request());

        List<String> expected = new ArrayList<>(List.of(removeBrick(1), removeBrick(2), removeBrick(3), DELETE));
        expected.addAll(NEW_VOLUME);
        assertThat(peers.writes()).containsExactlyElementsOf(expected);
        List<Step> steps = new ArrayList<>(List.of(Step.STOPPED, Step.BRICKS_RELEASED, Step.DELETED));
        steps.addAll(CREATE_STEPS);
        assertThat(heard).containsExactlyElementsOf(steps);
    }

    @Test
    void aVolumeOfAnotherRequestIsAlreadyExistsAndNothingIsWritten() throws Exception {
        peers.has(ours().option("user.csi.request-name", "pvc-other"));

        CsiException failure = failure(request());

        assertThat(failure.code()).isEqualTo(Status.Code.ALREADY_EXISTS);
        assertThat(failure).hasMessageContaining("pvc-other");
        assertThat(peers.writes()).isEmpty();
        assertThat(heard).isEmpty();
    }

    static Stream<Arguments> otherParameters() throws CsiException {
        return Stream.of(
                Arguments.of("capacity", request(2 * BYTES, Map.of())),
                Arguments.of("replica", request(BYTES, Map.of("replica", "2"))),
                Arguments.of("brickRoot", request(BYTES, Map.of("brickRoot", "/mnt/brick2"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("otherParameters")
    void aVolumeOfThisRequestWithOtherParametersIsAlreadyExistsAndNothingIsWritten(String differs,
            VolumeRequest request) throws Exception {
        peers.has(ours());

        CsiException failure = failure(request);

        assertThat(failure.code()).isEqualTo(Status.Code.ALREADY_EXISTS);
        assertThat(failure).hasMessageContaining(differs);
        assertThat(peers.writes()).isEmpty();
        assertThat(heard).isEmpty();
    }

    @Test
    void aForeignVolumeOfThatNameIsAlreadyExistsAndNothingIsWritten() throws Exception {
        peers.has(FakePeers.Volume.named(VOLUME)
                .bricks(List.of("10.0.0.1:/data/glusterfs/b1", "10.0.0.2:/data/glusterfs/b1")));

        CsiException failure = failure(request());

        assertThat(failure.code()).isEqualTo(Status.Code.ALREADY_EXISTS);
        assertThat(failure).hasMessageContaining("did not create");
        assertThat(peers.writes()).isEmpty();
    }

    // ---------------------------------------------------------------- placement

    @Test
    void withAPeerDownAReplica3CreateOnThreePeersIsUnavailableAndWritesNothing() throws Exception {
        peers.down(3);

        CsiException failure = failure(request());

        assertThat(failure.code()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(failure).hasMessageContaining("p3");
        assertThat(peers.writes()).isEmpty();
        assertThat(peers.log()).doesNotContain("p3: stat -f -c %a %S -- " + ROOT);
    }

    @Test
    void withTheFirstPeerDownGlusterIsAskedOnTheNextAndTheCreateIsUnavailable() throws Exception {
        peers.down(1);

        CsiException failure = failure(request());

        assertThat(failure.code()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(peers.log()).contains("p2: gluster pool list", "p2: gluster volume info " + VOLUME);
        assertThat(peers.writes()).isEmpty();
    }

    @Test
    void onAPoolOfTwoPeersAReplica3CreateIsResourceExhaustedAndWritesNothing() throws Exception {
        peers = new FakePeers(2);

        CsiException failure = failure(request());

        assertThat(failure.code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(peers.writes()).isEmpty();
    }

    @Test
    void aPoolWithTooLittleRoomIsResourceExhaustedAndWritesNothing() throws Exception {
        peers.free(2, BYTES / 2);

        CsiException failure = failure(request());

        assertThat(failure.code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(peers.writes()).isEmpty();
    }

    @Test
    void onFourPeersTheBricksGoToTheThreeRoomiest() throws Exception {
        peers = new FakePeers(4).free(1, BYTES * 2);

        creator().create(request());

        assertThat(peers.writes()).contains(carve(2), carve(3), carve(4)).doesNotContain(carve(1));
        assertThat(peers.writes()).contains("p2: gluster volume create " + VOLUME + " replica 3 10.0.0.2:" + BRICK
                + " 10.0.0.3:" + BRICK + " 10.0.0.4:" + BRICK + " force");
    }

    // ---------------------------------------------------------------- GIDs

    private static FakePeers.Volume recordingGid(String name, int gid) {
        return FakePeers.Volume.named(name)
                .bricks(List.of("10.0.0.1:" + ROOT + "/" + name + "/brick", "10.0.0.2:" + ROOT + "/" + name + "/brick"))
                .option("user.csi.driver", "glusterfs.converged.io")
                .option("user.csi.gid", Integer.toString(gid));
    }

    @Test
    void gidAllocationPicksTheLowestGidNoVolumeRecords() throws Exception {
        peers.has(recordingGid("gcs-a", 3000)).has(recordingGid("gcs-b", 3002));

        ProvisionedVolume volume = creator().create(request(BYTES, Map.of("gidMin", "3000", "gidMax", "3010")));

        assertThat(volume.gid()).isEqualTo(OptionalInt.of(3001));
        assertThat(peers.writes()).contains("p1: chgrp 3001 -- " + BRICK, "p1: chmod 2775 -- " + BRICK,
                "p3: chgrp 3001 -- " + BRICK);
        assertThat(peers.writes()).filteredOn(line -> line.startsWith("p1: gluster volume set ")).singleElement()
                .asString().contains(" user.csi.gid 3001 ").endsWith(" storage.owner-gid 3001");
    }

    @Test
    void gidAllocationIsResourceExhaustedWhenEveryGidIsTakenAndWritesNothing() throws Exception {
        peers.has(recordingGid("gcs-a", 3000)).has(recordingGid("gcs-b", 3001));

        CsiException failure = failure(request(BYTES, Map.of("gidMin", "3000", "gidMax", "3001")));

        assertThat(failure.code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(peers.writes()).isEmpty();
    }
}
