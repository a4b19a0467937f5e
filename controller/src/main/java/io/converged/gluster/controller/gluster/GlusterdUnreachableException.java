package io.converged.gluster.controller.gluster;

/** glusterd did not answer, or the CLI could not be run on the peer at all (pod gone, timeout). */
public final class GlusterdUnreachableException extends GlusterException {
    private static final long serialVersionUID = 1L;

    public GlusterdUnreachableException(String message) {
        super(Kind.GLUSTERD_UNREACHABLE, message, 0);
    }

    public GlusterdUnreachableException(String message, Throwable cause) {
        super(Kind.GLUSTERD_UNREACHABLE, message, cause);
    }
}
