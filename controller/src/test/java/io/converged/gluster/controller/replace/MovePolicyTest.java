package io.converged.gluster.controller.replace;

import static org.assertj.core.api.Assertions.assertThat;

import io.converged.gluster.controller.gluster.Brick;
import io.converged.gluster.controller.gluster.VolumeInfo;
import io.converged.gluster.controller.placement.Candidate;
import io.grpc.Status;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MovePolicyTest {
    private static final long GIB = 1L << 30;
    private static final Map<String, String> DEDICATED = Map.of("user.csi.driver", "glusterfs.converged.io",
            "user.csi.capacity-bytes", Long.toString(GIB), "user.csi.brick-root", "/mnt/brick1");

    private static Brick brick(int peer, boolean arbiter) {
        return new Brick("10.0.0." + peer, "/mnt/brick1/v/brick", "uuid-" + peer, arbiter);
    }

    private static VolumeInfo volume(String status, Map<String, String> options, Brick... bricks) {
        return new VolumeInfo("v", "id", status, "Replicate", bricks.length, bricks.length,
                List.of(bricks).stream().anyMatch(Brick::arbiter) ? 1 : 0, 1, List.of(bricks), options);
    }

    private static Candidate peer(int i, String zone, boolean up) {
        return new Candidate("p" + i, zone, "node-" + i, 100 * GIB, up);
    }

    /** Peers 1-4 (zones z1-z4); the volume's bricks on those listed; the leaving brick is on peer 3. */
    private static MovePolicy.Decision decide(VolumeInfo info, Set<Integer> online, MoveMode mode, boolean peer4Up,
            Optional<String> wanted) {
        List<Candidate> candidates = List.of(peer(1, "z1", true), peer(2, "z2", true), peer(3, "z3", false),
                peer(4, "z4", peer4Up));
        Map<String, Candidate> byAddress = new HashMap<>();
        for (int i = 1; i <= 4; i++) {
            byAddress.put("10.0.0." + i, candidates.get(i - 1));
        }
        Brick leaving = info.bricks().stream().filter(b -> b.host().equals("10.0.0.3")).findFirst().orElseThrow();
        Set<String> up = new java.util.HashSet<>();
        online.forEach(i -> up.add("10.0.0." + i + ":/mnt/brick1/v/brick"));
        return MovePolicy.decide(new MovePolicy.Facts(info, leaving, up, candidates, byAddress, "p3", wanted, mode,
                GIB));
    }

    private static MovePolicy.Refuse refused(MovePolicy.Decision decision) {
        assertThat(decision).isInstanceOf(MovePolicy.Refuse.class);
        return (MovePolicy.Refuse) decision;
    }

    @Test
    void aLostPeersBrickGoesToTheSparePeer() {
        VolumeInfo info = volume("Started", DEDICATED, brick(1, false), brick(2, false), brick(3, false));
        assertThat(decide(info, Set.of(1, 2), MoveMode.REPLACE, true, Optional.empty()))
                .isEqualTo(new MovePolicy.Go(peer(4, "z4", true)));
    }

    @Test
    void replaceIsRefusedForABrickThatIsOnlineAndPointsAtDrain() {
        VolumeInfo info = volume("Started", DEDICATED, brick(1, false), brick(2, false), brick(3, false));
        MovePolicy.Refuse refuse = refused(decide(info, Set.of(1, 2, 3), MoveMode.REPLACE, true, Optional.empty()));
        assertThat(refuse.code()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(refuse.reason()).contains("is online", "peer drain");
    }

    @Test
    void replaceNeedsAnotherBrickWithTheDataOnlineAndAnArbiterHoldsNone() {
        VolumeInfo arbiter = volume("Started", DEDICATED, brick(1, false), brick(3, false), brick(2, true));
        MovePolicy.Refuse refuse = refused(decide(arbiter, Set.of(2), MoveMode.REPLACE, true, Optional.empty()));
        assertThat(refuse.reason()).contains("no other brick of volume v that holds its data is online");
        assertThat(decide(arbiter, Set.of(1), MoveMode.REPLACE, true, Optional.empty()))
                .isInstanceOf(MovePolicy.Go.class);
    }

    @ParameterizedTest
    @EnumSource(value = MoveMode.class, names = {"DRAIN", "AUTO"})
    void drainAndTheAutomaticReplacementNeverMoveWhileAnotherBrickOfTheVolumeIsDown(MoveMode mode) {
        VolumeInfo info = volume("Started", DEDICATED, brick(1, false), brick(2, false), brick(3, false));
        MovePolicy.Refuse refuse = refused(decide(info, Set.of(1), mode, true, Optional.empty()));
        assertThat(refuse.code()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(refuse.reason()).contains("10.0.0.2:/mnt/brick1/v/brick", "offline too", "wait until");
    }

    @Test
    void theAutomaticReplacementLeavesABrickThatIsOnlineAlone() {
        VolumeInfo info = volume("Started", DEDICATED, brick(1, false), brick(2, false), brick(3, false));
        assertThat(refused(decide(info, Set.of(1, 2, 3), MoveMode.AUTO, true, Optional.empty())).reason())
                .contains("is online");
        assertThat(decide(info, Set.of(1, 2), MoveMode.AUTO, true, Optional.empty()))
                .isInstanceOf(MovePolicy.Go.class);
    }

    @Test
    void aDrainMovesALiveBrickWhileEveryOtherIsOnline() {
        VolumeInfo info = volume("Started", DEDICATED, brick(2, false), brick(3, false));
        assertThat(decide(info, Set.of(2, 3), MoveMode.DRAIN, true, Optional.empty()))
                .isEqualTo(new MovePolicy.Go(peer(1, "z1", true)));
    }

    @Test
    void withNoPeerToTakeItTheMoveIsResourceExhaustedAndAWantedPeerThatCannotIsFailedPrecondition() {
        VolumeInfo info = volume("Started", DEDICATED, brick(1, false), brick(2, false), brick(3, false));
        MovePolicy.Refuse none = refused(decide(info, Set.of(1, 2), MoveMode.REPLACE, false, Optional.empty()));
        assertThat(none.code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(none.reason()).startsWith("volume v: no peer can take the brick").contains("peer p4 is down");
        MovePolicy.Refuse wanted = refused(decide(info, Set.of(1, 2), MoveMode.REPLACE, true, Optional.of("p2")));
        assertThat(wanted.code()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(wanted.reason()).contains("two replicas would share a peer");
    }

    @Test
    void aClassThatAskedForZonesGetsAZoneOfItsOwnOrARefusal() {
        Map<String, String> zones = new HashMap<>(DEDICATED);
        zones.put("user.csi.spread", "topology.kubernetes.io/zone");
        VolumeInfo info = volume("Started", zones, brick(1, false), brick(2, false), brick(3, false));
        List<Candidate> sameZone = List.of(peer(1, "z1", true), peer(2, "z2", true), peer(3, "z3", false),
                new Candidate("p4", "z1", "node-4", 100 * GIB, true));
        Map<String, Candidate> byAddress = Map.of("10.0.0.1", sameZone.get(0), "10.0.0.2", sameZone.get(1));
        MovePolicy.Decision decision = MovePolicy.decide(new MovePolicy.Facts(info, info.bricks().get(2),
                Set.of("10.0.0.1:/mnt/brick1/v/brick", "10.0.0.2:/mnt/brick1/v/brick"), sameZone, byAddress, "p3",
                Optional.empty(), MoveMode.REPLACE, GIB));
        assertThat(refused(decision).reason()).contains("in a zone without a replica",
                "peer p4 is in zone z1, where a replica already is");
    }

    @Test
    void volumesTheDriverDidNotMakeAndStoppedOnesAreNotMoved() {
        VolumeInfo foreign = volume("Started", Map.of(), brick(1, false), brick(2, false), brick(3, false));
        assertThat(MovePolicy.kind(foreign)).isEqualTo(Move.Kind.FOREIGN);
        assertThat(refused(decide(foreign, Set.of(1, 2), MoveMode.REPLACE, true, Optional.empty())).reason())
                .contains("was not made by this driver", "replace-brick");
        VolumeInfo stopped = volume("Stopped", DEDICATED, brick(1, false), brick(2, false), brick(3, false));
        assertThat(refused(decide(stopped, Set.of(), MoveMode.REPLACE, true, Optional.empty())).reason())
                .contains("is Stopped", "start it first");
    }

    @Test
    void aSharedPoolIsMovedLikeADedicatedVolume() {
        Map<String, String> pool = Map.of("user.csi.driver", "glusterfs.converged.io", "user.csi.layout", "pool",
                "user.csi.brick-root", "/mnt/brick1");
        VolumeInfo info = volume("Started", pool, brick(1, false), brick(2, false), brick(3, false));
        assertThat(MovePolicy.kind(info)).isEqualTo(Move.Kind.POOL);
        assertThat(decide(info, Set.of(1, 2), MoveMode.REPLACE, true, Optional.empty()))
                .isInstanceOf(MovePolicy.Go.class);
    }
}
