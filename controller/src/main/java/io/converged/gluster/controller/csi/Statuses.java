package io.converged.gluster.controller.csi;

import io.converged.gluster.controller.placement.PlacementException;
import io.converged.gluster.controller.provision.CapacityOutOfRangeException;
import io.converged.gluster.controller.provision.InvalidParameterException;
import io.converged.gluster.controller.provision.ProvisionException;
import io.grpc.Status;
import io.grpc.StatusException;
import java.util.logging.Level;
import java.util.logging.Logger;

/** The one place that turns the controller's typed failures into CSI status codes. Never UNKNOWN. */
final class Statuses {
    private static final Logger LOG = Logger.getLogger(Statuses.class.getName());

    private Statuses() {
    }

    static StatusException of(Throwable failure) {
        if (failure instanceof StatusException status) {
            return status;
        }
        Status status;
        if (failure instanceof InvalidParameterException) {
            status = Status.INVALID_ARGUMENT;
        } else if (failure instanceof CapacityOutOfRangeException) {
            status = Status.OUT_OF_RANGE;
        } else if (failure instanceof PlacementException) {
            status = Status.RESOURCE_EXHAUSTED;
        } else if (failure instanceof ProvisionException provision) {
            status = switch (provision.kind()) {
                case CONFLICT -> Status.ALREADY_EXISTS;
                case NOT_FOUND -> Status.NOT_FOUND;
                case EXHAUSTED -> Status.RESOURCE_EXHAUSTED;
                case UNAVAILABLE -> Status.UNAVAILABLE;
                case OUT_OF_RANGE -> Status.OUT_OF_RANGE;
                case INTERNAL -> Status.INTERNAL;
            };
        } else {
            // A bug, not a storage condition: keep the stack trace for whoever reads the logs.
            LOG.log(Level.SEVERE, "unexpected failure", failure);
            status = Status.INTERNAL;
        }
        return status.withDescription(failure.getMessage()).withCause(failure).asException();
    }

    static StatusException invalid(String message) {
        return Status.INVALID_ARGUMENT.withDescription(message).asException();
    }
}
