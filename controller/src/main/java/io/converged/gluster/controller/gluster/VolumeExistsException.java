package io.converged.gluster.controller.gluster;

/** The volume name is taken. */
public final class VolumeExistsException extends GlusterException {
    private static final long serialVersionUID = 1L;

    public VolumeExistsException(String message, int opErrno) {
        super(Kind.VOLUME_EXISTS, message, opErrno);
    }
}
