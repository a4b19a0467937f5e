package io.converged.gluster.controller.provision;

/** The requested capacity cannot be met (the CSI code OUT_OF_RANGE). */
public final class CapacityOutOfRangeException extends Exception {
    private static final long serialVersionUID = 1L;

    public CapacityOutOfRangeException(String message) {
        super(message);
    }
}
