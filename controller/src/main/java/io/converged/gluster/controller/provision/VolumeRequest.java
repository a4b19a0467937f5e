package io.converged.gluster.controller.provision;

/** What CreateVolume asks for, validated: the request, its derived volume name, size and parameters. */
public record VolumeRequest(String requestName, String volumeName, long capacityBytes,
        StorageClassParameters parameters) {
}
