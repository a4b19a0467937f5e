package io.converged.gluster.controller.kube;

import io.converged.gluster.controller.gluster.GlusterCli;
import io.converged.gluster.controller.peer.Peer;
import io.converged.gluster.controller.peer.PeerDiscoveryException;
import io.converged.gluster.controller.peer.PeerSource;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Logger;

/**
 * The peers on Kubernetes: the pods matching a label selector in a namespace that are Running and
 * Ready. A peer pod runs with hostNetwork, so gluster knows it by the pod's host IP; its failure
 * domain is the {@code topology.kubernetes.io/zone} label of its node (empty when the node has
 * none), then the node. Commands run in the named container through pods/exec; brick paths are the
 * same in the pod as on the host (a hostPath at the same path), so the brick prefix is {@code /}.
 */
public final class KubernetesPeerSource implements PeerSource {
    private static final Logger LOG = Logger.getLogger(KubernetesPeerSource.class.getName());
    public static final String ZONE_LABEL = "topology.kubernetes.io/zone";

    private final KubernetesClient client;
    private final String namespace;
    private final Map<String, String> selector;
    private final String container;

    /**
     * @param selector equality-based label selector, e.g. {@code app=glusterfs,tier=storage}
     * @param container the container in each peer pod that runs glusterd and the gluster CLI
     */
    public KubernetesPeerSource(KubernetesClient client, String namespace, String selector, String container) {
        this.client = Objects.requireNonNull(client, "client");
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.selector = parseSelector(selector);
        this.container = Objects.requireNonNull(container, "container");
    }

    /** Parses {@code k=v,k2=v2} (also {@code k==v}); throws IllegalArgumentException when malformed or empty. */
    public static Map<String, String> parseSelector(String selector) {
        Map<String, String> labels = new HashMap<>();
        if (selector == null || selector.isBlank()) {
            throw new IllegalArgumentException("a peer label selector is required, e.g. app=glusterfs");
        }
        for (String part : selector.split(",")) {
            String term = part.strip();
            int eq = term.indexOf('=');
            String key = eq <= 0 ? "" : term.substring(0, eq).strip();
            String value = eq <= 0 ? "" : term.substring(term.startsWith("=", eq + 1) ? eq + 2 : eq + 1).strip();
            if (key.isEmpty() || !key.matches("([A-Za-z0-9.-]+/)?[A-Za-z0-9]([A-Za-z0-9_.-]*[A-Za-z0-9])?")
                    || !value.matches("([A-Za-z0-9]([A-Za-z0-9_.-]*[A-Za-z0-9])?)?")) {
                throw new IllegalArgumentException("not an equality label selector term: '" + term + "'");
            }
            labels.put(key, value);
        }
        return Map.copyOf(labels);
    }

    @Override
    public List<Peer> peers() throws PeerDiscoveryException {
        List<Pod> pods;
        try {
            pods = client.pods().inNamespace(namespace).withLabels(selector).list().getItems();
        } catch (KubernetesClientException e) {
            throw new PeerDiscoveryException("cannot list peer pods (" + describe() + "): " + e.getMessage(), e);
        }
        Map<String, String> zones = new HashMap<>();
        List<Peer> peers = new ArrayList<>();
        for (Pod pod : pods) {
            if (!runningAndReady(pod)) {
                continue;
            }
            String hostIp = pod.getStatus().getHostIP();
            String nodeName = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
            if (hostIp == null || hostIp.isEmpty() || nodeName == null || nodeName.isEmpty()) {
                LOG.fine(() -> "skipping peer pod " + pod.getMetadata().getName() + ": no host IP or node yet");
                continue;
            }
            String zone = zones.get(nodeName);
            if (zone == null) {
                zone = zoneOf(nodeName);
                zones.put(nodeName, zone);
            }
            String name = pod.getMetadata().getName();
            peers.add(new Peer(name, hostIp, zone, nodeName, new PodExecRunner(client, namespace, name, container),
                    GlusterCli.POD_PREFIX, "/"));
        }
        peers.sort(Comparator.comparing(Peer::name));
        return peers;
    }

    @Override
    public String describe() {
        return "pods " + selector + " in namespace " + namespace;
    }

    static boolean runningAndReady(Pod pod) {
        if (pod.getStatus() == null || !"Running".equals(pod.getStatus().getPhase())
                || pod.getMetadata().getDeletionTimestamp() != null) {
            return false;
        }
        List<PodCondition> conditions = pod.getStatus().getConditions();
        return conditions != null && conditions.stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /**
     * The node's zone label, or empty when the node has none. A node that cannot be read is an
     * error rather than "no zone": placement would otherwise lose the failure domains silently.
     */
    private String zoneOf(String nodeName) throws PeerDiscoveryException {
        Node node;
        try {
            node = client.nodes().withName(nodeName).get();
        } catch (KubernetesClientException e) {
            throw new PeerDiscoveryException("cannot read node " + nodeName + " for its zone label (the controller "
                    + "needs get on nodes): " + e.getMessage(), e);
        }
        if (node == null || node.getMetadata().getLabels() == null) {
            return "";
        }
        return node.getMetadata().getLabels().getOrDefault(ZONE_LABEL, "");
    }
}
