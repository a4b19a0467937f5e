package io.converged.gluster.controller.provision;

import io.converged.gluster.controller.gluster.VolumeInfo;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * A volume of this driver as gluster describes it: read back from the volume's info and its
 * {@code user.csi.*} metadata (a dedicated volume), or from its pool's info and the record on its
 * directory (a claim in a shared pool), never from memory.
 *
 * @param bricks the bricks of the gluster volume: the dedicated volume's, or the pool's
 * @param pool the shared pool the claim is a directory of; empty for a dedicated volume
 * @param volumeOptions the gluster volume options the driver set from {@code volumeOptions} (of the
 *     StorageClass, then of VolumeAttributesClasses), with the values the volume has now; empty for
 *     a claim in a shared pool, whose options are the pool's
 */
public record ProvisionedVolume(
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
        boolean started,
        Optional<String> pool,
        Map<String, String> volumeOptions) {

    public ProvisionedVolume {
        bricks = List.copyOf(bricks);
        volumeOptions = Collections.unmodifiableMap(new TreeMap<>(volumeOptions));
    }

    /** A volume without options the driver set: a claim in a shared pool, or a volume made without them. */
    public ProvisionedVolume(String id, String requestName, long capacityBytes, int replica, boolean arbiter,
            List<Brick> bricks, String brickRoot, OptionalInt gid, OnDelete onDelete, Optional<String> pvcName,
            Optional<String> pvcNamespace, boolean started, Optional<String> pool) {
        this(id, requestName, capacityBytes, replica, arbiter, bricks, brickRoot, gid, onDelete, pvcName, pvcNamespace,
                started, pool, Map.of());
    }

    /** One brick: the peer address gluster knows and the brick's path on that peer. */
    public record Brick(String address, String path) {
        @Override
        public String toString() {
            return address + ":" + path;
        }
    }

    /** The volume as gluster's info and the driver's metadata on it describe it. */
    public static ProvisionedVolume of(VolumeInfo info) {
        Map<String, String> options = info.options();
        List<Brick> bricks = info.bricks().stream().map(b -> new Brick(b.host(), b.path())).toList();
        return new ProvisionedVolume(info.name(), VolumeMetadata.requestName(options),
                VolumeMetadata.capacity(options), info.replicaCount(), info.arbiterCount() > 0, bricks,
                VolumeMetadata.brickRoot(options), VolumeMetadata.gid(options), VolumeMetadata.onDelete(options),
                VolumeMetadata.pvcName(options), VolumeMetadata.pvcNamespace(options), info.started(),
                Optional.empty(), VolumeMetadata.appliedOptions(options));
    }

    /** The gluster volume that is mounted: the dedicated volume, or the pool. */
    public String glusterVolume() {
        return pool.orElse(id);
    }

    /** A claim's directory directly under its pool's root; empty for a dedicated volume. */
    public String directory() {
        return pool.isPresent() ? id.substring(id.indexOf('/') + 1) : "";
    }

    /** Peer addresses in brick order, each once. */
    public List<String> servers() {
        return bricks.stream().map(Brick::address).distinct().toList();
    }
}
