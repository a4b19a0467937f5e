package io.converged.gluster.node.keeper;

import io.converged.gluster.node.mount.GlusterMount;
import io.converged.gluster.node.mount.MountException;
import io.converged.gluster.node.mount.MountPoint;
import io.converged.gluster.node.mount.Mounter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The keeper's side effects: FUSE mounts made by this process, so that their glusterfs clients are
 * its descendants (on Kubernetes, processes of the keeper's container, which the node plugin's
 * restarts never touch), and their unmounts. Paths and mounts arrive validated; each call looks at
 * the mount table first, so a retried call is harmless.
 */
final class KeptMounts {
    private static final Logger LOG = Logger.getLogger(KeptMounts.class.getName());

    private final Mounter mounter;

    KeptMounts(Mounter mounter) {
        this.mounter = mounter;
    }

    /** Mounts the volume at the target directory, unless a live mount of the same volume is there. */
    void mount(GlusterMount mount, Path target) throws MountException {
        if (!Files.isDirectory(target)) {
            throw new MountException(MountException.Reason.NOT_FOUND, "target_path " + target
                    + " is not an existing directory");
        }
        Optional<MountPoint> current = mounter.mounts().at(target);
        if (current.isPresent()) {
            MountPoint there = current.get();
            if (!there.isGluster() || !there.glusterPath().equals(mount.path())) {
                throw new MountException(MountException.Reason.CONFLICT, target + " already holds " + there.source()
                        + " (" + there.fsType() + "), not gluster volume " + mount.path());
            }
            try {
                mounter.probe(target);
            } catch (MountException e) {
                if (e.reason() != MountException.Reason.NOT_CONNECTED) {
                    throw e;
                }
                throw new MountException(MountException.Reason.IN_USE, target + " holds a mount of gluster volume "
                        + mount.path() + " whose client is dead; unmount it first", e);
            }
            LOG.fine(() -> "gluster volume " + mount.path() + " is already mounted at " + target);
            return;
        }
        createDirectories(mount.logFile().getParent());
        mounter.mountGluster(mount, target);
        LOG.info("mounted gluster volume " + mount.path() + " from " + String.join(",", mount.servers()) + " at "
                + target + " (client log " + mount.logFile() + ")");
    }

    /** Unmounts the gluster mount at the target; nothing mounted there is fine, another kind of mount is refused. */
    void unmount(Path target) throws MountException {
        Optional<MountPoint> current = mounter.mounts().at(target);
        if (current.isEmpty()) {
            return;
        }
        if (!current.get().isGluster()) {
            throw new MountException(MountException.Reason.INVALID, target + " holds " + current.get().source()
                    + " (" + current.get().fsType() + "); the mount keeper unmounts only gluster mounts");
        }
        mounter.unmount(target);
        LOG.info("unmounted gluster volume " + current.get().glusterPath() + " at " + target);
    }

    private static void createDirectories(Path path) throws MountException {
        try {
            Files.createDirectories(path);
        } catch (IOException e) {
            throw new MountException(MountException.Reason.FAILED, "cannot create " + path + ": " + e.getMessage(), e);
        }
    }
}
