package io.converged.gluster.controller.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.converged.gluster.controller.deploy.Rbac.Call;
import io.converged.gluster.controller.kube.KubernetesPeerSource;
import io.converged.gluster.controller.peer.Peer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.server.mock.OutputStreamMessage;
import io.fabric8.kubernetes.client.server.mock.StatusStreamMessage;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The installed RBAC covers every Kubernetes call the controller makes. The controller's own
 * Kubernetes code (peer discovery and pods/exec, configured with the Deployment's flags) runs against
 * the fabric8 mock API server; every request it sends is turned into the attributes the API server
 * authorizes (verb, API group, resource, namespace) and checked against the installed roles and
 * bindings for the controller's ServiceAccount. A static scan makes sure no other part of the
 * controller reaches the API through resources this test does not exercise.
 */
@EnableKubernetesMockClient(crud = true)
class RbacCoversControllerCallsTest {
    static KubernetesMockServer server;
    static KubernetesClient client;

    private static final Path MAIN_SOURCES = Manifests.ROOT.resolve("controller/src/main/java");
    /** fabric8 DSL entry points that reach the API server. */
    private static final Pattern DSL_ENTRY = Pattern.compile("\\.(pods|nodes|services|secrets|configMaps|events|"
            + "leases|namespaces|persistentVolumes|persistentVolumeClaims|serviceAccounts|endpoints|apps|batch|"
            + "storage|rbac|policy|network|coordination|resource|resources|resourceList|load|"
            + "genericKubernetesResources|leaderElector|customResources|raw)\\(");
    /** Entry points whose calls this test runs and records. */
    private static final Set<String> EXERCISED = Set.of("pods", "nodes");

    private final Rbac rbac = new Rbac(Manifests.installed());
    private final Container driver = Manifests.container(Manifests.controller().getSpec().getTemplate().getSpec(),
            "gluster-csi-controller");
    private final String namespace = Manifests.requiredFlag(driver, "peer-namespace");
    private final String selector = Manifests.requiredFlag(driver, "peer-selector");
    private final String container = Manifests.requiredFlag(driver, "peer-container");

    @Test
    void everyRequestOfPeerDiscoveryAndExecIsAllowedForTheControllerServiceAccount() throws Exception {
        createPeer("glusterfs-peer-a", "node-a", "10.0.0.11");
        server.expect().get()
                .withPath("/api/v1/namespaces/" + namespace + "/pods/glusterfs-peer-a/exec?command=gluster&command=pool"
                        + "&command=list&container=" + container + "&stdout=true&stderr=true")
                .andUpgradeToWebSocket().open(new OutputStreamMessage("UUID Hostname State\n"),
                        new StatusStreamMessage(0))
                .done().always();
        drain();

        List<Peer> peers = new KubernetesPeerSource(client, namespace, selector, container).peers();
        int exit = peers.get(0).runner().run(List.of("gluster", "pool", "list"), Duration.ofSeconds(10)).exitCode();
        List<Call> calls = recordedCalls();

        assertThat(peers).extracting(Peer::zone).containsExactly("zone-1");
        assertThat(exit).isZero();
        assertThat(calls).as("the code's calls were recorded").extracting(Call::resource)
                .contains("pods", "nodes", "pods/exec");
        assertThat(calls).allSatisfy(call -> assertThat(rbac.allows(RbacTest.CSI_NAMESPACE, RbacTest.SA, call))
                .as("RBAC allows the controller to " + call).isTrue());
    }

    @Test
    void theControllerReachesTheApiOnlyThroughTheCallsExercisedHere() throws IOException {
        Set<String> entries = new TreeSet<>();
        List<Path> clientUsers = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN_SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String source = Files.readString(file);
                if (source.contains("import io.fabric8.kubernetes.client.KubernetesClient;")) {
                    clientUsers.add(file);
                    Matcher m = DSL_ENTRY.matcher(source);
                    while (m.find()) {
                        entries.add(m.group(1));
                    }
                }
            }
        }

        assertThat(clientUsers).as("controller code that talks to the API server").isNotEmpty();
        assertThat(entries).as("API entry points in " + clientUsers).isNotEmpty().isSubsetOf(EXERCISED);
    }

    @Test
    void requestsMapToTheAttributesTheApiServerAuthorizes() {
        assertThat(attributes("GET", "/api/v1/namespaces/glusterfs/pods?labelSelector=a%3Db"))
                .containsExactly(Call.in("glusterfs", "", "pods", "list"));
        assertThat(attributes("GET", "/api/v1/namespaces/glusterfs/pods?watch=true"))
                .containsExactly(Call.in("glusterfs", "", "pods", "watch"));
        assertThat(attributes("GET", "/api/v1/nodes/node-a")).containsExactly(Call.cluster("", "nodes", "get"));
        assertThat(attributes("GET", "/api/v1/namespaces/glusterfs/pods/p/exec?command=ls"))
                .containsExactly(Call.in("glusterfs", "", "pods/exec", "get"),
                        Call.in("glusterfs", "", "pods/exec", "create"));
        assertThat(attributes("POST", "/apis/coordination.k8s.io/v1/namespaces/x/leases"))
                .containsExactly(Call.in("x", "coordination.k8s.io", "leases", "create"));
        assertThat(attributes("PATCH", "/api/v1/persistentvolumes/pv-1"))
                .containsExactly(Call.cluster("", "persistentvolumes", "patch"));
    }

    private void createPeer(String name, String node, String hostIp) {
        Map<String, String> labels = Manifests.peers().getSpec().getTemplate().getMetadata().getLabels();
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName(node)
                .addToLabels(KubernetesPeerSource.ZONE_LABEL, "zone-1").endMetadata().build()).create();
        client.pods().inNamespace(namespace).resource(new PodBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).withLabels(labels).endMetadata()
                .withNewSpec().withNodeName(node).withHostNetwork(true)
                .addNewContainer().withName(container).withImage("glusterfs-peer").endContainer().endSpec()
                .withNewStatus().withPhase("Running").withHostIP(hostIp)
                .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus()
                .build()).create();
    }

    /** Forgets the requests made so far (the fixtures'). */
    private static void drain() throws InterruptedException {
        while (server.takeRequest(200, TimeUnit.MILLISECONDS) != null) {
            // discard
        }
    }

    private static List<Call> recordedCalls() throws InterruptedException {
        List<Call> calls = new ArrayList<>();
        RecordedRequest request;
        while ((request = server.takeRequest(500, TimeUnit.MILLISECONDS)) != null) {
            calls.addAll(attributes(request.getMethod(), request.getPath()));
        }
        return calls;
    }

    /**
     * The authorization attributes of a request, as the API server derives them: the group from
     * /api or /apis/GROUP, the verb from the method (GET on a collection is list, or watch with
     * watch=true). An exec is a WebSocket upgrade, a GET: `get` on pods/exec, plus the synthetic
     * `create` check Kubernetes 1.35 adds for exec, attach and port-forward.
     */
    static List<Call> attributes(String method, String pathAndQuery) {
        URI uri = URI.create(pathAndQuery);
        List<String> parts = new ArrayList<>(Arrays.asList(uri.getPath().replaceFirst("^/", "").split("/")));
        String group;
        if (parts.get(0).equals("api")) {
            group = "";
            parts = parts.subList(2, parts.size());
        } else if (parts.get(0).equals("apis")) {
            group = parts.get(1);
            parts = parts.subList(3, parts.size());
        } else {
            throw new IllegalArgumentException("not a resource request: " + pathAndQuery);
        }
        String namespace = null;
        if (parts.size() >= 2 && parts.get(0).equals("namespaces") && !parts.get(1).isEmpty()
                && parts.size() > 2) {
            namespace = parts.get(1);
            parts = parts.subList(2, parts.size());
        }
        String resource = parts.get(0);
        boolean named = parts.size() > 1;
        if (parts.size() > 2) {
            resource = resource + "/" + parts.get(2);
        }
        String query = uri.getQuery() == null ? "" : uri.getQuery();
        String verb = switch (method) {
            case "GET", "HEAD" -> named ? "get" : query.contains("watch=true") ? "watch" : "list";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> named ? "delete" : "deletecollection";
            default -> throw new IllegalArgumentException("method " + method);
        };
        List<Call> calls = new ArrayList<>(List.of(new Call(namespace, group, resource, verb)));
        if (verb.equals("get") && Set.of("pods/exec", "pods/attach", "pods/portforward").contains(resource)) {
            calls.add(new Call(namespace, group, resource, "create"));
        }
        return calls;
    }

    static {
        if (!Files.isDirectory(MAIN_SOURCES)) {
            throw new UncheckedIOException(new IOException("no controller sources at " + MAIN_SOURCES));
        }
    }
}
