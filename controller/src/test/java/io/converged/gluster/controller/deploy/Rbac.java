package io.converged.gluster.controller.deploy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.util.ArrayList;
import java.util.List;

/**
 * Kubernetes RBAC authorization over the installed objects, as the API server decides it for a
 * ServiceAccount: ClusterRoleBindings grant everywhere, RoleBindings only in their namespace.
 * Wildcards are honoured here (so a test can show one would widen access), never written.
 */
final class Rbac {
    private final List<HasMetadata> objects;

    Rbac(List<HasMetadata> objects) {
        this.objects = objects;
    }

    /** A request the API server authorizes. A null namespace is a cluster-scoped or all-namespaces call. */
    record Call(String namespace, String apiGroup, String resource, String verb) {
        static Call in(String namespace, String apiGroup, String resource, String verb) {
            return new Call(namespace, apiGroup, resource, verb);
        }

        static Call cluster(String apiGroup, String resource, String verb) {
            return new Call(null, apiGroup, resource, verb);
        }

        @Override
        public String toString() {
            return verb + " " + (apiGroup.isEmpty() ? "" : apiGroup + "/") + resource
                    + (namespace == null ? " (cluster-wide)" : " in " + namespace);
        }
    }

    /** True when the ServiceAccount may make the call. */
    boolean allows(String saNamespace, String saName, Call call) {
        return rulesFor(saNamespace, saName, call.namespace()).stream().anyMatch(rule -> matches(rule, call));
    }

    /** The rules that apply to the ServiceAccount in a namespace (null: cluster-wide only). */
    List<PolicyRule> rulesFor(String saNamespace, String saName, String namespace) {
        List<PolicyRule> rules = new ArrayList<>();
        for (ClusterRoleBinding binding : Manifests.ofKind(objects, ClusterRoleBinding.class)) {
            if (boundTo(binding.getSubjects(), saNamespace, saName)) {
                rules.addAll(rulesOf(binding.getRoleRef(), null));
            }
        }
        if (namespace != null) {
            for (RoleBinding binding : Manifests.ofKind(objects, RoleBinding.class)) {
                if (namespace.equals(binding.getMetadata().getNamespace())
                        && boundTo(binding.getSubjects(), saNamespace, saName)) {
                    rules.addAll(rulesOf(binding.getRoleRef(), namespace));
                }
            }
        }
        return rules;
    }

    /** Every rule of every role bound to the ServiceAccount anywhere. */
    List<PolicyRule> allRulesFor(String saNamespace, String saName) {
        List<PolicyRule> rules = new ArrayList<>(rulesFor(saNamespace, saName, null));
        for (RoleBinding binding : Manifests.ofKind(objects, RoleBinding.class)) {
            if (boundTo(binding.getSubjects(), saNamespace, saName)) {
                rules.addAll(rulesOf(binding.getRoleRef(), binding.getMetadata().getNamespace()));
            }
        }
        return rules;
    }

    List<PolicyRule> rulesOf(RoleRef ref, String bindingNamespace) {
        if (ref.getKind().equals("ClusterRole")) {
            return Manifests.named(objects, ClusterRole.class, ref.getName()).getRules();
        }
        return Manifests.ofKind(objects, Role.class).stream()
                .filter(r -> r.getMetadata().getName().equals(ref.getName())
                        && r.getMetadata().getNamespace().equals(bindingNamespace))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no Role " + ref.getName() + " in " + bindingNamespace))
                .getRules();
    }

    static boolean matches(PolicyRule rule, Call call) {
        return anyOf(rule.getApiGroups(), call.apiGroup()) && anyOf(rule.getResources(), call.resource())
                && anyOf(rule.getVerbs(), call.verb())
                && (rule.getResourceNames() == null || rule.getResourceNames().isEmpty());
    }

    private static boolean anyOf(List<String> granted, String wanted) {
        return granted.contains(wanted) || granted.contains("*");
    }

    private static boolean boundTo(List<Subject> subjects, String saNamespace, String saName) {
        return subjects.stream().anyMatch(s -> s.getKind().equals("ServiceAccount") && s.getName().equals(saName)
                && saNamespace.equals(s.getNamespace()));
    }
}
