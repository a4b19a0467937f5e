package io.converged.gluster.node;

import io.converged.gluster.csi.testing.ServerJarContract;
import io.converged.gluster.csi.v1.PluginCapability;
import java.util.List;

/** The node jar as a process over its real unix socket. */
class NodeJarIT extends ServerJarContract {
    @Override
    protected String jarName() {
        return "gluster-csi-node.jar";
    }

    @Override
    protected List<PluginCapability> expectedCapabilities() {
        return List.of();
    }
}
