package io.converged.gluster.node.mount;

import java.nio.file.Path;
import java.util.Set;

/**
 * One line of {@code /proc/self/mountinfo}.
 *
 * @param device the {@code major:minor} of the mounted filesystem; a bind mount shares it with its source
 * @param root the directory of that filesystem seen at the mount point ({@code /} for a whole mount)
 * @param mountPoint where it is mounted
 * @param options the per-mount options, e.g. {@code ro}, {@code nosuid}
 * @param fsType e.g. {@code fuse.glusterfs}
 * @param source e.g. {@code 127.1.9.1:/vol1}
 */
public record MountPoint(String device, String root, Path mountPoint, Set<String> options, String fsType,
        String source) {
    /** The filesystem type of every gluster FUSE mount and of bind mounts made from one. */
    public static final String GLUSTER_FUSE = "fuse.glusterfs";

    public MountPoint {
        options = Set.copyOf(options);
    }

    public boolean readOnly() {
        return options.contains("ro");
    }

    public boolean isGluster() {
        return GLUSTER_FUSE.equals(fsType);
    }

    /**
     * What a gluster mount mounts, from its source {@code server:/volume} or
     * {@code server:/volume/directory}: {@code volume} or {@code volume/directory}; "" for others.
     */
    public String glusterPath() {
        int slash = source.indexOf(":/");
        return isGluster() && slash >= 0 ? source.substring(slash + 2) : "";
    }

    /** True when this mount shows the same filesystem, from the same root, as the other. */
    public boolean sameFilesystemAs(MountPoint other) {
        return device.equals(other.device) && root.equals(other.root);
    }
}
