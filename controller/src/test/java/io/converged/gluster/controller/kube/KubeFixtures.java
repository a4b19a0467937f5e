package io.converged.gluster.controller.kube;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;

/** Pods and nodes as the API server would hold them, created through the client in CRUD mode. */
final class KubeFixtures {

    private KubeFixtures() {
    }

    static Pod pod(KubernetesClient client, String namespace, String name, Map<String, String> labels, String phase,
            boolean ready, String node, String hostIp) {
        Pod pod = new PodBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).withLabels(labels).endMetadata()
                .withNewSpec().withNodeName(node).withHostNetwork(true)
                .addNewContainer().withName("glusterfs").withImage("gluster").endContainer()
                .endSpec()
                .withNewStatus().withPhase(phase).withHostIP(hostIp)
                .addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition()
                .endStatus()
                .build();
        return client.pods().inNamespace(namespace).resource(pod).create();
    }

    static void node(KubernetesClient client, String name, String zone) {
        NodeBuilder node = new NodeBuilder().withNewMetadata().withName(name).endMetadata();
        if (zone != null) {
            node.editMetadata().addToLabels(KubernetesPeerSource.ZONE_LABEL, zone).endMetadata();
        }
        client.nodes().resource(node.build()).create();
    }
}
