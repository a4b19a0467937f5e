package io.converged.gluster.controller.placement;

/** The pool cannot hold the volume as asked; the message says what was short. */
public final class PlacementException extends Exception {
    private static final long serialVersionUID = 1L;

    public PlacementException(String message) {
        super(message);
    }
}
