package io.converged.gluster.controller.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.converged.gluster.controller.ControllerMain;
import io.converged.gluster.csi.runtime.ServerLauncher;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The servers accept the command lines the manifests start them with. */
class ServerFlagsTest {
    private static final Pattern OPTION = Pattern.compile("names = \"(--[a-z0-9-]+)\"");

    @Test
    void theControllerParsesTheDeploymentsArguments() {
        List<String> args = Manifests.container(Manifests.controller().getSpec().getTemplate().getSpec(),
                "gluster-csi-controller").getArgs();
        ControllerMain command = new ControllerMain();

        ServerLauncher.commandLine(command).parseArgs(args.toArray(String[]::new));

        assertThat(command.server().endpoint().target()).isEqualTo("unix:///csi/csi.sock");
        assertThat(args).contains("--peer-namespace=" + Manifests.peers().getMetadata().getNamespace());
    }

    @Test
    void theControllerParserWouldRefuseAMisspeltFlag() {
        assertThatThrownBy(() -> ServerLauncher.commandLine(new ControllerMain())
                .parseArgs("--peer-namespaces=glusterfs"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("peer-namespaces");
    }

    /**
     * The flags a command of the node module declares, with the shared server options. The node module
     * is not a dependency of the controller: its sources are read.
     */
    private static Set<String> declaredFlags(String commandSource) {
        Set<String> declared = new TreeSet<>();
        for (String source : List.of(commandSource,
                "runtime/src/main/java/io/converged/gluster/csi/runtime/ServerOptions.java")) {
            Matcher m = OPTION.matcher(Manifests.read(Manifests.ROOT.resolve(source)));
            while (m.find()) {
                declared.add(m.group(1));
            }
        }
        return declared;
    }

    @Test
    void theNodePluginDeclaresEveryFlagTheDaemonSetPasses() {
        Set<String> declared = declaredFlags("node/src/main/java/io/converged/gluster/node/NodeMain.java");
        List<String> args = Manifests.container(Manifests.nodePlugin().getSpec().getTemplate().getSpec(),
                "gluster-csi-node").getArgs();

        assertThat(declared).contains("--endpoint", "--node-id", "--state-dir", "--kubelet-dir", "--mount-keeper");
        assertThat(args).isNotEmpty().allSatisfy(arg -> {
            assertThat(arg).startsWith("--").contains("=");
            assertThat(declared).as(arg + " is a flag of the node server").contains(arg.substring(0, arg.indexOf('=')));
        });
        assertThat(args).anySatisfy(arg -> assertThat(arg).startsWith("--mount-keeper=unix:///"))
                .anySatisfy(arg -> assertThat(arg).startsWith("--kubelet-dir=/"));
    }

    @Test
    void theMountKeeperDeclaresEveryFlagItsDaemonSetPasses() {
        Set<String> declared = declaredFlags("node/src/main/java/io/converged/gluster/node/keeper/KeeperMain.java");
        List<String> args = Manifests.container(Manifests.mountKeeper().getSpec().getTemplate().getSpec(),
                "mount-keeper").getArgs();

        assertThat(declared).contains("--endpoint", "--kubelet-dir", "--client-log-dir", "--mount-timeout");
        assertThat(args).isNotEmpty().allSatisfy(arg -> {
            assertThat(arg).startsWith("--").contains("=");
            assertThat(declared).as(arg + " is a flag of the mount keeper").contains(arg.substring(0,
                    arg.indexOf('=')));
        });
        assertThat(args).as("the keeper refuses to start on the default endpoint")
                .anySatisfy(arg -> assertThat(arg).startsWith("--endpoint=unix:///"));
    }
}
