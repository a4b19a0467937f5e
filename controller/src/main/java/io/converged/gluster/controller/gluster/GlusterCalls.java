package io.converged.gluster.controller.gluster;

import io.converged.gluster.controller.gluster.GlusterCli.Sleeper;
import io.converged.gluster.csi.exec.CommandException;
import io.converged.gluster.csi.exec.CommandResult;
import io.converged.gluster.csi.exec.CommandRunner;
import io.converged.gluster.csi.exec.GlusterCliEnvironment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import java.util.random.RandomGenerator;

/**
 * Running one gluster CLI command for {@link GlusterCli}: {@code PREFIX ARGS --xml} on the peer, in the
 * CLI's environment ({@link GlusterCliEnvironment}), its answer read into an envelope or a typed
 * {@link GlusterException}, and lock contention asked again with the {@link RetryPolicy}'s jittered backoff.
 */
final class GlusterCalls {
    private static final Logger LOG = Logger.getLogger(GlusterCli.class.getName());

    private final CommandRunner runner;
    private final List<String> prefix;
    private final RetryPolicy retry;
    private final Duration timeout;
    private final Sleeper sleeper;
    private final RandomGenerator random;

    GlusterCalls(CommandRunner runner, List<String> prefix, RetryPolicy retry, Duration timeout, Sleeper sleeper,
            RandomGenerator random) {
        this.runner = runner;
        this.prefix = prefix;
        this.retry = retry;
        this.timeout = timeout;
        this.sleeper = sleeper;
        this.random = random;
    }

    /** The same calls with another retry policy. */
    GlusterCalls withRetry(RetryPolicy policy) {
        return new GlusterCalls(runner, prefix, policy, timeout, sleeper, random);
    }

    CommandRunner runner() {
        return runner;
    }

    List<String> prefix() {
        return prefix;
    }

    Duration timeout() {
        return timeout;
    }

    /** Runs {@code PREFIX ARGS --xml}, retrying lock contention; returns the successful answer. */
    GlusterXml.Envelope execute(List<String> args) throws GlusterException {
        for (int attempt = 1;; attempt++) {
            try {
                return once(args);
            } catch (GlusterException e) {
                if (!e.is(GlusterException.Kind.LOCK_CONTENTION)) {
                    throw e;
                }
                if (attempt >= retry.maxAttempts()) {
                    throw new GlusterException(GlusterException.Kind.LOCK_CONTENTION, e.getMessage() + " (still after "
                            + attempt + " attempts)", e.opErrno());
                }
                Duration delay = retry.delayAfter(attempt, random);
                int tried = attempt;
                LOG.fine(() -> "lock contention on " + runner.describe() + ", attempt " + tried + ", retrying in "
                        + delay.toMillis() + " ms: " + e.getMessage());
                try {
                    sleeper.sleep(delay);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new GlusterException(GlusterException.Kind.OTHER, "interrupted while retrying "
                            + e.getMessage(), interrupted);
                }
            }
        }
    }

    private GlusterXml.Envelope once(List<String> args) throws GlusterException {
        List<String> argv = new ArrayList<>(prefix);
        argv.addAll(args);
        argv.add("--xml");
        String command = "gluster " + String.join(" ", args);
        CommandResult result;
        try {
            result = runner.run(argv, GlusterCliEnvironment.VARIABLES, timeout);
        } catch (CommandException e) {
            throw new GlusterException(GlusterException.Kind.GLUSTERD_UNREACHABLE, command + " on " + runner.describe()
                    + ": " + e.getMessage(), e);
        }
        return GlusterErrors.answer(result, command);
    }
}
