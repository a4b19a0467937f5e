package io.converged.gluster.controller.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.converged.gluster.controller.deploy.Rbac.Call;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Least privilege: the controller's ServiceAccount may do what the driver and its sidecars do, and no more. */
class RbacTest {
    static final String CSI_NAMESPACE = "gluster-csi";
    static final String SA = "gluster-csi-controller";

    private final List<HasMetadata> installed = Manifests.installed();
    private final Rbac rbac = new Rbac(installed);
    private final String peerNamespace = Manifests.requiredFlag(Manifests.container(
            Manifests.controller().getSpec().getTemplate().getSpec(), "gluster-csi-controller"), "peer-namespace");

    /**
     * What the driver itself asks of the API server: find the peer pods, read the zone
     * label of their nodes, run commands in them. Exec is a WebSocket upgrade, a GET, so the API server
     * checks `get` on pods/exec, and since Kubernetes 1.35 `create` as well.
     */
    private List<Call> driverCalls() {
        return List.of(
                Call.in(peerNamespace, "", "pods", "list"),
                Call.in(peerNamespace, "", "pods", "get"),
                Call.in(peerNamespace, "", "pods/exec", "create"),
                Call.in(peerNamespace, "", "pods/exec", "get"),
                Call.cluster("", "nodes", "get"));
    }

    /**
     * What csi-provisioner (v6, no topology or capacity; a restore reads its VolumeSnapshot), csi-resizer
     * (v2) and csi-external-health-monitor-controller (v0.18, no node watcher) ask, with
     * VolumeAttributesClasses: the provisioner gets a claim's class to create with its parameters, the
     * resizer watches them to modify volumes whose claim switched class.
     */
    private static List<Call> sidecarCalls() {
        List<Call> calls = new ArrayList<>();
        for (String verb : List.of("get", "list", "watch", "create", "patch", "delete")) {
            calls.add(Call.cluster("", "persistentvolumes", verb));
        }
        for (String verb : List.of("get", "list", "watch", "update")) {
            calls.add(Call.cluster("", "persistentvolumeclaims", verb));
        }
        calls.add(Call.cluster("", "persistentvolumeclaims/status", "patch"));
        for (String verb : List.of("get", "list", "watch")) {
            calls.add(Call.cluster("storage.k8s.io", "storageclasses", verb));
        }
        for (String verb : List.of("create", "patch")) {
            calls.add(Call.in("default", "", "events", verb));
        }
        for (String verb : List.of("get", "list", "watch")) {
            calls.add(Call.cluster("storage.k8s.io", "volumeattributesclasses", verb));
        }
        for (String verb : List.of("get", "watch", "list", "delete", "update", "create")) {
            calls.add(Call.in(CSI_NAMESPACE, "coordination.k8s.io", "leases", verb));
        }
        for (String verb : List.of("get", "list")) {
            calls.add(Call.in("apps", "snapshot.storage.k8s.io", "volumesnapshots", verb));
            calls.add(Call.cluster("snapshot.storage.k8s.io", "volumesnapshotcontents", verb));
        }
        // csi-external-health-monitor-controller (v0.18): its informers, and the events it posts on PVCs.
        for (String resource : List.of("persistentvolumes", "persistentvolumeclaims", "pods", "nodes", "events")) {
            for (String verb : List.of("get", "list", "watch")) {
                calls.add(Call.cluster("", resource, verb));
            }
        }
        calls.add(Call.in("some-app", "", "events", "create"));
        calls.add(Call.in("some-app", "", "events", "patch"));
        return calls;
    }

    /** What csi-snapshotter (v8: snapshots; group snapshots only listed, this driver has none) asks. */
    private static List<Call> snapshotterCalls() {
        List<Call> calls = new ArrayList<>();
        for (String verb : List.of("get", "list", "watch")) {
            calls.add(Call.cluster("snapshot.storage.k8s.io", "volumesnapshotclasses", verb));
            calls.add(Call.cluster("groupsnapshot.storage.k8s.io", "volumegroupsnapshotclasses", verb));
            calls.add(Call.cluster("groupsnapshot.storage.k8s.io", "volumegroupsnapshotcontents", verb));
        }
        for (String verb : List.of("get", "list", "watch", "update", "patch")) {
            calls.add(Call.cluster("snapshot.storage.k8s.io", "volumesnapshotcontents", verb));
        }
        for (String verb : List.of("update", "patch")) {
            calls.add(Call.cluster("snapshot.storage.k8s.io", "volumesnapshotcontents/status", verb));
        }
        for (String verb : List.of("create", "patch")) {
            calls.add(Call.in("default", "", "events", verb));
        }
        return calls;
    }

    private static Set<String> grants(List<PolicyRule> rules) {
        Set<String> grants = new TreeSet<>();
        for (PolicyRule rule : rules) {
            for (String group : rule.getApiGroups()) {
                for (String resource : rule.getResources()) {
                    for (String verb : rule.getVerbs()) {
                        grants.add(verb + " " + (group.isEmpty() ? "" : group + "/") + resource);
                    }
                }
            }
        }
        return grants;
    }

    @Test
    void theControllerSidecarsAndLeasesAreEachAllowed() {
        List<Call> calls = new ArrayList<>(driverCalls());
        calls.addAll(sidecarCalls());
        calls.addAll(snapshotterCalls());

        assertThat(calls).allSatisfy(call -> assertThat(rbac.allows(CSI_NAMESPACE, SA, call))
                .as("allowed: " + call).isTrue());
    }

    @Test
    void eachSidecarRoleReadsVolumeAttributesClassesAsItsSidecarDoesAndNeverChangesThem() {
        Rbac rbac = new Rbac(installed);
        List<PolicyRule> provisioner = Manifests.named(installed, ClusterRole.class, "gluster-csi-provisioner")
                .getRules();
        List<PolicyRule> resizer = Manifests.named(installed, ClusterRole.class, "gluster-csi-resizer").getRules();

        assertThat(grants(provisioner)).filteredOn(g -> g.endsWith("volumeattributesclasses"))
                .containsExactly("get storage.k8s.io/volumeattributesclasses");
        assertThat(grants(resizer)).filteredOn(g -> g.endsWith("volumeattributesclasses"))
                .containsExactlyInAnyOrder("get storage.k8s.io/volumeattributesclasses",
                        "list storage.k8s.io/volumeattributesclasses", "watch storage.k8s.io/volumeattributesclasses");
        for (String verb : List.of("create", "update", "patch", "delete")) {
            assertThat(rbac.allows(CSI_NAMESPACE, SA, Call.cluster("storage.k8s.io", "volumeattributesclasses", verb)))
                    .as(verb).isFalse();
        }
    }

    /**
     * The README's RBAC table, row by row: {@code | ClusterRole `NAME` | where | resource: verb, verb;
     * resource: verb | for |}.
     */
    private static Map<String, Set<String>> readmeGrants() {
        Pattern row = Pattern.compile(
                "\\|\\s*((?:Cluster)?Role) `([a-z-]+)` \\|\\s*([^|]+?)\\s*\\|\\s*([^|]+?)\\s*\\|");
        Map<String, Set<String>> grants = new TreeMap<>();
        Matcher m = row.matcher(Manifests.read(Manifests.ROOT.resolve("README.md")));
        while (m.find()) {
            Set<String> granted = new TreeSet<>();
            for (String resource : m.group(4).split(";")) {
                String[] parts = resource.split(":");
                for (String verb : parts[1].split(",")) {
                    granted.add(verb.strip() + " " + parts[0].strip());
                }
            }
            String where = m.group(3).replace("`", "");
            grants.put(m.group(1) + " " + m.group(2) + " in " + where, granted);
        }
        return grants;
    }

    @Test
    void theReadmeRbacTableIsExactlyTheInstalledRolesAndTheirGrants() {
        Map<String, Set<String>> installedGrants = new TreeMap<>();
        for (ClusterRole role : Manifests.ofKind(installed, ClusterRole.class)) {
            installedGrants.put("ClusterRole " + role.getMetadata().getName() + " in cluster",
                    withoutGroups(role.getRules()));
        }
        for (Role role : Manifests.ofKind(installed, Role.class)) {
            installedGrants.put("Role " + role.getMetadata().getName() + " in " + role.getMetadata().getNamespace(),
                    withoutGroups(role.getRules()));
        }

        assertThat(readmeGrants()).isEqualTo(installedGrants);
    }

    /** Grants as {@code verb resource}, the API group left out (the README names resources alone). */
    private static Set<String> withoutGroups(List<PolicyRule> rules) {
        Set<String> grants = new TreeSet<>();
        for (PolicyRule rule : rules) {
            for (String resource : rule.getResources()) {
                for (String verb : rule.getVerbs()) {
                    grants.add(verb + " " + resource);
                }
            }
        }
        return grants;
    }

    @Test
    void theDriversOwnRolesGrantExactlyTheCallsItMakes() {
        Role peers = Manifests.named(installed, Role.class, "gluster-csi-peers");
        ClusterRole nodes = Manifests.named(installed, ClusterRole.class, "gluster-csi-controller");

        assertThat(peers.getMetadata().getNamespace()).isEqualTo(peerNamespace);
        assertThat(grants(peers.getRules())).containsExactlyInAnyOrder(
                "get pods", "list pods", "create pods/exec", "get pods/exec");
        assertThat(grants(nodes.getRules())).containsExactlyInAnyOrder("get nodes");
    }

    @Test
    void commandsRunOnlyInThePeerNamespace() {
        for (String verb : List.of("create", "get")) {
            assertThat(rbac.allows(CSI_NAMESPACE, SA, Call.in(CSI_NAMESPACE, "", "pods/exec", verb))).isFalse();
            assertThat(rbac.allows(CSI_NAMESPACE, SA, Call.in("default", "", "pods/exec", verb))).isFalse();
            assertThat(rbac.allows(CSI_NAMESPACE, SA, Call.cluster("", "pods/exec", verb))).isFalse();
        }
        // The health monitor's informers read pods everywhere; nothing in the pod changes one outside the peers.
        for (String verb : List.of("create", "update", "patch", "delete")) {
            assertThat(rbac.allows(CSI_NAMESPACE, SA, Call.in("default", "", "pods", verb))).isFalse();
        }
        assertThat(rbac.allows(CSI_NAMESPACE, SA, Call.in(peerNamespace, "", "pods/attach", "create"))).isFalse();
    }

    @Test
    void theControllerCanNeitherChangeWorkloadsNorReadSecrets() {
        List<Call> forbidden = List.of(
                Call.in(peerNamespace, "", "pods", "create"),
                Call.in(peerNamespace, "", "pods", "delete"),
                Call.in(peerNamespace, "", "pods", "patch"),
                Call.cluster("", "nodes", "patch"),
                // (nodes may be watched since the health monitor's informers run in this pod: read-only)
                Call.cluster("", "nodes", "delete"),
                Call.cluster("", "secrets", "get"),
                Call.in(peerNamespace, "", "secrets", "list"),
                Call.in(CSI_NAMESPACE, "", "secrets", "get"),
                Call.in(peerNamespace, "apps", "daemonsets", "update"),
                Call.cluster("rbac.authorization.k8s.io", "clusterroles", "bind"),
                Call.cluster("rbac.authorization.k8s.io", "clusterroles", "escalate"),
                Call.cluster("", "serviceaccounts", "impersonate"),
                Call.cluster("", "serviceaccounts/token", "create"));

        assertThat(forbidden).allSatisfy(call -> assertThat(rbac.allows(CSI_NAMESPACE, SA, call))
                .as("forbidden: " + call).isFalse());
    }

    @Test
    void noRuleUsesAWildcardOrANonResourceUrl() {
        List<PolicyRule> rules = new ArrayList<>();
        Manifests.ofKind(installed, ClusterRole.class).forEach(r -> rules.addAll(r.getRules()));
        Manifests.ofKind(installed, Role.class).forEach(r -> rules.addAll(r.getRules()));

        assertThat(rules).isNotEmpty().allSatisfy(rule -> {
            assertThat(rule.getApiGroups()).isNotEmpty().noneMatch(g -> g.contains("*"));
            assertThat(rule.getResources()).isNotEmpty().noneMatch(r -> r.contains("*"));
            assertThat(rule.getVerbs()).isNotEmpty().noneMatch(v -> v.contains("*"))
                    .doesNotContain("escalate", "bind", "impersonate", "deletecollection");
            assertThat(rule.getNonResourceURLs()).isEmpty();
        });
        assertThat(Manifests.ofKind(installed, ClusterRole.class))
                .allSatisfy(r -> assertThat(r.getAggregationRule()).isNull());
    }

    @Test
    void theHealthMonitorMayOnlyReadAndPostEvents() {
        ClusterRole monitor = Manifests.named(installed, ClusterRole.class, "gluster-csi-health-monitor");

        assertThat(grants(monitor.getRules())).allSatisfy(grant -> assertThat(grant)
                .matches("(get|list|watch) (persistentvolumes|persistentvolumeclaims|pods|nodes|events)"
                        + "|(create|patch) events"));
    }

    @Test
    void theSidecarRolesNeverReachPods() {
        List<PolicyRule> sidecarRules = new ArrayList<>();
        for (String name : List.of("gluster-csi-provisioner", "gluster-csi-resizer", "gluster-csi-snapshotter")) {
            sidecarRules.addAll(Manifests.named(installed, ClusterRole.class, name).getRules());
        }

        assertThat(grants(sidecarRules)).noneMatch(g -> g.contains(" pods") || g.contains("secrets")
                || g.contains("nodes"));
    }

    @Test
    void theSnapshotSidecarsNeitherDeleteSnapshotObjectsNorMakeOrChangeGroupSnapshots() {
        List<Call> forbidden = new ArrayList<>();
        for (String resource : List.of("volumesnapshots", "volumesnapshotcontents", "volumesnapshotclasses")) {
            forbidden.add(Call.cluster("snapshot.storage.k8s.io", resource, "delete"));
        }
        forbidden.add(Call.cluster("snapshot.storage.k8s.io", "volumesnapshotcontents", "create"));
        forbidden.add(Call.in("apps", "snapshot.storage.k8s.io", "volumesnapshots", "update"));
        for (String verb : List.of("create", "update", "patch", "delete")) {
            forbidden.add(Call.cluster("groupsnapshot.storage.k8s.io", "volumegroupsnapshotcontents", verb));
        }

        assertThat(forbidden).allSatisfy(call -> assertThat(rbac.allows(CSI_NAMESPACE, SA, call))
                .as("forbidden: " + call).isFalse());
    }

    @Test
    void everyBindingNamesAnExistingRoleAndTheControllerServiceAccount() {
        List<Subject> subjects = new ArrayList<>();
        for (ClusterRoleBinding b : Manifests.ofKind(installed, ClusterRoleBinding.class)) {
            Manifests.named(installed, ClusterRole.class, b.getRoleRef().getName());
            subjects.addAll(b.getSubjects());
        }
        for (RoleBinding b : Manifests.ofKind(installed, RoleBinding.class)) {
            assertThat(new Rbac(installed).rulesOf(b.getRoleRef(), b.getMetadata().getNamespace())).isNotEmpty();
            subjects.addAll(b.getSubjects());
        }

        assertThat(subjects).isNotEmpty().allSatisfy(s -> {
            assertThat(s.getKind()).isEqualTo("ServiceAccount");
            assertThat(s.getName()).isEqualTo(SA);
            assertThat(s.getNamespace()).isEqualTo(CSI_NAMESPACE);
        });
        assertThat(Manifests.named(installed, ServiceAccount.class, SA).getMetadata().getNamespace())
                .isEqualTo(Manifests.controller().getMetadata().getNamespace());
    }

    @Test
    void theNodePluginHasNoApiAccessAtAll() {
        ServiceAccount node = Manifests.named(installed, ServiceAccount.class, "gluster-csi-node");

        assertThat(node.getAutomountServiceAccountToken()).isFalse();
        assertThat(rbac.allRulesFor(CSI_NAMESPACE, "gluster-csi-node")).isEmpty();
        assertThat(Manifests.nodePlugin().getSpec().getTemplate().getSpec().getServiceAccountName())
                .isEqualTo("gluster-csi-node");
    }

    @Test
    void theMountKeeperHasNoApiAccessAtAll() {
        ServiceAccount keeper = Manifests.named(installed, ServiceAccount.class, "gluster-csi-mount-keeper");

        assertThat(keeper.getMetadata().getNamespace()).isEqualTo(CSI_NAMESPACE);
        assertThat(keeper.getAutomountServiceAccountToken()).isFalse();
        assertThat(rbac.allRulesFor(CSI_NAMESPACE, "gluster-csi-mount-keeper")).isEmpty();
        assertThat(Manifests.mountKeeper().getSpec().getTemplate().getSpec().getServiceAccountName())
                .isEqualTo("gluster-csi-mount-keeper");
        assertThat(Manifests.mountKeeper().getSpec().getTemplate().getSpec().getAutomountServiceAccountToken())
                .isFalse();
    }

    @Test
    void aWildcardWouldBeCaughtByTheAuthorizerHere() {
        PolicyRule wildcard = new PolicyRule(List.of(""), List.of(), List.of(), List.of("*"), List.of("*"));

        assertThat(Rbac.matches(wildcard, Call.in("x", "", "secrets", "get"))).isTrue();
    }
}
