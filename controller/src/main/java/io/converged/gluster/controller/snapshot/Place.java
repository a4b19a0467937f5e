package io.converged.gluster.controller.snapshot;

import io.converged.gluster.controller.gluster.Brick;
import io.converged.gluster.controller.gluster.VolumeInfo;
import io.converged.gluster.controller.provision.ProvisionedVolume;
import java.util.List;

/**
 * A directory of a gluster volume that a copy reads or fills: the volume to mount, the servers that
 * serve it (the mount's primary and backups), and the path inside it ({@code ""} for its root).
 */
record Place(String volume, List<String> servers, String path) {

    Place {
        servers = List.copyOf(servers);
    }

    /** The root of a volume of this driver: a dedicated volume's, or a claim's directory in its pool. */
    static Place of(ProvisionedVolume volume) {
        return new Place(volume.glusterVolume(), volume.servers(), volume.directory());
    }

    /** A path in a pool (or any volume) as gluster describes it. */
    static Place in(VolumeInfo volume, String path) {
        return new Place(volume.name(), volume.bricks().stream().map(Brick::host).distinct().toList(), path);
    }

    /** Where the place is under a mount of its volume at {@code mountPoint}. */
    String under(String mountPoint) {
        return path.isEmpty() ? mountPoint : mountPoint + "/" + path;
    }
}
