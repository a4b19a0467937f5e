package io.converged.gluster.node.keeper;

import io.converged.gluster.csi.testing.JarProcess;
import io.converged.gluster.csi.testing.ServerJarContract;
import io.converged.gluster.csi.v1.PluginCapability;
import java.util.List;

/** The mount keeper, the node jar's other main class, as a process over its real unix socket. */
class KeeperJarIT extends ServerJarContract {
    @Override
    protected String jarName() {
        return "gluster-csi-node.jar";
    }

    @Override
    protected JarProcess.Launch launchOptions() {
        return JarProcess.Launch.plain().mainClass(KeeperMain.class.getName());
    }

    @Override
    protected List<String> extraFlags() {
        return List.of("--kubelet-dir", dir.resolve("kubelet").toString());
    }

    @Override
    protected List<PluginCapability> expectedCapabilities() {
        return List.of();
    }
}
