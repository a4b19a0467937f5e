package io.converged.gluster.controller.gluster;

import java.util.List;

/** {@code gluster volume status V --xml} of a started volume: its bricks and daemons that answered. */
public record VolumeStatus(String name, List<BrickStatus> entries) {

    public VolumeStatus {
        entries = List.copyOf(entries);
    }

    /** The brick lines only (daemons left out). */
    public List<BrickStatus> bricks() {
        return entries.stream().filter(e -> !e.daemon()).toList();
    }

    /** Whether the brick {@code host:path} is listed as online. */
    public boolean online(Brick brick) {
        return bricks().stream()
                .anyMatch(b -> b.online() && b.host().equals(brick.host()) && b.path().equals(brick.path()));
    }
}
