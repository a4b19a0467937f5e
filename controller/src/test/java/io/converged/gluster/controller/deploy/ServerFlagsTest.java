package io.converged.gluster.controller.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.converged.gluster.controller.ControllerMain;
import io.converged.gluster.csi.runtime.Flags;
import io.converged.gluster.csi.runtime.ServerLauncher;
import io.converged.gluster.csi.runtime.UsageException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The servers accept the command lines the manifests start them with. */
class ServerFlagsTest {
    private static final Pattern OPTION = Pattern.compile("\\.option\\(\"([a-z0-9-]+)\"");

    /** The controller's own flag parser (ControllerMain.flags() is package-private: main wires it). */
    private static Flags controllerFlags() throws ReflectiveOperationException {
        Method flags = ControllerMain.class.getDeclaredMethod("flags");
        flags.setAccessible(true);
        return (Flags) flags.invoke(null);
    }

    @Test
    void theControllerParsesTheDeploymentsArguments() throws Exception {
        List<String> args = Manifests.container(Manifests.controller().getSpec().getTemplate().getSpec(),
                "gluster-csi-controller").getArgs();

        Flags.Parsed parsed = controllerFlags().parse(args.toArray(String[]::new));

        assertThat(parsed).isNotNull();
        assertThat(parsed.get("peer-namespace")).isEqualTo(Manifests.peers().getMetadata().getNamespace());
        assertThat(parsed.get("endpoint")).isEqualTo("unix:///csi/csi.sock");
    }

    @Test
    void theControllerParserWouldRefuseAMisspeltFlag() {
        assertThatThrownBy(() -> controllerFlags().parse(new String[] {"--peer-namespaces=glusterfs"}))
                .isInstanceOf(UsageException.class).hasMessageContaining("peer-namespaces");
    }

    @Test
    void theNodePluginDeclaresEveryFlagTheDaemonSetPasses() {
        // The node module is not a dependency of the controller; read the flags NodeMain declares.
        String nodeMain = Manifests.read(Manifests.ROOT.resolve(
                "node/src/main/java/io/converged/gluster/node/NodeMain.java"));
        Set<String> declared = new TreeSet<>();
        Matcher m = OPTION.matcher(nodeMain);
        while (m.find()) {
            declared.add(m.group(1));
        }
        Flags standard = ServerLauncher.standardFlags("node", "", "unix:///csi/csi.sock");
        List<String> args = Manifests.container(Manifests.nodePlugin().getSpec().getTemplate().getSpec(),
                "gluster-csi-node").getArgs();

        assertThat(nodeMain).contains("ServerLauncher.standardFlags(");
        assertThat(args).isNotEmpty().allSatisfy(arg -> {
            assertThat(arg).startsWith("--").contains("=");
            String name = arg.substring(2, arg.indexOf('='));
            if (!declared.contains(name)) {
                assertThat(standard.usage()).as("--" + name + " is a flag of the node server")
                        .contains("--" + name + " VALUE");
            }
        });
    }
}
