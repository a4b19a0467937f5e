package io.converged.gluster.csi.runtime;

import java.io.IOException;

/** Another live server already answers on the socket this server was told to use. */
public final class SocketInUseException extends IOException {
    private static final long serialVersionUID = 1L;

    public SocketInUseException(String message) {
        super(message);
    }
}
