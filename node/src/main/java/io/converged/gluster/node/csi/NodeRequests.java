package io.converged.gluster.node.csi;

import io.converged.gluster.csi.context.VolumeContext;
import io.converged.gluster.csi.runtime.CsiException;
import io.converged.gluster.csi.v1.VolumeCapability;
import io.converged.gluster.node.mount.GlusterMount;
import io.converged.gluster.node.mount.KubeletDir;
import io.converged.gluster.node.mount.MountException;
import io.converged.gluster.node.mount.MountOptions;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/** Validation of the fields of node requests; every refusal is INVALID_ARGUMENT naming the field. */
final class NodeRequests {
    private static final int MAX_ID = 1024;
    private static final Set<VolumeCapability.AccessMode.Mode> READ_ONLY_MODES = Set.of(
            VolumeCapability.AccessMode.Mode.SINGLE_NODE_READER_ONLY,
            VolumeCapability.AccessMode.Mode.MULTI_NODE_READER_ONLY);

    private NodeRequests() {
    }

    static String volumeId(String volumeId) throws CsiException {
        if (volumeId.isEmpty()) {
            throw CsiException.invalidArgument("volume_id is required");
        }
        if (volumeId.length() > MAX_ID || volumeId.indexOf('\0') >= 0) {
            throw CsiException.invalidArgument("volume_id is longer than " + MAX_ID + " characters or holds a NUL");
        }
        return volumeId;
    }

    /** An absolute path other than {@code /}. */
    static Path path(String field, String value) throws CsiException {
        if (value.isEmpty()) {
            throw CsiException.invalidArgument(field + " is required");
        }
        Path path;
        try {
            path = Path.of(value);
        } catch (InvalidPathException e) {
            throw CsiException.invalidArgument(field + " is not a valid path: " + e.getMessage());
        }
        if (!path.isAbsolute() || path.normalize().getParent() == null) {
            throw CsiException.invalidArgument(field + " must be an absolute path below /, got '" + value + "'");
        }
        return path;
    }

    /**
     * A staging or target path: absolute and under the kubelet directory, without '..' or a link
     * leading out ({@link KubeletDir}); returned as the mount table shows it.
     */
    static Path kubeletPath(KubeletDir kubelet, String field, String value) throws CsiException, MountException {
        return kubelet.check(field, path(field, value));
    }

    /**
     * NodeGetVolumeStats' volume_path. Empty or not a path at all is INVALID_ARGUMENT; a path where
     * this node mounts nothing (relative, or not under the kubelet directory) is NOT_FOUND, as for
     * any path where the volume is not mounted.
     */
    static Path statsPath(KubeletDir kubelet, String value) throws CsiException {
        if (value.isEmpty()) {
            throw CsiException.invalidArgument("volume_path is required");
        }
        Path path;
        try {
            path = Path.of(value);
        } catch (InvalidPathException e) {
            throw CsiException.invalidArgument("volume_path is not a valid path: " + e.getMessage());
        }
        try {
            return kubelet.check("volume_path", path);
        } catch (MountException e) {
            throw CsiException.notFound("no volume is mounted at volume_path '" + value + "': this node mounts"
                    + " volumes only at absolute paths under the kubelet directory " + kubelet);
        }
    }

    /** The mount flags of a mount capability; block access and other filesystems are refused. */
    static MountOptions mountOptions(boolean present, VolumeCapability capability) throws CsiException,
            MountException {
        if (!present) {
            throw CsiException.invalidArgument("volume_capability is required");
        }
        if (!capability.hasMount()) {
            throw CsiException.invalidArgument("volume_capability must be a mount (gluster volumes are filesystems;"
                    + " block access is not supported)");
        }
        String fsType = capability.getMount().getFsType();
        if (!fsType.isEmpty() && !fsType.equals("glusterfs")) {
            throw CsiException.invalidArgument("fs_type '" + fsType
                    + "' is not supported; leave it empty or use glusterfs");
        }
        VolumeCapability.AccessMode.Mode mode = capability.getAccessMode().getMode();
        if (mode == VolumeCapability.AccessMode.Mode.UNKNOWN || mode == VolumeCapability.AccessMode.Mode.UNRECOGNIZED) {
            throw CsiException.invalidArgument("volume_capability.access_mode is required");
        }
        return MountOptions.parse(capability.getMount().getMountFlagsList());
    }

    /** True for access modes that only read. */
    static boolean readOnlyMode(VolumeCapability capability) {
        return READ_ONLY_MODES.contains(capability.getAccessMode().getMode());
    }

    /** The gluster mount the volume context describes, logging to its own file in the log directory. */
    static GlusterMount glusterMount(Map<String, String> context, MountOptions options, Path clientLogDir)
            throws CsiException, MountException {
        String volume = context.getOrDefault(VolumeContext.GLUSTER_VOLUME, "");
        String servers = context.getOrDefault(VolumeContext.SERVERS, "");
        if (volume.isEmpty() || servers.isBlank()) {
            throw CsiException.invalidArgument("volume_context must carry '" + VolumeContext.GLUSTER_VOLUME + "' and '"
                    + VolumeContext.SERVERS + "' as the controller writes them; got keys " + context.keySet());
        }
        String directory = context.getOrDefault(VolumeContext.DIRECTORY, "");
        return GlusterMount.of(volume, directory, Arrays.asList(servers.split(",")), options,
                clientLogDir.resolve((directory.isEmpty() ? volume : volume + "." + directory) + ".log"));
    }
}
