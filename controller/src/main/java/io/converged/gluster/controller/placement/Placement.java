package io.converged.gluster.controller.placement;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Chooses the peers that hold one volume's bricks: N peers that are up, on N distinct nodes, spread
 * over as many zones as the pool has, each with room for the volume, the roomiest first. Pure logic,
 * no I/O.
 */
public final class Placement {
    private static final Comparator<Candidate> ROOMIEST_FIRST = Comparator
            .comparingLong(Candidate::freeBytes).reversed()
            .thenComparing(Candidate::peer);

    private Placement() {
    }

    /**
     * Chooses {@code count} peers.
     *
     * @param zonesRequired when true, each replica must be in its own zone (no fallback to nodes)
     * @throws PlacementException when too few peers qualify; the message names each shortfall
     */
    public static List<Candidate> choose(List<Candidate> candidates, int count, long bytesNeeded,
            boolean zonesRequired) throws PlacementException {
        List<Candidate> eligible = candidates.stream()
                .filter(c -> c.up() && c.freeBytes() >= bytesNeeded)
                .sorted(ROOMIEST_FIRST)
                .toList();
        List<Candidate> chosen = pick(eligible, count, zonesRequired);
        if (chosen.size() < count) {
            throw new PlacementException(explain(candidates, count, bytesNeeded, zonesRequired));
        }
        return chosen;
    }

    /**
     * The largest volume, in bytes, that {@link #choose} could place now: the room of the tightest
     * of the peers it would pick. Empty when not even an empty volume can be placed.
     */
    public static Optional<Long> largestPlaceable(List<Candidate> candidates, int count, boolean zonesRequired) {
        List<Candidate> up = candidates.stream().filter(Candidate::up).sorted(ROOMIEST_FIRST).toList();
        // The best placement for a volume of size s uses only peers with at least s free; trying
        // each peer's room as s, largest first, finds the largest s that fits.
        for (Candidate limit : up) {
            List<Candidate> roomy = up.stream().filter(c -> c.freeBytes() >= limit.freeBytes()).toList();
            if (pick(roomy, count, zonesRequired).size() == count) {
                return Optional.of(limit.freeBytes());
            }
        }
        return Optional.empty();
    }

    private static List<Candidate> pick(List<Candidate> sorted, int count, boolean zonesRequired) {
        if (zonesRequired) {
            List<Candidate> chosen = new ArrayList<>();
            return search(sorted, 0, count, chosen, new HashSet<>(), new HashSet<>()) ? chosen : List.of();
        }
        return preferZones(sorted, count);
    }

    /**
     * Strict zones: a depth-first search in roomiest-first order, so the first full answer is the
     * roomiest one, and an answer is found whenever one exists (a greedy pick can be trapped when a
     * node carries two zones).
     */
    private static boolean search(List<Candidate> sorted, int from, int count, List<Candidate> chosen,
            Set<String> nodes, Set<String> zones) {
        if (chosen.size() == count) {
            return true;
        }
        for (int i = from; i < sorted.size(); i++) {
            Candidate c = sorted.get(i);
            if (c.zone().isEmpty() || nodes.contains(c.node()) || zones.contains(c.zone())) {
                continue;
            }
            chosen.add(c);
            nodes.add(c.node());
            zones.add(c.zone());
            if (search(sorted, i + 1, count, chosen, nodes, zones)) {
                return true;
            }
            chosen.remove(chosen.size() - 1);
            nodes.remove(c.node());
            zones.remove(c.zone());
        }
        return false;
    }

    /**
     * Zones preferred: each round takes the roomiest peer on an unused node, preferring one in an
     * unused zone. Always succeeds when enough distinct nodes qualify.
     */
    private static List<Candidate> preferZones(List<Candidate> sorted, int count) {
        List<Candidate> chosen = new ArrayList<>();
        Set<String> nodes = new HashSet<>();
        Set<String> zones = new HashSet<>();
        while (chosen.size() < count) {
            Candidate next = null;
            for (Candidate c : sorted) {
                if (nodes.contains(c.node())) {
                    continue;
                }
                if (!c.zone().isEmpty() && !zones.contains(c.zone())) {
                    next = c;
                    break;
                }
                if (next == null) {
                    next = c;
                }
            }
            if (next == null) {
                break;
            }
            chosen.add(next);
            nodes.add(next.node());
            if (!next.zone().isEmpty()) {
                zones.add(next.zone());
            }
        }
        return chosen;
    }

    private static String explain(List<Candidate> candidates, int count, long bytesNeeded, boolean zonesRequired) {
        List<String> down = new ArrayList<>();
        List<String> full = new ArrayList<>();
        List<String> usable = new ArrayList<>();
        for (Candidate c : candidates) {
            String where = c.peer() + " (node " + c.node() + (c.zone().isEmpty() ? "" : ", zone " + c.zone()) + ", "
                    + c.freeBytes() + " bytes free)";
            if (!c.up()) {
                down.add(c.peer());
            } else if (c.freeBytes() < bytesNeeded) {
                full.add(where);
            } else {
                usable.add(where);
            }
        }
        long usableNodes = candidates.stream().filter(c -> c.up() && c.freeBytes() >= bytesNeeded)
                .map(Candidate::node).collect(Collectors.toSet()).size();
        StringBuilder text = new StringBuilder("cannot place ").append(count).append(" replica(s) of ")
                .append(bytesNeeded).append(" bytes: need ").append(count).append(" peers that are up, on distinct ")
                .append(zonesRequired ? "zones" : "nodes").append(", each with room; ");
        text.append(zonesRequired ? "distinct zones usable" : "distinct nodes usable").append(": ")
                .append(zonesRequired ? candidates.stream().filter(c -> c.up() && c.freeBytes() >= bytesNeeded
                        && !c.zone().isEmpty()).map(Candidate::zone).distinct().count() : usableNodes);
        text.append("; usable ").append(usable.isEmpty() ? "none" : String.join(", ", usable));
        if (!full.isEmpty()) {
            text.append("; too little room: ").append(String.join(", ", full));
        }
        if (!down.isEmpty()) {
            text.append("; down: ").append(String.join(", ", down));
        }
        return text.toString();
    }
}
