package io.converged.gluster.controller.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.converged.gluster.csi.exec.CommandException;
import io.converged.gluster.csi.exec.CommandResult;
import io.converged.gluster.csi.exec.CommandTimeoutException;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.ErrorStreamMessage;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.server.mock.OutputStreamMessage;
import io.fabric8.kubernetes.client.server.mock.StatusStreamMessage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** pods/exec against the fabric8 mock API server: exit codes, output, timeouts, pods that go away. */
@EnableKubernetesMockClient(crud = true)
class PodExecRunnerTest {
    static KubernetesMockServer server;
    static KubernetesClient client;

    private static final String NS = "gluster";
    private static final List<String> ARGV = List.of("gluster", "volume", "list");
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void exitZeroReturnsBothStreams() throws Exception {
        running("peer-ok");
        exec("peer-ok", new OutputStreamMessage("vol-a\nvol-b\n"), new ErrorStreamMessage("a warning\n"),
                new StatusStreamMessage(0));

        CommandResult result = runner("peer-ok").run(ARGV, TIMEOUT);

        assertThat(result.exitCode()).isZero();
        assertThat(result.succeeded()).isTrue();
        assertThat(result.stdout()).isEqualTo("vol-a\nvol-b\n");
        assertThat(result.stderr()).isEqualTo("a warning\n");
        assertThat(result.argv()).isEqualTo(ARGV);
    }

    @Test
    void aCallsEnvironmentReachesThePodThroughEnvInTheExecsCommand() throws Exception {
        running("peer-env");
        server.expect().get().withPath("/api/v1/namespaces/" + NS + "/pods/peer-env/exec?command=env"
                + "&command=PYTHON%3D%2Fbin%2Ftrue&command=gluster&command=volume&command=list&container=glusterfs"
                + "&stdout=true&stderr=true").andUpgradeToWebSocket()
                .open(new OutputStreamMessage("vol-a\n"), new StatusStreamMessage(0)).done().always();

        CommandResult result = runner("peer-env").run(ARGV, Map.of("PYTHON", "/bin/true"), TIMEOUT);

        assertThat(result.succeeded()).isTrue();
        assertThat(result.stdout()).isEqualTo("vol-a\n");
        assertThat(result.argv()).containsExactly("env", "PYTHON=/bin/true", "gluster", "volume", "list");
    }

    @Test
    void aNonZeroExitIsReportedAsSuchNeverAsSuccess() throws Exception {
        running("peer-fail");
        exec("peer-fail", new ErrorStreamMessage("Connection failed. Please check if gluster daemon is operational.\n"),
                new StatusStreamMessage(1));

        CommandResult result = runner("peer-fail").run(ARGV, TIMEOUT);

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.succeeded()).isFalse();
        assertThat(result.stderr()).contains("gluster daemon is operational");
        assertThatThrownBy(() -> result.requireSuccess("peer-fail")).hasMessageContaining("exit 1");
    }

    @Test
    void otherExitCodesSurviveTheTrip() throws Exception {
        running("peer-2");
        exec("peer-2", new StatusStreamMessage(2));

        assertThat(runner("peer-2").run(ARGV, TIMEOUT).exitCode()).isEqualTo(2);
    }

    @Test
    void aStreamThatClosesWithoutAnExitStatusIsAnErrorNotSuccess() {
        running("peer-cut");
        exec("peer-cut", new OutputStreamMessage("half an answer"));

        assertThatThrownBy(() -> runner("peer-cut").run(ARGV, TIMEOUT))
                .isInstanceOf(CommandException.class)
                .hasMessageContaining("without an exit status");
    }

    @Test
    void aPodThatIsGoneIsAClearError() {
        assertThatThrownBy(() -> runner("no-such-pod").run(ARGV, TIMEOUT))
                .isInstanceOf(CommandException.class)
                .hasMessage("pod gluster/no-such-pod is gone");
    }

    @Test
    void aPodThatDisappearsBetweenCallsIsAClearError() throws Exception {
        running("peer-vanish");
        exec("peer-vanish", new OutputStreamMessage("ok\n"), new StatusStreamMessage(0));
        PodExecRunner runner = runner("peer-vanish");
        assertThat(runner.run(ARGV, TIMEOUT).succeeded()).isTrue();

        client.pods().inNamespace(NS).withName("peer-vanish").delete();

        assertThatThrownBy(() -> runner.run(ARGV, TIMEOUT))
                .isInstanceOf(CommandException.class)
                .hasMessage("pod gluster/peer-vanish is gone");
    }

    @Test
    void aPodThatIsNotRunningIsAClearError() {
        KubeFixtures.pod(client, NS, "peer-pending", Map.of("app", "glusterfs"), "Pending", false, "n1", "10.0.0.9");

        assertThatThrownBy(() -> runner("peer-pending").run(ARGV, TIMEOUT))
                .isInstanceOf(CommandException.class)
                .hasMessageContaining("is not Running (phase Pending)");
    }

    @Test
    void aCommandThatOutlastsItsTimeoutIsATimeout() {
        running("peer-slow");
        server.expect().get().withPath(execPath("peer-slow"))
                .andUpgradeToWebSocket()
                .open(new OutputStreamMessage("started\n"))
                .waitFor(5_000).andEmit("never in time")
                .done()
                .always();

        long start = System.nanoTime();
        assertThatThrownBy(() -> runner("peer-slow").run(ARGV, Duration.ofMillis(500)))
                .isInstanceOf(CommandTimeoutException.class)
                .hasMessageContaining("did not finish within 500 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
    }

    private static PodExecRunner runner(String pod) {
        return new PodExecRunner(client, NS, pod, "glusterfs");
    }

    private static void running(String pod) {
        KubeFixtures.pod(client, NS, pod, Map.of("app", "glusterfs"), "Running", true, "n1", "10.0.0.1");
    }

    private static void exec(String pod, Object... messages) {
        server.expect().get().withPath(execPath(pod)).andUpgradeToWebSocket().open(messages).done().always();
    }

    private static String execPath(String pod) {
        return "/api/v1/namespaces/" + NS + "/pods/" + pod
                + "/exec?command=gluster&command=volume&command=list&container=glusterfs&stdout=true&stderr=true";
    }
}
