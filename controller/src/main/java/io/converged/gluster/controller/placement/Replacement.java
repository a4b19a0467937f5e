package io.converged.gluster.controller.placement;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where one brick of a volume goes when it leaves its peer, by the rules {@link Placement} places a
 * new volume with: the new peer is up, has room, and holds no brick of the volume and shares no node
 * with a peer that does; when the class asked for distinct zones it must be in a zone no remaining
 * replica is in, and otherwise a peer in such a zone is chosen whenever one qualifies (the pool has
 * the zones), so a move never puts two replicas in one zone that a zone of their own could hold. The
 * roomiest qualifying peer wins. Pure logic, no I/O.
 */
public final class Replacement {
    private static final Comparator<Candidate> ROOMIEST_FIRST = Comparator
            .comparingLong(Candidate::freeBytes).reversed()
            .thenComparing(Candidate::peer);

    private Replacement() {
    }

    /**
     * The peer for the brick.
     *
     * @param candidates every peer that could take it, as placement sees them
     * @param staying the peers that keep their bricks of the volume (zone and node as far as known)
     * @param leaving the name of the peer the brick leaves: never chosen
     * @param bytesNeeded the room the new brick needs
     * @param zonesRequired the class asked for each replica in its own zone
     * @param wanted a peer the operator chose; empty to let the rules choose
     * @throws PlacementException when no peer qualifies, or the wanted one does not; the message says why
     */
    public static Candidate choose(List<Candidate> candidates, List<Candidate> staying, String leaving,
            long bytesNeeded, boolean zonesRequired, Optional<String> wanted) throws PlacementException {
        Set<String> stayingPeers = staying.stream().map(Candidate::peer).collect(Collectors.toSet());
        Set<String> stayingNodes = staying.stream().map(Candidate::node).collect(Collectors.toSet());
        Set<String> stayingZones = staying.stream().map(Candidate::zone).filter(z -> !z.isEmpty())
                .collect(Collectors.toSet());
        List<Candidate> eligible = new ArrayList<>();
        for (Candidate c : candidates) {
            if (unfit(c, leaving, stayingPeers, stayingNodes, bytesNeeded).isEmpty()
                    && (!zonesRequired || freshZone(c, stayingZones))) {
                eligible.add(c);
            }
        }
        List<Candidate> inFreshZones = eligible.stream().filter(c -> freshZone(c, stayingZones)).toList();
        List<Candidate> qualifying = inFreshZones.isEmpty() ? eligible : inFreshZones;
        if (wanted.isPresent()) {
            String name = wanted.get();
            Candidate target = candidates.stream().filter(c -> c.peer().equals(name)).findFirst()
                    .orElseThrow(() -> new PlacementException("peer " + name + " is not one the brick could go to"
                            + " (not discovered, or not in the pool)"));
            Optional<String> unfit = unfit(target, leaving, stayingPeers, stayingNodes, bytesNeeded);
            if (unfit.isPresent()) {
                throw new PlacementException(unfit.get());
            }
            if (!freshZone(target, stayingZones) && (zonesRequired || !inFreshZones.isEmpty())) {
                throw new PlacementException("peer " + name + " is in zone " + describeZone(target)
                        + ", where a replica already is ("
                        + (zonesRequired ? "the class asks for each replica in its own zone"
                        : "peers in other zones qualify: " + names(inFreshZones)) + ")");
            }
            return target;
        }
        if (qualifying.isEmpty()) {
            throw new PlacementException(explain(candidates, leaving, stayingPeers, stayingNodes, stayingZones,
                    bytesNeeded, zonesRequired));
        }
        return qualifying.stream().sorted(ROOMIEST_FIRST).findFirst().orElseThrow();
    }

    /** Why the candidate cannot take the brick whatever the zones, if it cannot. */
    private static Optional<String> unfit(Candidate c, String leaving, Set<String> stayingPeers,
            Set<String> stayingNodes, long bytesNeeded) {
        if (c.peer().equals(leaving)) {
            return Optional.of("peer " + c.peer() + " is the one the brick leaves");
        }
        if (stayingPeers.contains(c.peer())) {
            return Optional.of("peer " + c.peer() + " already holds a brick of the volume: two replicas would"
                    + " share a peer");
        }
        if (stayingNodes.contains(c.node())) {
            return Optional.of("peer " + c.peer() + " is on node " + c.node() + ", which already holds a brick of"
                    + " the volume: two replicas would share a node");
        }
        if (!c.up()) {
            return Optional.of("peer " + c.peer() + " is down");
        }
        if (c.freeBytes() == 0 && bytesNeeded > 0) {
            return Optional.of("peer " + c.peer() + " has no room under its brick root (is the brick root there?)");
        }
        if (c.freeBytes() < bytesNeeded) {
            return Optional.of("peer " + c.peer() + " has " + c.freeBytes() + " bytes free under its brick root,"
                    + " the brick needs " + bytesNeeded);
        }
        return Optional.empty();
    }

    private static boolean freshZone(Candidate c, Set<String> stayingZones) {
        return !c.zone().isEmpty() && !stayingZones.contains(c.zone());
    }

    private static String describeZone(Candidate c) {
        return c.zone().isEmpty() ? "(none)" : c.zone();
    }

    private static String names(List<Candidate> candidates) {
        return candidates.stream().map(Candidate::peer).sorted().collect(Collectors.joining(", "));
    }

    private static String explain(List<Candidate> candidates, String leaving, Set<String> stayingPeers,
            Set<String> stayingNodes, Set<String> stayingZones, long bytesNeeded, boolean zonesRequired) {
        List<String> reasons = new ArrayList<>();
        for (Candidate c : candidates.stream().sorted(Comparator.comparing(Candidate::peer)).toList()) {
            Optional<String> unfit = unfit(c, leaving, stayingPeers, stayingNodes, bytesNeeded);
            if (unfit.isPresent()) {
                if (!c.peer().equals(leaving)) {
                    reasons.add(unfit.get());
                }
            } else if (zonesRequired && !freshZone(c, stayingZones)) {
                reasons.add("peer " + c.peer() + " is in zone " + describeZone(c) + ", where a replica already is");
            }
        }
        return "no peer can take the brick (" + bytesNeeded + " bytes, on a peer and node without a replica"
                + (zonesRequired ? ", in a zone without a replica" : "") + ")"
                + (reasons.isEmpty() ? ": the pool has no other peer" : ": " + String.join("; ", reasons));
    }
}
