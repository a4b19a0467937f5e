package io.converged.gluster.csi.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one mapping from failures to gRPC codes, for both servers. */
class AnswersTest {
    /** Records what a handler sent. */
    static final class Recorder<A> implements StreamObserver<A> {
        final List<A> values = new ArrayList<>();
        Throwable error;
        boolean completed;

        @Override
        public void onNext(A value) {
            values.add(value);
        }

        @Override
        public void onError(Throwable t) {
            error = t;
        }

        @Override
        public void onCompleted() {
            completed = true;
        }
    }

    @Test
    void aResponseIsSentAndCompleted() {
        Recorder<String> out = new Recorder<>();
        Answers.answer(out, () -> "done");
        assertThat(out.values).containsExactly("done");
        assertThat(out.completed).isTrue();
        assertThat(out.error).isNull();
    }

    @Test
    void aCodedFailureAnswersItsOwnCodeAndMessage() {
        Recorder<String> out = new Recorder<>();
        Answers.answer(out, () -> {
            throw CsiException.exhausted("need 3 peers, 2 are up");
        });
        assertThat(out.values).isEmpty();
        assertThat(out.completed).isFalse();
        Status status = ((StatusException) out.error).getStatus();
        assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(status.getDescription()).isEqualTo("need 3 peers, 2 are up");
    }

    @Test
    void duringKeepsTheCodeAndSaysWhatWasBeingDone() {
        CsiException wrapped = CsiException.during("deleting volume v", CsiException.unavailable("peer down"));
        assertThat(wrapped.code()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(wrapped.getMessage()).isEqualTo("deleting volume v: peer down");
        assertThat(CsiException.during("x", new IllegalStateException("bug")).code())
                .isEqualTo(Status.Code.INTERNAL);
    }

    @Test
    void anUncodedExceptionOrAnErrorIsInternalNeverUnknown() {
        for (Throwable failure : List.of(new IllegalStateException("bug"), new NoClassDefFoundError("Gone"))) {
            Recorder<String> out = new Recorder<>();
            Answers.answer(out, () -> {
                if (failure instanceof Error e) {
                    throw e;
                }
                throw (RuntimeException) failure;
            });
            Status status = ((StatusException) out.error).getStatus();
            assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
            assertThat(status.getDescription()).contains(failure.getMessage());
        }
    }
}
