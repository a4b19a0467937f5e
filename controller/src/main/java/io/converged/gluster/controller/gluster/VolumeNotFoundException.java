package io.converged.gluster.controller.gluster;

/** No volume by that name. */
public final class VolumeNotFoundException extends GlusterException {
    private static final long serialVersionUID = 1L;

    public VolumeNotFoundException(String message, int opErrno) {
        super(Kind.VOLUME_NOT_FOUND, message, opErrno);
    }
}
