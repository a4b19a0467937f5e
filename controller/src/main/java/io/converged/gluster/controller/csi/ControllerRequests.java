package io.converged.gluster.controller.csi;

import io.converged.gluster.controller.provision.Capacity;
import io.converged.gluster.controller.provision.MutableParameters;
import io.converged.gluster.controller.provision.StorageClassParameters;
import io.converged.gluster.controller.provision.VolumeNames;
import io.converged.gluster.controller.provision.VolumeRequest;
import io.converged.gluster.controller.snapshot.ContentSource;
import io.converged.gluster.controller.snapshot.SnapshotId;
import io.converged.gluster.csi.runtime.CsiException;
import io.converged.gluster.csi.v1.CreateVolumeRequest;
import io.converged.gluster.csi.v1.VolumeCapability;
import io.converged.gluster.csi.v1.VolumeContentSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Checks of CSI requests that need no storage: anything refused here changed nothing. */
final class ControllerRequests {
    /** Longest request name accepted (the sidecar's are about 40 characters). */
    static final int MAX_NAME_LENGTH = 253;

    private ControllerRequests() {
    }

    static VolumeRequest volumeRequest(CreateVolumeRequest request, List<String> allowedBrickRoots)
            throws CsiException {
        String name = name(request.getName());
        if (request.getVolumeCapabilitiesCount() == 0) {
            throw CsiException.invalidArgument("volume_capabilities is required");
        }
        checkCapabilities(request.getVolumeCapabilitiesList());
        contentSource(request);
        StorageClassParameters parameters = StorageClassParameters.parse(request.getParametersMap(), allowedBrickRoots);
        if (request.getMutableParamsCount() > 0) {
            // A claim made with a VolumeAttributesClass: its options lie over the class's (the spec lets
            // mutable parameters win over parameters).
            Map<String, String> options = MutableParameters.volumeOptions(request.getMutableParamsMap());
            if (parameters.shared()) {
                throw CsiException.invalidArgument("a VolumeAttributesClass cannot set volume options on a claim in"
                        + " shared pool " + parameters.pool().get() + ": the options are the pool's, shared by every"
                        + " claim in it; use a dedicated StorageClass, or no VolumeAttributesClass");
            }
            Map<String, String> merged = new LinkedHashMap<>(parameters.volumeOptions());
            merged.putAll(options);
            parameters = parameters.withVolumeOptions(merged);
        }
        long bytes = Capacity.choose(request.getCapacityRange().getRequiredBytes(),
                request.getCapacityRange().getLimitBytes());
        String derived = VolumeNames.forRequest(parameters.volumeNamePrefix(), name);
        // A claim of a shared pool is a directory of it: its id says which pool.
        String volumeId = parameters.pool().map(pool -> pool + "/" + derived).orElse(derived);
        return new VolumeRequest(name, volumeId, bytes, parameters);
    }

    /** The gluster volume options of a ControllerModifyVolume; INVALID_ARGUMENT for anything that cannot change. */
    static Map<String, String> mutableOptions(Map<String, String> mutableParameters) throws CsiException {
        if (mutableParameters.isEmpty()) {
            throw CsiException.invalidArgument("mutable_parameters is required: the VolumeAttributesClass's parameters,"
                    + " e.g. " + MutableParameters.VOLUME_OPTIONS + "=performance.cache-size=64MB");
        }
        return MutableParameters.volumeOptions(mutableParameters);
    }

    /** A CreateVolume or CreateSnapshot name: required, bounded, without control characters. */
    static String name(String name) throws CsiException {
        if (name.isEmpty()) {
            throw CsiException.invalidArgument("name is required");
        }
        if (name.length() > MAX_NAME_LENGTH || name.chars().anyMatch(Character::isISOControl)) {
            throw CsiException.invalidArgument("name must be at most " + MAX_NAME_LENGTH
                    + " characters without control characters");
        }
        return name;
    }

    /**
     * Where a new volume's data comes from, if anywhere: a snapshot or a volume this driver could have
     * made (another id is NOT_FOUND, as the spec asks of a source that does not exist).
     */
    static Optional<ContentSource> contentSource(CreateVolumeRequest request) throws CsiException {
        if (!request.hasVolumeContentSource()) {
            return Optional.empty();
        }
        VolumeContentSource source = request.getVolumeContentSource();
        switch (source.getTypeCase()) {
            case SNAPSHOT -> {
                String id = source.getSnapshot().getSnapshotId();
                if (id.isEmpty()) {
                    throw CsiException.invalidArgument("volume_content_source.snapshot.snapshot_id is required");
                }
                return Optional.of(new ContentSource.FromSnapshot(SnapshotId.parse(id).orElseThrow(() -> CsiException
                        .notFound("no snapshot has the id '" + id + "'"))));
            }
            case VOLUME -> {
                String id = source.getVolume().getVolumeId();
                if (id.isEmpty()) {
                    throw CsiException.invalidArgument("volume_content_source.volume.volume_id is required");
                }
                if (!VolumeNames.isValidVolumeId(id)) {
                    throw CsiException.notFound("no volume has the id '" + id + "'");
                }
                return Optional.of(new ContentSource.FromVolume(id));
            }
            default -> throw CsiException.invalidArgument("volume_content_source must name a snapshot or a volume");
        }
    }

    /** Throws INVALID_ARGUMENT for the first capability this driver cannot serve. */
    static void checkCapabilities(List<VolumeCapability> capabilities) throws CsiException {
        String problem = unsupportedCapability(capabilities);
        if (problem != null) {
            throw CsiException.invalidArgument(problem);
        }
    }

    /** Why a capability cannot be served, or null when all can. */
    static String unsupportedCapability(List<VolumeCapability> capabilities) {
        for (VolumeCapability capability : capabilities) {
            switch (capability.getAccessTypeCase()) {
                case BLOCK:
                    return "block volumes are not supported; gluster volumes are mounted filesystems";
                case ACCESSTYPE_NOT_SET:
                    return "a volume capability must say its access type (mount)";
                case MOUNT:
                    String fsType = capability.getMount().getFsType();
                    if (!fsType.isEmpty() && !fsType.equals("glusterfs")) {
                        return "fs_type '" + fsType + "' is not supported; volumes are glusterfs";
                    }
                    break;
                default:
                    return "unknown access type " + capability.getAccessTypeCase();
            }
            switch (capability.getAccessMode().getMode()) {
                case SINGLE_NODE_WRITER, SINGLE_NODE_READER_ONLY, MULTI_NODE_READER_ONLY, MULTI_NODE_SINGLE_WRITER,
                        MULTI_NODE_MULTI_WRITER, SINGLE_NODE_SINGLE_WRITER, SINGLE_NODE_MULTI_WRITER:
                    break;
                default:
                    return "access mode " + capability.getAccessMode().getMode() + " is not supported";
            }
        }
        return null;
    }

    /** A volume id that must be present. */
    static String volumeId(String id) throws CsiException {
        if (id.isEmpty()) {
            throw CsiException.invalidArgument("volume_id is required");
        }
        return id;
    }

    /** A volume id that must also be one this driver could have made; else NOT_FOUND. */
    static String existingVolumeId(String id) throws CsiException {
        volumeId(id);
        if (!VolumeNames.isValidVolumeId(id)) {
            throw CsiException.notFound("no volume has the id '" + id + "'");
        }
        return id;
    }
}
