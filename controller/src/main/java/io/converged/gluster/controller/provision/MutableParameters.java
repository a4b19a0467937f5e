package io.converged.gluster.controller.provision;

import io.converged.gluster.csi.runtime.CsiException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The parameters of a VolumeAttributesClass ({@code mutable_parameters} of CreateVolume and
 * ControllerModifyVolume): what may change on a live volume. Only {@code volumeOptions} may, with
 * the syntax, checks and option families of the StorageClass parameter of that name; the options
 * the driver owns stay refused. Every other StorageClass parameter is fixed when the volume is made,
 * and a key that is none of them is unknown: either is INVALID_ARGUMENT naming the key. Pure.
 */
public final class MutableParameters {
    /** The one parameter a VolumeAttributesClass may carry. */
    public static final String VOLUME_OPTIONS = StorageClassParameters.VOLUME_OPTIONS;

    /** StorageClass parameters that exist but are fixed for the life of a volume. */
    private static final List<String> FIXED = List.of(StorageClassParameters.REPLICA, StorageClassParameters.ARBITER,
            StorageClassParameters.BRICK_ROOT, StorageClassParameters.VOLUME_NAME_PREFIX, StorageClassParameters.SPREAD,
            StorageClassParameters.GID_MIN, StorageClassParameters.GID_MAX, StorageClassParameters.ON_DELETE,
            StorageClassParameters.POOL);

    private MutableParameters() {
    }

    /**
     * The gluster volume options the parameters ask for, in the order written; empty when they ask
     * for none (an empty {@code volumeOptions}).
     */
    public static Map<String, String> volumeOptions(Map<String, String> parameters) throws CsiException {
        for (String key : new TreeMap<>(parameters).keySet()) {
            if (FIXED.contains(key)) {
                throw CsiException.invalidArgument("mutable parameter '" + key + "' cannot change on a live volume: "
                        + "it is fixed when the volume is made (a StorageClass parameter); a VolumeAttributesClass"
                        + " may set only '" + VOLUME_OPTIONS + "'");
            }
            if (!key.equals(VOLUME_OPTIONS)) {
                throw CsiException.invalidArgument("unknown mutable parameter '" + key
                        + "'; a VolumeAttributesClass of this driver may set only '" + VOLUME_OPTIONS + "'");
            }
        }
        return VolumeOptions.parse(parameters.get(VOLUME_OPTIONS));
    }
}
