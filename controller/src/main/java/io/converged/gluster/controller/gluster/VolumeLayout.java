package io.converged.gluster.controller.gluster;

import java.util.List;

/**
 * The layout {@code gluster volume create} is asked for: a name, the replica layout and the bricks as
 * {@code host:path}. Built through {@link #replica} or {@link #arbiter}, which check the layout.
 *
 * @param replica replica count; 1 means a plain (distribute) volume of one brick per peer
 * @param arbiter whether the last brick of each set is an arbiter ({@code replica 3 arbiter 1})
 * @param force needed when bricks lie on the root file system (as they do in tests and hostPaths)
 */
public record VolumeLayout(String name, int replica, boolean arbiter, List<String> bricks, boolean force) {

    public VolumeLayout {
        GlusterNames.requireVolume(name);
        bricks = List.copyOf(bricks);
        for (String brick : bricks) {
            GlusterNames.requireBrick(brick);
        }
        if (replica < 1 || bricks.isEmpty() || bricks.size() % replica != 0) {
            throw new IllegalArgumentException("replica " + replica + " needs a multiple of " + replica
                    + " bricks, not " + bricks.size());
        }
        if (arbiter && replica != 3) {
            throw new IllegalArgumentException("an arbiter volume is replica 3 arbiter 1");
        }
        if (bricks.stream().distinct().count() != bricks.size()) {
            throw new IllegalArgumentException("a brick is listed twice: " + bricks);
        }
    }

    /** {@code replica N}, one brick per replica (N = bricks.size()); bricks on the root fs need force. */
    public static VolumeLayout replica(String name, List<String> bricks, boolean force) {
        return new VolumeLayout(name, bricks.size(), false, bricks, force);
    }

    /** {@code replica 3 arbiter 1}: two data bricks and, last, the arbiter. */
    public static VolumeLayout arbiter(String name, List<String> bricks, boolean force) {
        return new VolumeLayout(name, 3, true, bricks, force);
    }

    /** The arguments after {@code gluster volume}. */
    List<String> createArgs() {
        List<String> args = new java.util.ArrayList<>(List.of("create", name));
        if (replica > 1) {
            args.add("replica");
            args.add(Integer.toString(replica));
            if (arbiter) {
                args.add("arbiter");
                args.add("1");
            }
        }
        args.addAll(bricks);
        if (force) {
            args.add("force");
        }
        return args;
    }
}
