package io.converged.gluster.csi.exec;

import java.time.Duration;
import java.util.List;

/** What a finished command left: its exit code and both output streams. */
public record CommandResult(List<String> argv, int exitCode, String stdout, String stderr, Duration elapsed) {

    public CommandResult {
        argv = List.copyOf(argv);
    }

    public boolean succeeded() {
        return exitCode == 0;
    }

    /** Returns this result when the exit code is 0, else throws with the command's own words. */
    public CommandResult requireSuccess(String where) throws CommandFailedException {
        if (exitCode != 0) {
            throw new CommandFailedException(where, this);
        }
        return this;
    }

    /** The most useful line to show a person: stderr if there is any, else stdout, trimmed. */
    public String message() {
        String text = stderr.isBlank() ? stdout : stderr;
        text = text.strip();
        return text.length() > 2000 ? text.substring(0, 2000) + "..." : text;
    }
}
