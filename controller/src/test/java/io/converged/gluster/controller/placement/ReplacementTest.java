package io.converged.gluster.controller.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReplacementTest {
    private static final long GIB = 1L << 30;

    private static Candidate peer(String name, String zone, long freeGib) {
        return new Candidate(name, zone, name + "-node", freeGib * GIB, true);
    }

    private static Candidate down(String name, String zone) {
        return new Candidate(name, zone, name + "-node", 100 * GIB, false);
    }

    private static String choose(List<Candidate> pool, List<Candidate> staying, String leaving, boolean zones,
            String wanted) throws PlacementException {
        return Replacement.choose(pool, staying, leaving, GIB, zones, Optional.ofNullable(wanted)).peer();
    }

    @Test
    void takesTheRoomiestPeerThatHoldsNoReplicaAndIsNotTheOneLeft() throws PlacementException {
        List<Candidate> pool = List.of(peer("a", "", 10), peer("b", "", 90), peer("c", "", 50), down("d", ""),
                peer("e", "", 40));
        assertThat(choose(pool, List.of(pool.get(1), pool.get(2)), "d", false, null)).isEqualTo("e");
    }

    @Test
    void neverPutsTwoReplicasOnOnePeerOrNode() {
        Candidate a = peer("a", "", 10);
        Candidate b = peer("b", "", 10);
        Candidate sameNodeAsA = new Candidate("a2", "", "a-node", 500 * GIB, true);
        assertThatThrownBy(() -> choose(List.of(a, b, sameNodeAsA), List.of(a, b), "c", false, null))
                .isInstanceOf(PlacementException.class)
                .hasMessageContaining("no peer can take the brick")
                .hasMessageContaining("peer a already holds a brick of the volume")
                .hasMessageContaining("peer a2 is on node a-node, which already holds a brick");
    }

    @Test
    void prefersAZoneNoReplicaIsInOverRoom() throws PlacementException {
        List<Candidate> pool = List.of(peer("a", "z1", 10), peer("b", "z2", 10), peer("a2", "z1", 900),
                peer("c", "z3", 1));
        assertThat(choose(pool, List.of(pool.get(0), pool.get(1)), "gone", false, null)).isEqualTo("c");
    }

    @Test
    void withoutAFreeZoneAPeerInAUsedZoneWillDoUnlessTheClassAskedForZones() throws PlacementException {
        List<Candidate> pool = List.of(peer("a", "z1", 10), peer("b", "z2", 10), peer("a2", "z1", 900),
                down("c", "z3"));
        List<Candidate> staying = List.of(pool.get(0), pool.get(1));
        assertThat(choose(pool, staying, "gone", false, null)).isEqualTo("a2");
        assertThatThrownBy(() -> choose(pool, staying, "gone", true, null)).isInstanceOf(PlacementException.class)
                .hasMessageContaining("in a zone without a replica")
                .hasMessageContaining("peer a2 is in zone z1, where a replica already is")
                .hasMessageContaining("peer c is down");
    }

    @Test
    void aWantedPeerIsTakenWhenItQualifies() throws PlacementException {
        List<Candidate> pool = List.of(peer("a", "", 10), peer("b", "", 10), peer("c", "", 1), peer("d", "", 90));
        assertThat(choose(pool, List.of(pool.get(0), pool.get(1)), "x", false, "c")).isEqualTo("c");
    }

    @Test
    void aWantedPeerThatWouldShareAPeerZoneOrBeFullIsRefusedSayingWhy() {
        List<Candidate> pool = List.of(peer("a", "z1", 10), peer("b", "z2", 10), peer("a2", "z1", 90),
                peer("c", "z3", 90), new Candidate("tiny", "z4", "tiny-node", 1, true), down("off", "z5"));
        List<Candidate> staying = List.of(pool.get(0), pool.get(1));
        assertThatThrownBy(() -> choose(pool, staying, "x", false, "b")).hasMessageContaining(
                "peer b already holds a brick of the volume: two replicas would share a peer");
        assertThatThrownBy(() -> choose(pool, staying, "x", false, "a2")).hasMessageContaining(
                "peer a2 is in zone z1, where a replica already is (peers in other zones qualify: c)");
        assertThatThrownBy(() -> choose(pool, staying, "x", true, "a2")).hasMessageContaining(
                "the class asks for each replica in its own zone");
        assertThatThrownBy(() -> choose(pool, staying, "x", false, "tiny")).hasMessageContaining(
                "has 1 bytes free under its brick root, the brick needs " + GIB);
        assertThatThrownBy(() -> choose(pool, staying, "x", false, "off")).hasMessageContaining("peer off is down");
        assertThatThrownBy(() -> choose(pool, staying, "x", false, "nowhere")).hasMessageContaining(
                "peer nowhere is not one the brick could go to");
        assertThatThrownBy(() -> choose(pool, staying, "c", false, "c")).hasMessageContaining(
                "peer c is the one the brick leaves");
    }

    @Test
    void aPoolWithNoOtherPeerSaysSo() {
        Candidate a = peer("a", "", 10);
        assertThatThrownBy(() -> choose(List.of(down("b", "")), List.of(a), "b", false, null))
                .hasMessageEndingWith(": the pool has no other peer");
        assertThatThrownBy(() -> choose(List.of(a, down("b", "")), List.of(a), "b", false, null))
                .hasMessageEndingWith(": peer a already holds a brick of the volume: two replicas would share a peer");
    }
}
