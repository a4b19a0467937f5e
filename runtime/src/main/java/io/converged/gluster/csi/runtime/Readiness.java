package io.converged.gluster.csi.runtime;

/** What a server answers to Probe: ready, or not ready with a reason. */
@FunctionalInterface
public interface Readiness {

    /** Checks readiness now; must be quick (Probe is called often). */
    Status check();

    /** The outcome of one readiness check. */
    record Status(boolean ready, String reason) {
        public static final Status READY = new Status(true, "");

        public static Status notReady(String reason) {
            return new Status(false, reason);
        }
    }
}
