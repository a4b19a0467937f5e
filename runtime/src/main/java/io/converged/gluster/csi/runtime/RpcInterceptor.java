package io.converged.gluster.csi.runtime;

import com.google.protobuf.Message;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Logs every CSI call once, when it is answered, with its method, status code and duration, and
 * feeds the same facts to the metrics. Probe is logged only at FINE; requests are logged at FINE
 * with secret fields stripped. Messages of failed calls are logged, never request secrets.
 */
public final class RpcInterceptor implements ServerInterceptor {
    private static final Logger LOG = Logger.getLogger(RpcInterceptor.class.getName());

    private final RpcMetrics metrics;

    /** @param metrics where to record calls, or null when metrics are off */
    public RpcInterceptor(RpcMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
            ServerCallHandler<Q, A> next) {
        String method = call.getMethodDescriptor().getBareMethodName();
        boolean quiet = "Probe".equals(method);
        long start = System.nanoTime();
        ServerCall<Q, A> observed = new SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                double seconds = (System.nanoTime() - start) / 1e9;
                if (metrics != null) {
                    metrics.record(method, status.getCode().name(), seconds);
                }
                log(method, quiet, status, seconds);
                super.close(status, trailers);
            }
        };
        ServerCall.Listener<Q> listener = next.startCall(observed, headers);
        return new SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onMessage(Q message) {
                if (!quiet && LOG.isLoggable(Level.FINE) && message instanceof Message m) {
                    LOG.fine(method + " request: " + SecretRedactor.render(m));
                }
                super.onMessage(message);
            }
        };
    }

    private static void log(String method, boolean quiet, Status status, double seconds) {
        Level level = quiet ? Level.FINE : status.isOk() ? Level.INFO : Level.WARNING;
        if (!LOG.isLoggable(level)) {
            return;
        }
        String text = String.format("%s %s %.3fs", method, status.getCode(), seconds);
        if (!status.isOk() && status.getDescription() != null) {
            text += ": " + status.getDescription();
        }
        LOG.log(level, text);
    }
}
