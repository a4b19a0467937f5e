package io.converged.gluster.controller.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlacementTest {
    private static final long GIB = 1L << 30;

    private static Candidate peer(String name, String zone, long freeGib) {
        return new Candidate(name, zone, name + "-node", freeGib * GIB, true);
    }

    private static List<String> names(List<Candidate> chosen) {
        return chosen.stream().map(Candidate::peer).toList();
    }

    @Test
    void picksTheRoomiestPeersOnDistinctNodes() throws PlacementException {
        List<Candidate> pool = List.of(peer("a", "", 10), peer("b", "", 50), peer("c", "", 30), peer("d", "", 20));
        assertThat(names(Placement.choose(pool, 3, GIB, false))).containsExactly("b", "c", "d");
    }

    @Test
    void spreadsOverZonesBeforeRoom() throws PlacementException {
        List<Candidate> pool = List.of(peer("a1", "z1", 90), peer("a2", "z1", 80), peer("b1", "z2", 10),
                peer("c1", "z3", 5));
        assertThat(names(Placement.choose(pool, 3, GIB, false))).containsExactly("a1", "b1", "c1");
    }

    @Test
    void fallsBackToNodesWhenZonesAreTooFew() throws PlacementException {
        List<Candidate> pool = List.of(peer("a1", "z1", 90), peer("a2", "z1", 80), peer("b1", "z2", 10));
        assertThat(names(Placement.choose(pool, 3, GIB, false))).containsExactly("a1", "b1", "a2");
        assertThatThrownBy(() -> Placement.choose(pool, 3, GIB, true))
                .isInstanceOf(PlacementException.class)
                .hasMessageContaining("distinct zones usable: 2");
    }

    @Test
    void peersThatAreDownOrFullAreNotChosenAndTheMessageSaysSo() {
        List<Candidate> pool = List.of(peer("a", "", 10), new Candidate("b", "", "nb", 50 * GIB, false),
                peer("c", "", 1));
        assertThatThrownBy(() -> Placement.choose(pool, 2, 2 * GIB, false))
                .isInstanceOf(PlacementException.class)
                .hasMessageContaining("cannot place 2 replica(s)")
                .hasMessageContaining("down: b")
                .hasMessageContaining("too little room: c")
                .hasMessageContaining("usable a (node a-node");
    }

    @Test
    void twoPeersOnOneNodeNeverHoldTheSameVolume() {
        List<Candidate> pool = List.of(new Candidate("p1", "", "n1", GIB * 9, true),
                new Candidate("p2", "", "n1", GIB * 9, true));
        assertThatThrownBy(() -> Placement.choose(pool, 2, GIB, false)).isInstanceOf(PlacementException.class);
    }

    @Test
    void largestPlaceableIsTheTightestOfTheBestPlacement() {
        List<Candidate> pool = List.of(peer("a", "", 10), peer("b", "", 50), peer("c", "", 30), peer("d", "", 20));
        assertThat(Placement.largestPlaceable(pool, 3, false)).hasValue(20 * GIB);
        assertThat(Placement.largestPlaceable(pool, 1, false)).hasValue(50 * GIB);
        assertThat(Placement.largestPlaceable(pool, 5, false)).isEmpty();
    }

    @Test
    void largestPlaceableHonoursStrictZones() {
        List<Candidate> pool = List.of(peer("a1", "z1", 90), peer("a2", "z1", 80), peer("b1", "z2", 10),
                peer("c1", "z3", 5));
        assertThat(Placement.largestPlaceable(pool, 2, true)).hasValue(10 * GIB);
        assertThat(Placement.largestPlaceable(pool, 3, true)).hasValue(5 * GIB);
    }

    /** Over many random pools: every placement obeys the rules, and fails only when it must. */
    @Test
    void randomPoolsAlwaysGetValidPlacements() {
        Random random = new Random(42);
        for (int round = 0; round < 2000; round++) {
            List<Candidate> pool = new ArrayList<>();
            int peers = 1 + random.nextInt(7);
            for (int i = 0; i < peers; i++) {
                pool.add(new Candidate("p" + i, random.nextBoolean() ? "z" + random.nextInt(3) : "",
                        "n" + random.nextInt(5), random.nextInt(10) * GIB, random.nextInt(5) > 0));
            }
            int count = 1 + random.nextInt(3);
            long need = random.nextInt(6) * GIB;
            boolean strict = random.nextBoolean();
            boolean feasible = feasible(pool, count, need, strict, 0, new HashSet<>(), new HashSet<>());
            try {
                List<Candidate> chosen = Placement.choose(pool, count, need, strict);
                assertThat(chosen).hasSize(count).allMatch(c -> c.up() && c.freeBytes() >= need);
                assertThat(chosen.stream().map(Candidate::node).distinct().count()).isEqualTo(count);
                if (strict) {
                    assertThat(chosen.stream().map(Candidate::zone).distinct().count()).isEqualTo(count);
                    assertThat(chosen).noneMatch(c -> c.zone().isEmpty());
                }
                assertThat(feasible).isTrue();
            } catch (PlacementException e) {
                assertThat(feasible).as("placement failed though one exists: %s", pool).isFalse();
            }
        }
    }

    /** Brute force: is there any set of peers that obeys the rules? */
    private static boolean feasible(List<Candidate> pool, int count, long need, boolean strict, int from,
            Set<String> nodes, Set<String> zones) {
        if (nodes.size() == count) {
            return true;
        }
        for (int i = from; i < pool.size(); i++) {
            Candidate c = pool.get(i);
            if (!c.up() || c.freeBytes() < need || nodes.contains(c.node())
                    || strict && (c.zone().isEmpty() || zones.contains(c.zone()))) {
                continue;
            }
            Set<String> n = new HashSet<>(nodes);
            n.add(c.node());
            Set<String> z = new HashSet<>(zones);
            z.add(c.zone());
            if (feasible(pool, count, need, strict, i + 1, n, z)) {
                return true;
            }
        }
        return false;
    }
}
