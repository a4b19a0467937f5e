package io.converged.gluster.csi.testing;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.testing.GrpcCleanupRule;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.runner.Description;
import org.junit.runners.model.Statement;

/**
 * grpc-testing's cleanup rule for JUnit Jupiter: register servers and channels, and they are shut
 * down (and checked to have terminated) after each test. Use as a {@code @RegisterExtension} field.
 */
public final class GrpcCleanup implements AfterEachCallback {
    private GrpcCleanupRule rule = new GrpcCleanupRule();

    public <T extends Server> T register(T server) {
        return rule.register(server);
    }

    public <T extends ManagedChannel> T register(T channel) {
        return rule.register(channel);
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        GrpcCleanupRule done = rule;
        rule = new GrpcCleanupRule();
        try {
            done.apply(new Statement() {
                @Override
                public void evaluate() {
                }
            }, Description.EMPTY).evaluate();
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
