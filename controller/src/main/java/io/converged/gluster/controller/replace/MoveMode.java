package io.converged.gluster.controller.replace;

/** Why a brick moves, which decides what the move requires of the volume ({@link MovePolicy}). */
public enum MoveMode {
    /** The operator replaces a peer that is lost: its bricks are offline. */
    REPLACE,
    /** The operator drains a peer that is up, before removing it: every other brick must be online. */
    DRAIN,
    /**
     * The controller replaces a peer gone longer than it was told to wait; never while another peer of
     * the volume is down.
     */
    AUTO
}
