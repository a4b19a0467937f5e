package io.converged.gluster.csi.testing;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** What a blocking gRPC call answered: OK, or the status it failed with. */
public final class GrpcCodes {
    /** The codes a CSI sidecar retries a call after: the call may succeed later, unchanged. */
    public static final Set<Status.Code> RETRYABLE = Set.of(Status.Code.UNAVAILABLE, Status.Code.ABORTED,
            Status.Code.DEADLINE_EXCEEDED);

    private GrpcCodes() {
    }

    /** Runs the call and returns {@link Status#OK} or the status of its StatusRuntimeException. */
    public static Status status(Runnable call) {
        try {
            call.run();
            return Status.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus();
        }
    }

    /** The code the call answered with. */
    public static Status.Code of(Runnable call) {
        return status(call).getCode();
    }

    /**
     * Calls until OK, as a sidecar does: again after each {@link #RETRYABLE} answer (waiting a little
     * longer each time, up to {@code attempts} calls), never after another. Returns every answer seen.
     */
    public static List<Status> untilOk(Runnable call, int attempts) throws InterruptedException {
        List<Status> seen = new ArrayList<>();
        for (int attempt = 0; attempt < attempts; attempt++) {
            Status status = status(call);
            seen.add(status);
            if (status.isOk() || !RETRYABLE.contains(status.getCode())) {
                return seen;
            }
            Thread.sleep(500L + 250L * attempt);
        }
        return seen;
    }

    /** {@link #untilOk(Runnable, int)} with 30 attempts: about four minutes of retries. */
    public static List<Status> untilOk(Runnable call) throws InterruptedException {
        return untilOk(call, 30);
    }

    /** True when the last answer is OK. */
    public static boolean endedOk(List<Status> seen) {
        return !seen.isEmpty() && seen.get(seen.size() - 1).isOk();
    }

    /** The answers seen, each failure with its message, so that a failed assertion says why. */
    public static String describe(List<Status> seen) {
        return seen.stream().map(s -> s.isOk() ? "OK" : s.getCode() + " (" + s.getDescription() + ")").toList()
                .toString();
    }
}
