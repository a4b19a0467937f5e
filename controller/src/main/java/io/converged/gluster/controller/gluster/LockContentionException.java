package io.converged.gluster.controller.gluster;

/** glusterd holds a lock for another transaction; transient. {@link GlusterCli} retries it, so callers only see it once retries are spent. */
public final class LockContentionException extends GlusterException {
    private static final long serialVersionUID = 1L;

    public LockContentionException(String message, int opErrno) {
        super(Kind.LOCK_CONTENTION, message, opErrno);
    }
}
