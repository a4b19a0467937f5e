package io.converged.gluster.controller;

import io.converged.gluster.controller.kube.KubernetesPeerSource;
import io.converged.gluster.controller.peer.PeerSource;
import io.converged.gluster.csi.runtime.UsageException;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * The Kubernetes peer source: peer pods found by label selector, commands through pod exec. The
 * client takes its configuration the usual way (in-cluster service account, or KUBECONFIG).
 */
final class KubePeers {
    private KubePeers() {
    }

    static PeerSource create(String namespace, String selector, String container) throws UsageException {
        if (namespace.isBlank()) {
            throw new UsageException("--peer-namespace is empty");
        }
        if (container.isBlank()) {
            throw new UsageException("--peer-container is empty");
        }
        try {
            KubernetesPeerSource.parseSelector(selector);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--peer-selector: " + e.getMessage());
        }
        KubernetesClient client = new KubernetesClientBuilder().build();
        return new KubernetesPeerSource(client, namespace, selector, container);
    }
}
