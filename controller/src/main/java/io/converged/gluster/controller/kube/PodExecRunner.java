package io.converged.gluster.controller.kube;

import io.converged.gluster.csi.exec.CommandException;
import io.converged.gluster.csi.exec.CommandResult;
import io.converged.gluster.csi.exec.CommandRunner;
import io.converged.gluster.csi.exec.CommandTimeoutException;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a command in a named container of a named pod through the Kubernetes API (pods/exec), with
 * the command's real exit code. stdout and stderr are written into buffers while the command runs
 * (fabric8 must have its streams drained or the exit code never arrives, fabric8io/kubernetes-client
 * #5022 and #5159); every wait is bounded by the timeout. A pod that is gone or not Running is a
 * {@link CommandException} that says so; a connection that closes without an exit status is too,
 * never a success.
 */
public final class PodExecRunner implements CommandRunner {
    private final KubernetesClient client;
    private final String namespace;
    private final String pod;
    private final String container;

    public PodExecRunner(KubernetesClient client, String namespace, String pod, String container) {
        this.client = Objects.requireNonNull(client, "client");
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.pod = Objects.requireNonNull(pod, "pod");
        this.container = Objects.requireNonNull(container, "container");
    }

    @Override
    public CommandResult run(List<String> argv, Duration timeout) throws CommandException {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        long start = System.nanoTime();
        requireRunning();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Integer exit;
        try (ExecWatch watch = client.pods().inNamespace(namespace).withName(pod).inContainer(container)
                .writingOutput(out)
                .writingError(err)
                .exec(argv.toArray(String[]::new))) {
            long left = timeout.toNanos() - (System.nanoTime() - start);
            exit = watch.exitCode().get(Math.max(left, 1), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new CommandTimeoutException(String.join(" ", argv) + " did not finish within " + timeout.toMillis()
                    + " ms in " + describe());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new CommandException("cannot run " + argv.get(0) + " in " + describe() + ": " + cause.getMessage()
                    + podState(), cause);
        } catch (KubernetesClientException e) {
            throw new CommandException("cannot run " + argv.get(0) + " in " + describe() + ": " + e.getMessage()
                    + podState(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandException("interrupted while running " + argv.get(0) + " in " + describe(), e);
        }
        if (exit == null) {
            throw new CommandException(String.join(" ", argv) + " in " + describe()
                    + ": the connection closed without an exit status" + podState());
        }
        return new CommandResult(argv, exit, text(out), text(err), Duration.ofNanos(System.nanoTime() - start));
    }

    @Override
    public String describe() {
        return "pod " + namespace + "/" + pod + " container " + container;
    }

    private void requireRunning() throws CommandException {
        Pod current;
        try {
            current = client.pods().inNamespace(namespace).withName(pod).get();
        } catch (KubernetesClientException e) {
            throw new CommandException("cannot look up " + describe() + ": " + e.getMessage(), e);
        }
        if (current == null) {
            throw new CommandException("pod " + namespace + "/" + pod + " is gone");
        }
        String phase = current.getStatus() == null ? null : current.getStatus().getPhase();
        if (!"Running".equals(phase)) {
            throw new CommandException("pod " + namespace + "/" + pod + " is not Running (phase " + phase + ")");
        }
        if (current.getMetadata().getDeletionTimestamp() != null) {
            throw new CommandException("pod " + namespace + "/" + pod + " is being deleted");
        }
    }

    /** Why the exec may have failed, looked up afresh: " (pod gone)" and the like, or nothing. */
    private String podState() {
        try {
            requireRunning();
            return "";
        } catch (CommandException e) {
            return " (" + e.getMessage() + ")";
        }
    }

    private static String text(ByteArrayOutputStream buffer) {
        return buffer.toString(StandardCharsets.UTF_8);
    }
}
