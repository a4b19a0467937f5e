package io.converged.gluster.controller.shared;

import io.converged.gluster.csi.runtime.CsiException;
import io.grpc.Status;

/** The controller's mount of a pool is not there, or its FUSE client died: mount it again. */
public final class MountGoneException extends CsiException {
    private static final long serialVersionUID = 1L;

    public MountGoneException(String message) {
        super(Status.Code.UNAVAILABLE, message);
    }

    public MountGoneException(String message, Throwable cause) {
        super(Status.Code.UNAVAILABLE, message, cause);
    }
}
