package io.converged.gluster.controller.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.converged.gluster.controller.provision.Step;
import io.converged.gluster.csi.runtime.Endpoint;
import io.converged.gluster.csi.runtime.UnixChannel;
import io.converged.gluster.csi.testing.JarProcess;
import io.converged.gluster.csi.v1.ControllerGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Controller jars started one after another in a test's directory over a test pool's peers file, each
 * on its own socket, with or without the fault-injection switch {@code GLUSTER_CSI_CRASH_AT}; counts
 * the starts and the kills at a step, for the figures.
 */
final class ControllerJars {
    private final Path dir;
    private final Path peersFile;
    private int starts;
    private int kills;

    ControllerJars(Path dir, Path peersFile) {
        this.dir = dir;
        this.peersFile = peersFile;
    }

    /** A controller jar; with a step, it halts right after the first volume (or claim) completes that step. */
    Controller start(Step crashAt) throws Exception {
        return new Controller(crashAt);
    }

    int starts() {
        return starts;
    }

    int kills() {
        return kills;
    }

    /** A controller jar over its own socket; with a step, it halts right after that step. */
    final class Controller implements AutoCloseable {
        final JarProcess process;
        final UnixChannel channel;
        final ControllerGrpc.ControllerBlockingStub stub;

        private Controller(Step crashAt) throws Exception {
            Path socket = dir.resolve("controller.sock");
            Map<String, String> env = crashAt == null ? Map.of() : Map.of("GLUSTER_CSI_CRASH_AT", crashAt.name());
            starts++;
            process = JarProcess.start(JarProcess.jar("gluster-csi-controller.jar"),
                    dir.resolve("controller-" + starts + ".log"), env, "--endpoint", "unix://" + socket,
                    "--peers-file", peersFile.toString(), "--allowed-brick-roots", "/mnt");
            process.awaitSocket(socket, Duration.ofSeconds(30));
            channel = UnixChannel.open(new Endpoint(socket));
            stub = ControllerGrpc.newBlockingStub(channel.channel());
        }

        ControllerGrpc.ControllerBlockingStub call() {
            return stub.withDeadlineAfter(5, TimeUnit.MINUTES);
        }

        /** Makes the call that must kill the controller at its step; returns once the process is gone. */
        void crashOn(Runnable call) throws Exception {
            StatusRuntimeException lost = catchThrowableOfType(StatusRuntimeException.class, call::run);
            assertThat(lost).as("the call dies with its controller").isNotNull();
            assertThat(lost.getStatus().getCode()).as(lost.getStatus().toString()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(process.awaitExit(Duration.ofSeconds(30))).as("exit code of the halted controller")
                    .isEqualTo(137);
            assertThat(process.output()).contains("fault injection: halting after");
            kills++;
        }

        /**
         * Makes the call whose work halts the controller at a step it takes in the background (a copy's):
         * the call may answer first (with {@code answered}, e.g. ABORTED while a copy runs) or die with its
         * controller; either way returns once the process is gone.
         */
        void crashAfter(Runnable call, Status.Code... answered) throws Exception {
            StatusRuntimeException lost = catchThrowableOfType(StatusRuntimeException.class, call::run);
            if (lost != null && lost.getStatus().getCode() != Status.Code.UNAVAILABLE) {
                assertThat(answered).as(lost.getStatus().toString()).contains(lost.getStatus().getCode());
            }
            assertThat(process.awaitExit(Duration.ofMinutes(2))).as("exit code of the halted controller")
                    .isEqualTo(137);
            assertThat(process.output()).contains("fault injection: halting after");
            kills++;
        }

        @Override
        public void close() {
            channel.close();
            process.close();
        }
    }
}
