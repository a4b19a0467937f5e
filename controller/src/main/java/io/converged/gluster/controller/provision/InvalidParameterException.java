package io.converged.gluster.controller.provision;

/** A StorageClass parameter (or request field) is unknown or malformed; the message names it. */
public final class InvalidParameterException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidParameterException(String message) {
        super(message);
    }
}
