package io.converged.gluster.controller;

import io.converged.gluster.csi.runtime.IdentityService;
import io.converged.gluster.csi.testing.ServerJarContract;
import io.converged.gluster.csi.v1.PluginCapability;
import java.util.List;

/** The controller jar as a process over its real unix socket. */
class ControllerJarIT extends ServerJarContract {
    @Override
    protected String jarName() {
        return "gluster-csi-controller.jar";
    }

    @Override
    protected List<PluginCapability> expectedCapabilities() {
        return List.of(IdentityService.controllerService(), IdentityService.onlineExpansion());
    }
}
