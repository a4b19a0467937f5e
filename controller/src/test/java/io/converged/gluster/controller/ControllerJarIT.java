package io.converged.gluster.controller;

import io.converged.gluster.csi.runtime.IdentityService;
import io.converged.gluster.csi.testing.GlusterPoolExtension;
import io.converged.gluster.csi.testing.ServerJarContract;
import io.converged.gluster.csi.v1.PluginCapability;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The controller jar as a process over its real unix socket, with a real pool behind it for Probe. */
class ControllerJarIT extends ServerJarContract {
    @RegisterExtension
    static final GlusterPoolExtension POOL = GlusterPoolExtension.formed(3);

    @Override
    protected String jarName() {
        return "gluster-csi-controller.jar";
    }

    @Override
    protected List<String> extraFlags() {
        try {
            Path peers = dir.resolve("peers");
            Files.writeString(peers, POOL.pool().peersFileText());
            return List.of("--peers-file", peers.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected List<PluginCapability> expectedCapabilities() {
        return List.of(IdentityService.controllerService(), IdentityService.onlineExpansion());
    }
}
