package io.converged.gluster.controller.provision;

import static io.converged.gluster.controller.provision.FakePeers.command;
import static io.converged.gluster.controller.provision.FakePeers.exit;
import static io.converged.gluster.controller.provision.FakePeers.gluster;
import static io.converged.gluster.controller.provision.FakePeers.refused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.converged.gluster.csi.runtime.CsiException;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/**
 * DeleteVolume's gluster side on scripted peers: stop, release the bricks as {@code onDelete}
 * says, delete; what stays when a brick's peer is gone; sweeping what a crashed create carved; and
 * refusing volumes this driver did not make.
 */
class VolumeRemoverTest {
    private static final String VOLUME = "gcs-pvc-5e0b";
    private static final String ROOT = "/mnt/brick1";
    private static final String DIR = ROOT + "/" + VOLUME;
    private static final String BRICK = DIR + "/brick";
    private static final String STOP = "p1: gluster volume stop " + VOLUME;
    private static final String DELETE = "p1: gluster volume delete " + VOLUME;

    /** Four peers; the volume's bricks are on p2, p3 and p4, so p1 (which answers gluster) holds none. */
    private final FakePeers peers = new FakePeers(4);
    private final List<Step> heard = new ArrayList<>();

    private VolumeRemover remover() {
        BrickCarver carver = new BrickCarver(FakePeers.CLOCK);
        TrustedPool pool = new TrustedPool(peers, carver, Runnable::run);
        return new VolumeRemover(pool, carver, (step, volume) -> heard.add(step), List.of("/mnt"),
                new ReentrantLock());
    }

    private CsiException failure() {
        CsiException failure = catchThrowableOfType(CsiException.class, () -> remover().delete(VOLUME));
        assertThat(failure).as("DeleteVolume must fail").isNotNull();
        return failure;
    }

    private static FakePeers.Volume ours(String onDelete) {
        return FakePeers.Volume.named(VOLUME)
                .bricks(List.of("10.0.0.2:" + BRICK, "10.0.0.3:" + BRICK, "10.0.0.4:" + BRICK))
                .option("user.csi.driver", "glusterfs.converged.io")
                .option("user.csi.request-name", "pvc-5e0b")
                .option("user.csi.capacity-bytes", "1073741824")
                .option("user.csi.brick-root", ROOT)
                .option("user.csi.on-delete", onDelete)
                .limit(1073741824);
    }

    private static String removeBrick(int peer) {
        return "p" + peer + ": rm -rf --one-file-system -- " + DIR;
    }

    @Test
    void deleteOfAStartedVolumeStopsReleasesEachBrickOnItsOwnPeerThenDeletesAndTheThreeStepsAreHeardInOrder()
            throws Exception {
        peers.has(ours("delete"));

        remover().delete(VOLUME);

        assertThat(peers.writes()).containsExactly(STOP, removeBrick(2), removeBrick(3), removeBrick(4), DELETE);
        assertThat(heard).containsExactly(Step.STOPPED, Step.BRICKS_RELEASED, Step.DELETED);
        assertThat(peers.ran(3)).contains(List.of("rm", "-rf", "--one-file-system", "--", DIR));
    }

    @Test
    void aVolumeAlreadyStoppedIsNotStoppedAgain() throws Exception {
        peers.has(ours("delete").status("Stopped"));

        remover().delete(VOLUME);

        assertThat(peers.writes()).containsExactly(removeBrick(2), removeBrick(3), removeBrick(4), DELETE);
        assertThat(heard).containsExactly(Step.STOPPED, Step.BRICKS_RELEASED, Step.DELETED);
    }

    @Test
    void aStopGlusterRefusesIsForced() throws Exception {
        peers.has(ours("delete"))
                .when(gluster("volume", "stop", VOLUME, "force"), FakePeers.answer("stop-peer-down.xml"))
                .when(gluster("volume", "stop", VOLUME), refused("Commit failed on 10.0.0.3. Please check log file"
                        + " for details."));

        remover().delete(VOLUME);

        assertThat(peers.writes()).startsWith(STOP, STOP + " force", removeBrick(2));
    }

    @Test
    void onDeleteRetainRemovesNoBrick() throws Exception {
        peers.has(ours("retain"));

        remover().delete(VOLUME);

        assertThat(peers.writes()).containsExactly(STOP, DELETE);
        assertThat(heard).containsExactly(Step.STOPPED, Step.BRICKS_RELEASED, Step.DELETED);
    }

    @Test
    void onDeleteArchiveMovesEachVolumeDirectoryAsideAndRemovesNone() throws Exception {
        peers.has(ours("archive"));

        remover().delete(VOLUME);

        String archived = ROOT + "/.archived-" + VOLUME + "-20250102T030405Z";
        assertThat(peers.writes()).containsExactly(STOP, "p2: mv -T -- " + DIR + " " + archived,
                "p3: mv -T -- " + DIR + " " + archived, "p4: mv -T -- " + DIR + " " + archived, DELETE);
    }

    @Test
    void anUnreadableOnDeleteKeepsTheBricks() throws Exception {
        peers.has(ours("shred"));

        remover().delete(VOLUME);

        assertThat(peers.writes()).containsExactly(STOP, DELETE);
    }

    @Test
    void aBrickWhosePeerIsGoneIsUnavailableAndTheVolumeStaysInGluster() {
        peers.has(ours("delete")).gone(3);

        CsiException failure = failure();

        assertThat(failure.code()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(failure).hasMessageContaining("10.0.0.3:" + BRICK);
        assertThat(peers.writes()).containsExactly(STOP, removeBrick(2), removeBrick(4));
        assertThat(peers.ran(3)).isEmpty();
        assertThat(heard).containsExactly(Step.STOPPED);
    }

    @Test
    void aBrickThatCannotBeRemovedIsUnavailableAndTheVolumeStaysInGluster() {
        peers.has(ours("delete")).when(2, command("rm"), exit(1, "rm: cannot remove '" + BRICK
                + "/f': Read-only file system"));

        CsiException failure = failure();

        assertThat(failure.code()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(failure).hasMessageContaining("Read-only file system");
        assertThat(peers.writes()).containsExactly(STOP, removeBrick(2), removeBrick(3), removeBrick(4));
        assertThat(heard).containsExactly(Step.STOPPED);
    }

    @Test
    void aVolumeGlusterDoesNotKnowSweepsOnlyTheEmptyCarvesFindReports() throws Exception {
        peers.finds(2, "/mnt/brick1/" + VOLUME + "/brick");

        remover().delete(VOLUME);

        assertThat(peers.writes()).containsExactly("p2: rmdir -- " + BRICK + "/.glusterfs",
                "p2: rmdir -- " + BRICK + " " + DIR);
        assertThat(peers.log()).filteredOn(line -> line.contains(": find ")).hasSize(4)
                .allMatch(line -> line.contains(" -path */" + VOLUME + "/brick -empty -print"));
        assertThat(heard).isEmpty();
    }

    @Test
    void aVolumeGlusterDoesNotKnowWithNothingCarvedWritesNothing() throws Exception {
        remover().delete(VOLUME);

        assertThat(peers.writes()).isEmpty();
    }

    @Test
    void aVolumeNotMadeByTheDriverIsRefusedAndNothingRuns() {
        peers.has(FakePeers.Volume.named(VOLUME)
                .bricks(List.of("10.0.0.2:/data/glusterfs/b1", "10.0.0.3:/data/glusterfs/b1")));

        CsiException failure = failure();

        assertThat(failure.code()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(peers.log()).containsExactly("p1: gluster volume info " + VOLUME);
        assertThat(heard).isEmpty();
    }

    @Test
    void aHalfMadeVolumeWithoutMetadataButCarvedByUsIsDeletedWithItsBricks() throws Exception {
        peers.has(FakePeers.Volume.named(VOLUME).status("Created").quota(false)
                .bricks(List.of("10.0.0.2:" + BRICK, "10.0.0.3:" + BRICK, "10.0.0.4:" + BRICK)));

        remover().delete(VOLUME);

        assertThat(peers.writes()).containsExactly(removeBrick(2), removeBrick(3), removeBrick(4), DELETE);
    }
}
