package io.converged.gluster.controller.provision;

/** The steps of provisioning a volume, in order; a listener hears each one as it completes. */
public enum Step {
    BRICKS_CARVED,
    VOLUME_CREATED,
    METADATA_SET,
    STARTED,
    QUOTA_ENABLED,
    QUOTA_LIMITED,
    /** Deletion: the volume was stopped. */
    STOPPED,
    /** Deletion: the bricks were removed, archived or kept (the stopped volume is still in gluster). */
    BRICKS_RELEASED,
    /** Deletion: the volume was deleted from gluster. */
    DELETED;

    /** Hears completed steps; tests use it to inject failures (and crashes) between steps. */
    @FunctionalInterface
    public interface Listener {
        Listener NONE = (step, volume) -> { };

        void completed(Step step, String volume) throws Exception;
    }
}
