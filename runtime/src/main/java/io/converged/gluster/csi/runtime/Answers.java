package io.converged.gluster.csi.runtime;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.StreamObserver;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * How every CSI handler of both servers answers: run the call's body, send its response, or turn
 * its failure into a status. The one place failures become gRPC codes: a {@link CsiException}
 * answers its own code; anything else (an unexpected exception, or an Error such as a class that
 * failed to load) is a bug, logged with its stack trace and answered INTERNAL, never UNKNOWN.
 */
public final class Answers {
    private static final Logger LOG = Logger.getLogger(Answers.class.getName());

    private Answers() {
    }

    /** The body of a CSI call: validate, lock, delegate, build the response. */
    @FunctionalInterface
    public interface Call<A> {
        A run() throws Exception;
    }

    /** Runs the call and answers the observer with its response or its failure's status. */
    public static <A> void answer(StreamObserver<A> out, Call<A> call) {
        A response;
        try {
            response = call.run();
        } catch (Exception | Error e) {
            out.onError(statusOf(e));
            return;
        }
        out.onNext(response);
        out.onCompleted();
    }

    /** The status a failure answers with. */
    public static StatusException statusOf(Throwable failure) {
        if (failure instanceof CsiException coded) {
            return Status.fromCode(coded.code()).withDescription(coded.getMessage()).withCause(coded).asException();
        }
        // A bug, not a storage condition: keep the stack trace for whoever reads the logs.
        LOG.log(Level.SEVERE, "unexpected failure", failure);
        return Status.INTERNAL.withDescription("unexpected failure: " + failure).withCause(failure).asException();
    }
}
