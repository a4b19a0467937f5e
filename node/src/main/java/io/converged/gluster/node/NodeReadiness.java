package io.converged.gluster.node;

import io.converged.gluster.csi.runtime.Readiness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Ready when this machine can FUSE-mount gluster: the FUSE device and the mount helper exist. The
 * node plugin and the mount keeper answer Probe with it.
 */
public final class NodeReadiness implements Readiness {
    private final Path fuseDevice;
    private final List<Path> mountHelpers;

    /** The FUSE device and glusterfs mount helper where Debian's glusterfs-client puts them. */
    public static NodeReadiness ofThisMachine() {
        return new NodeReadiness(Path.of("/dev/fuse"),
                List.of(Path.of("/sbin/mount.glusterfs"), Path.of("/usr/sbin/mount.glusterfs")));
    }

    NodeReadiness(Path fuseDevice, List<Path> mountHelpers) {
        this.fuseDevice = fuseDevice;
        this.mountHelpers = List.copyOf(mountHelpers);
    }

    @Override
    public Status check() {
        if (!Files.exists(fuseDevice)) {
            return Status.notReady(fuseDevice + " is missing; the node plugin needs the FUSE device");
        }
        for (Path helper : mountHelpers) {
            if (Files.isExecutable(helper)) {
                return Status.READY;
            }
        }
        return Status.notReady("no glusterfs mount helper at " + mountHelpers
                + "; install the glusterfs client (glusterfs-client)");
    }
}
