package io.converged.gluster.csi.runtime;

import java.time.Instant;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** One-line log records on stderr, the form container log collectors expect. */
public final class LogSetup {
    /**
     * The JDK holds loggers weakly: the ones whose level is set here are kept, or the level is lost.
     * In a holder class so that {@link #early()} touches no logger (that would start the default
     * log manager before ours is chosen).
     */
    private static final class Held {
        static final Logger NETTY_BOOTSTRAP = Logger.getLogger("io.grpc.netty.shaded.io.netty.bootstrap");
        static final Logger OUR_CODE = Logger.getLogger("io.converged.gluster");
    }
    private LogSetup() {
    }

    /**
     * Must run first in {@code main}, before any logger exists: installs a log manager that keeps
     * its handlers through JVM shutdown, so what the shutdown hook logs is not lost.
     */
    public static void early() {
        System.setProperty("java.util.logging.manager", LastingLogManager.class.getName());
    }

    /** The JDK's log manager closes every handler in its own shutdown hook; this one waits. */
    public static final class LastingLogManager extends LogManager {
        private volatile boolean configured;

        @Override
        public void reset() {
            if (!configured) {
                super.reset();
            }
        }

        void resetNow() {
            super.reset();
        }
    }

    /** Installs the one-line handler on stderr; our own code logs at the chosen level, libraries at INFO. */
    public static void configure(LogLevel chosen) {
        Level level = chosen.julLevel();
        LogManager manager = LogManager.getLogManager();
        if (manager instanceof LastingLogManager lasting) {
            lasting.resetNow();
            lasting.configured = true;
        } else {
            manager.reset();
        }
        Logger root = Logger.getLogger("");
        Handler handler = new ConsoleHandler();
        handler.setLevel(level);
        handler.setFormatter(new OneLine());
        root.addHandler(handler);
        root.setLevel(Level.INFO);
        // Our own code at the chosen level; libraries stay at INFO so debug is not drowned.
        // Netty warns that unix sockets have no SO_KEEPALIVE, an option gRPC sets for TCP.
        Held.NETTY_BOOTSTRAP.setLevel(Level.SEVERE);
        Held.OUR_CODE.setLevel(level);
    }

    static final class OneLine extends Formatter {
        @Override
        public String format(LogRecord record) {
            String logger = record.getLoggerName() == null ? "" : record.getLoggerName();
            String shortName = logger.substring(logger.lastIndexOf('.') + 1);
            StringBuilder line = new StringBuilder()
                    .append(Instant.ofEpochMilli(record.getMillis()))
                    .append(' ').append(levelName(record.getLevel()))
                    .append(' ').append(shortName).append(": ").append(formatMessage(record)).append('\n');
            if (record.getThrown() != null) {
                line.append("  ").append(record.getThrown()).append('\n');
                for (StackTraceElement element : record.getThrown().getStackTrace()) {
                    line.append("    at ").append(element).append('\n');
                }
            }
            return line.toString();
        }

        private static String levelName(Level level) {
            if (level.intValue() >= Level.SEVERE.intValue()) {
                return "ERROR";
            }
            if (level.intValue() >= Level.WARNING.intValue()) {
                return "WARN ";
            }
            if (level.intValue() >= Level.INFO.intValue()) {
                return "INFO ";
            }
            return "DEBUG";
        }
    }
}
