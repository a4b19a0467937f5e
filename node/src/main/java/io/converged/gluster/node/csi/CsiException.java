package io.converged.gluster.node.csi;

import io.grpc.Status;

/** A request the node refuses before touching any mount, with the CSI status code to answer. */
final class CsiException extends Exception {
    private static final long serialVersionUID = 1L;

    private final Status.Code code;

    CsiException(Status.Code code, String message) {
        super(message);
        this.code = code;
    }

    static CsiException invalid(String message) {
        return new CsiException(Status.Code.INVALID_ARGUMENT, message);
    }

    Status.Code code() {
        return code;
    }
}
