package io.converged.gluster.controller.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.converged.gluster.controller.gluster.GlusterCli;
import io.converged.gluster.controller.peer.Peer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Peer discovery by label selector against the fabric8 mock API server (CRUD mode). */
@EnableKubernetesMockClient(crud = true)
class KubernetesPeerSourceTest {
    static KubernetesMockServer server;
    static KubernetesClient client;

    private static final Map<String, String> PEER = Map.of("app", "glusterfs");

    @Test
    void onlyRunningAndReadyPodsMatchingTheSelectorArePeers() throws Exception {
        String ns = "discovery";
        KubeFixtures.node(client, "node-a", "zone-1");
        KubeFixtures.node(client, "node-b", "zone-2");
        KubeFixtures.node(client, "node-c", null);
        KubeFixtures.pod(client, ns, "gluster-b", PEER, "Running", true, "node-b", "10.0.0.2");
        KubeFixtures.pod(client, ns, "gluster-a", PEER, "Running", true, "node-a", "10.0.0.1");
        KubeFixtures.pod(client, ns, "gluster-c", PEER, "Running", true, "node-c", "10.0.0.3");
        KubeFixtures.pod(client, ns, "gluster-unready", PEER, "Running", false, "node-a", "10.0.0.4");
        KubeFixtures.pod(client, ns, "gluster-pending", PEER, "Pending", false, "node-b", "10.0.0.5");
        KubeFixtures.pod(client, ns, "gluster-failed", PEER, "Failed", true, "node-b", "10.0.0.6");
        KubeFixtures.pod(client, ns, "other-app", Map.of("app", "web"), "Running", true, "node-a", "10.0.0.7");
        KubeFixtures.pod(client, "elsewhere", "gluster-x", PEER, "Running", true, "node-a", "10.0.0.8");

        List<Peer> peers = new KubernetesPeerSource(client, ns, "app=glusterfs", "glusterfs").peers();

        assertThat(peers).extracting(Peer::name).containsExactly("gluster-a", "gluster-b", "gluster-c");
        assertThat(peers).extracting(Peer::address).containsExactly("10.0.0.1", "10.0.0.2", "10.0.0.3");
        assertThat(peers).extracting(Peer::node).containsExactly("node-a", "node-b", "node-c");
        assertThat(peers).extracting(Peer::zone).containsExactly("zone-1", "zone-2", "");
        Peer first = peers.get(0);
        assertThat(first.glusterPrefix()).isEqualTo(GlusterCli.POD_PREFIX);
        assertThat(first.pathOnPeer("/mnt/brick1/v/brick")).isEqualTo("/mnt/brick1/v/brick");
        assertThat(first.brick("/mnt/brick1/v/brick")).isEqualTo("10.0.0.1:/mnt/brick1/v/brick");
        assertThat(first.runner().describe()).isEqualTo("pod discovery/gluster-a container glusterfs");
    }

    @Test
    void aPodThatDisappearsIsNoLongerAPeer() throws Exception {
        String ns = "vanishing";
        KubeFixtures.node(client, "node-v", "zone-v");
        KubeFixtures.pod(client, ns, "gluster-0", PEER, "Running", true, "node-v", "10.1.0.1");
        KubeFixtures.pod(client, ns, "gluster-1", PEER, "Running", true, "node-v", "10.1.0.2");
        KubernetesPeerSource source = new KubernetesPeerSource(client, ns, "app=glusterfs", "glusterfs");
        assertThat(source.peers()).hasSize(2);

        client.pods().inNamespace(ns).withName("gluster-1").delete();

        assertThat(source.peers()).extracting(Peer::name).containsExactly("gluster-0");
    }

    @Test
    void noMatchingPodsIsAnEmptyListNotAnError() throws Exception {
        assertThat(new KubernetesPeerSource(client, "empty", "app=glusterfs", "glusterfs").peers()).isEmpty();
    }

    @Test
    void selectorsAreParsedStrictly() {
        assertThat(KubernetesPeerSource.parseSelector("app=glusterfs, tier==storage"))
                .containsOnly(Map.entry("app", "glusterfs"), Map.entry("tier", "storage"));
        assertThat(KubernetesPeerSource.parseSelector("app.kubernetes.io/name=gluster"))
                .containsOnly(Map.entry("app.kubernetes.io/name", "gluster"));
        assertThatThrownBy(() -> KubernetesPeerSource.parseSelector("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KubernetesPeerSource.parseSelector("app"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KubernetesPeerSource.parseSelector("app!=x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KubernetesPeerSource.parseSelector("app=a b"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
