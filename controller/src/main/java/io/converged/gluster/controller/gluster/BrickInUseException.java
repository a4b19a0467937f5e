package io.converged.gluster.controller.gluster;

/** A brick path already belongs to (or contains, or lies inside) a brick of some volume. */
public final class BrickInUseException extends GlusterException {
    private static final long serialVersionUID = 1L;

    public BrickInUseException(String message, int opErrno) {
        super(Kind.BRICK_IN_USE, message, opErrno);
    }
}
