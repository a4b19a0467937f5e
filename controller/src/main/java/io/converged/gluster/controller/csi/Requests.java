package io.converged.gluster.controller.csi;

import io.converged.gluster.controller.provision.Capacity;
import io.converged.gluster.controller.provision.StorageClassParameters;
import io.converged.gluster.controller.provision.VolumeNames;
import io.converged.gluster.controller.provision.VolumeSpec;
import io.converged.gluster.csi.v1.CreateVolumeRequest;
import io.converged.gluster.csi.v1.VolumeCapability;
import io.grpc.Status;
import io.grpc.StatusException;
import java.util.List;

/** Checks of CSI requests that need no storage: anything refused here changed nothing. */
final class Requests {
    /** Longest request name accepted (the sidecar's are about 40 characters). */
    static final int MAX_NAME_LENGTH = 253;

    private Requests() {
    }

    static VolumeSpec volumeSpec(CreateVolumeRequest request, List<String> allowedBrickRoots) throws Exception {
        String name = request.getName();
        if (name.isEmpty()) {
            throw Statuses.invalid("name is required");
        }
        if (name.length() > MAX_NAME_LENGTH || name.chars().anyMatch(Character::isISOControl)) {
            throw Statuses.invalid("name must be at most " + MAX_NAME_LENGTH + " characters without control characters");
        }
        if (request.getVolumeCapabilitiesCount() == 0) {
            throw Statuses.invalid("volume_capabilities is required");
        }
        checkCapabilities(request.getVolumeCapabilitiesList());
        if (request.hasVolumeContentSource()) {
            throw Statuses.invalid("volume_content_source is not supported: this driver makes no snapshots or clones");
        }
        StorageClassParameters parameters = StorageClassParameters.parse(request.getParametersMap(), allowedBrickRoots);
        long bytes = Capacity.choose(request.getCapacityRange().getRequiredBytes(),
                request.getCapacityRange().getLimitBytes());
        return new VolumeSpec(name, VolumeNames.forRequest(parameters.volumeNamePrefix(), name), bytes, parameters);
    }

    /** Throws INVALID_ARGUMENT for the first capability this driver cannot serve. */
    static void checkCapabilities(List<VolumeCapability> capabilities) throws StatusException {
        String problem = unsupportedCapability(capabilities);
        if (problem != null) {
            throw Statuses.invalid(problem);
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
    static String volumeId(String id) throws StatusException {
        if (id.isEmpty()) {
            throw Statuses.invalid("volume_id is required");
        }
        return id;
    }

    /** A volume id that must also be one this driver could have made; else NOT_FOUND. */
    static String existingVolumeId(String id) throws StatusException {
        volumeId(id);
        if (!VolumeNames.isValidVolumeId(id)) {
            throw Status.NOT_FOUND.withDescription("no volume has the id '" + id + "'").asException();
        }
        return id;
    }
}
