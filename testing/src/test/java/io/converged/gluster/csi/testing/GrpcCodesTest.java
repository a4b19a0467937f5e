package io.converged.gluster.csi.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

class GrpcCodesTest {
    /** A call that answers these statuses in turn. */
    private static Runnable answering(Status... statuses) {
        Deque<Status> next = new ArrayDeque<>(List.of(statuses));
        return () -> {
            Status s = next.pop();
            if (!s.isOk()) {
                throw s.asRuntimeException();
            }
        };
    }

    @Test
    void aRetryableAnswerIsCalledAgainUntilOk() throws Exception {
        List<Status> seen = GrpcCodes.untilOk(answering(Status.UNAVAILABLE.withDescription("peer down"),
                Status.ABORTED, Status.OK), 5);

        assertThat(seen).extracting(Status::getCode).containsExactly(Status.Code.UNAVAILABLE, Status.Code.ABORTED,
                Status.Code.OK);
        assertThat(GrpcCodes.endedOk(seen)).isTrue();
    }

    @Test
    void anAnswerThatIsNotRetryableEndsTheRetriesAndIsDescribedWithItsMessage() throws Exception {
        List<Status> seen = GrpcCodes.untilOk(answering(Status.UNAVAILABLE.withDescription("peer down"),
                Status.ALREADY_EXISTS.withDescription("brick in use"), Status.OK), 5);

        assertThat(GrpcCodes.endedOk(seen)).isFalse();
        assertThat(GrpcCodes.describe(seen)).isEqualTo("[UNAVAILABLE (peer down), ALREADY_EXISTS (brick in use)]");
    }

    @Test
    void retriesStopAfterTheGivenAttempts() throws Exception {
        List<Status> seen = GrpcCodes.untilOk(answering(Status.UNAVAILABLE, Status.UNAVAILABLE, Status.OK), 2);

        assertThat(seen).hasSize(2);
        assertThat(GrpcCodes.endedOk(seen)).isFalse();
    }
}
