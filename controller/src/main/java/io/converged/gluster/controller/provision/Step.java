package io.converged.gluster.controller.provision;

/**
 * The steps of provisioning a volume (a dedicated one, a shared pool, or a claim in a pool), of
 * moving one of its bricks to another peer, of taking a snapshot and of filling a volume from one,
 * in order; a listener hears each one as it completes.
 */
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
    DELETED,
    /** A claim in a shared pool: its directory was made through the pool's mount. */
    CLAIM_DIR_MADE,
    /** A claim: who it belongs to was recorded on its directory. */
    CLAIM_RECORDED,
    /** A claim: its quota limit was set. */
    CLAIM_LIMITED,
    /** Deletion of a claim: its quota limit was removed. */
    CLAIM_UNLIMITED,
    /** Deletion of a claim: its directory was moved aside (delete, archive) or marked retained. */
    CLAIM_RELEASED,
    /** A brick move: the volume records where its brick goes ({@code user.csi.move}). */
    MOVE_RECORDED,
    /** A brick move: the new brick was carved on its peer. */
    MOVE_CARVED,
    /** A brick move: {@code replace-brick ... commit force} put the new brick in the volume. */
    BRICK_REPLACED,
    /** A snapshot: its directory and its "copying" record were made in the snapshot pool. */
    SNAPSHOT_RECORDED,
    /** A snapshot: the copy program runs, its output begun (halted here, it is left running on the peer). */
    SNAPSHOT_COPYING,
    /** A snapshot: the copy finished, before it was moved into place. */
    SNAPSHOT_COPIED,
    /** A snapshot: its record says ready. */
    SNAPSHOT_READY,
    /** A volume filled from a snapshot or a volume: its root records the copy as begun. */
    RESTORE_STARTED,
    /** Filling a volume: the copy program runs, its output begun. */
    RESTORE_COPYING,
    /** Filling a volume: the copy finished, before the root took the source's owner and mode and said ready. */
    RESTORE_COPIED,
    /** Filling a volume: its root records the copy as ready. */
    RESTORE_READY;

    /** Hears completed steps; tests use it to inject failures (and crashes) between steps. */
    @FunctionalInterface
    public interface Listener {
        Listener NONE = (step, volume) -> { };

        void completed(Step step, String volume) throws Exception;
    }
}
