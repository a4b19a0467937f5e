package io.converged.gluster.controller.placement;

/**
 * A peer as placement sees it: where it is (zone may be empty), how much room its brick root has,
 * and whether it is up.
 */
public record Candidate(String peer, String zone, String node, long freeBytes, boolean up) {

    public Candidate {
        zone = zone == null ? "" : zone;
        node = node == null || node.isEmpty() ? peer : node;
    }
}
