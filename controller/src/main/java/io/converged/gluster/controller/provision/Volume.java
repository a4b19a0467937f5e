package io.converged.gluster.controller.provision;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A volume of this driver as gluster describes it: read back from the volume's info and its
 * {@code user.csi.*} metadata, never from memory.
 */
public record Volume(
        String id,
        String requestName,
        long capacityBytes,
        int replica,
        boolean arbiter,
        List<Brick> bricks,
        String brickRoot,
        OptionalInt gid,
        OnDelete onDelete,
        Optional<String> pvcName,
        Optional<String> pvcNamespace,
        boolean started) {

    public Volume {
        bricks = List.copyOf(bricks);
    }

    /** One brick: the peer address gluster knows and the brick's path on that peer. */
    public record Brick(String address, String path) {
        @Override
        public String toString() {
            return address + ":" + path;
        }
    }

    /** Peer addresses in brick order, each once. */
    public List<String> servers() {
        return bricks.stream().map(Brick::address).distinct().toList();
    }
}
