package io.converged.gluster.controller.replace;

import io.grpc.Status;

/**
 * One volume's brick on a peer that is to leave it, and where it goes: planned, done, or refused
 * with the reason (and the code a call that tried it would answer).
 *
 * @param fromBrick {@code host:path} of the brick on the peer
 * @param toPeer the address of the peer it goes (or went) to; empty when refused
 * @param toBrick {@code host:path} of the new brick; empty when refused
 */
public record Move(String volume, Kind kind, State state, String fromBrick, String toPeer, String toBrick,
        String refusal, Status.Code refusalCode, int replica, boolean arbiter) {

    /** Whose the volume is. */
    public enum Kind {
        DEDICATED("dedicated"), POOL("pool"), FOREIGN("foreign");

        private final String word;

        Kind(String word) {
            this.word = word;
        }

        /** As the admin API and the CLI show it. */
        public String word() {
            return word;
        }
    }

    public enum State {
        /** The brick is still on the peer. */
        PENDING,
        /** The volume records that the brick moved; heal may still be filling the new one. */
        MOVED,
        /** It cannot move now. */
        REFUSED
    }
}
