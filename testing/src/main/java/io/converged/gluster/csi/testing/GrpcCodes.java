package io.converged.gluster.csi.testing;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** What a blocking gRPC call answered: OK, or the status it failed with. */
public final class GrpcCodes {
    private GrpcCodes() {
    }

    /** Runs the call and returns {@link Status#OK} or the status of its StatusRuntimeException. */
    public static Status status(Runnable call) {
        try {
            call.run();
            return Status.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus();
        }
    }

    /** The code the call answered with. */
    public static Status.Code of(Runnable call) {
        return status(call).getCode();
    }
}
