package io.converged.gluster.csi.runtime;

import java.util.logging.Level;

/** What {@code --log-level} takes; at DEBUG every request is logged, its secrets stripped. */
public enum LogLevel {
    DEBUG(Level.FINE),
    INFO(Level.INFO),
    WARN(Level.WARNING),
    ERROR(Level.SEVERE);

    private final Level julLevel;

    LogLevel(Level julLevel) {
        this.julLevel = julLevel;
    }

    /** The java.util.logging level it stands for. */
    Level julLevel() {
        return julLevel;
    }
}
