package io.converged.gluster.csi.runtime;

/** The command line asked for something the program cannot do; the message says what. */
public final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
