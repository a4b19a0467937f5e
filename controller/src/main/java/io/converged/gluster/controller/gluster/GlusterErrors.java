package io.converged.gluster.controller.gluster;

import io.converged.gluster.csi.exec.CommandResult;
import java.util.Locale;

/** Turns gluster's error text (opErrstr, or the CLI's own output) into a typed exception. */
public final class GlusterErrors {

    private GlusterErrors() {
    }

    /**
     * @param errstr what gluster said (opErrstr, or stderr/stdout when there was no XML)
     * @param opErrno gluster's opErrno, 0 if unknown
     * @param command the command, for the message
     */
    public static GlusterException classify(String errstr, int opErrno, String command) {
        String said = errstr == null || errstr.isBlank() ? "(gluster gave no reason)" : errstr.strip();
        return new GlusterException(kindOf(said), command + ": " + said, opErrno);
    }

    /** The kind of a gluster error message. Order matters: the most specific phrases come first. */
    public static GlusterException.Kind kindOf(String errstr) {
        String s = errstr.toLowerCase(Locale.ROOT);
        if (s.contains("another transaction is in progress") || s.contains("locking failed")
                || s.contains("another transaction could be in progress") || s.contains("unable to acquire lock")) {
            return GlusterException.Kind.LOCK_CONTENTION;
        }
        if (s.contains("connection failed. please check if gluster daemon is operational")
                || s.contains("request timed out") || s.contains("cannot connect to glusterd")
                || s.contains("glusterd is not running")) {
            return GlusterException.Kind.GLUSTERD_UNREACHABLE;
        }
        // The state asked for is there already, on this peer or on another ("Pre Validation failed on H. Volume V
        // already started" while the peer asked still had it stopped): the caller decides what that means.
        if (s.contains("already started")) {
            return GlusterException.Kind.ALREADY_STARTED;
        }
        if (s.contains("quota is already enabled")) {
            return GlusterException.Kind.QUOTA_ALREADY_ENABLED;
        }
        // A transaction that failed on a peer while the pool changes under it (a glusterd killed mid-commit, or back
        // but not yet synced: "Staging failed on H. Error: Volume V does not exist", or in the phases' names of
        // the newer transactions "Pre Validation failed on H. Volume V does not exist"): the pool disagrees for now.
        if (s.contains("staging failed on") || s.contains("commit failed on") || s.contains("validation failed on")) {
            return GlusterException.Kind.PEER_NOT_CONNECTED;
        }
        if (s.contains("already exists") && s.contains("volume")) {
            return GlusterException.Kind.VOLUME_EXISTS;
        }
        if (s.contains("does not exist") && !s.startsWith("option")) {
            return GlusterException.Kind.VOLUME_NOT_FOUND;
        }
        if (s.contains("removexattr failed") && s.contains("no data available") || s.contains("no limit set")) {
            return GlusterException.Kind.QUOTA_NOT_SET;
        }
        if (s.contains("failed to get trusted.gfid attribute on path") && s.contains("no such file or directory")) {
            return GlusterException.Kind.PATH_NOT_FOUND;
        }
        if (s.contains("brick may be containing or be contained by an existing brick")
                || s.contains("is already part of a volume")) {
            return GlusterException.Kind.BRICK_IN_USE;
        }
        if ((s.contains("host ") && s.contains("not connected")) || s.contains("peers are down")
                || s.contains("is not in 'peer in cluster' state") || s.contains("peer not connected")
                || s.contains("transport endpoint is not connected") || s.contains("is not a friend")) {
            return GlusterException.Kind.PEER_NOT_CONNECTED;
        }
        if (s.contains("needs to be stopped before deletion")) {
            return GlusterException.Kind.STILL_STARTED;
        }
        if (s.contains("is not in the started state") || s.contains("is not started")
                || s.contains("volume is stopped")) {
            return GlusterException.Kind.NOT_STARTED;
        }
        if (s.contains("quota is disabled")) {
            return GlusterException.Kind.QUOTA_DISABLED;
        }
        return GlusterException.Kind.OTHER;
    }

    /**
     * What one {@code gluster ... --xml} run answered: its envelope when it succeeded; otherwise the
     * failure, classified from gluster's own words (opErrstr, or the output, or stderr).
     */
    static GlusterXml.Envelope answer(CommandResult result, String command) throws GlusterException {
        if (GlusterXml.isXml(result.stdout())) {
            GlusterXml.Envelope envelope = GlusterXml.parse(result.stdout());
            if (envelope.succeeded()) {
                return envelope;
            }
            String said = envelope.opErrstr().isBlank() ? envelope.output() : envelope.opErrstr();
            throw classify(said, envelope.opErrno(), command);
        }
        if (!result.succeeded()) {
            throw classify(result.message(), 0, command + " (exit " + result.exitCode() + ")");
        }
        throw new GlusterException(GlusterException.Kind.OTHER, command + ": no XML answer: " + result.message(), 0);
    }
}
