package io.converged.gluster.controller;

import io.converged.gluster.csi.runtime.Flags;
import io.converged.gluster.csi.runtime.IdentityService;
import io.converged.gluster.csi.runtime.LogSetup;
import io.converged.gluster.csi.runtime.Readiness;
import io.converged.gluster.csi.runtime.ServerLauncher;
import io.grpc.BindableService;
import java.util.List;

/** Starts the CSI controller server: the only place its parts are wired together. */
public final class ControllerMain {
    private ControllerMain() {
    }

    static Flags flags() {
        return ServerLauncher.standardFlags("gluster-csi-controller",
                "CSI controller for GlusterFS running converged in Kubernetes: turns volume requests into\n"
                        + "replicated, quota-capped gluster volumes on brick directories of the peer pods.",
                "unix:///csi/csi.sock");
    }

    public static void main(String[] args) {
        LogSetup.early();
        int code = ServerLauncher.run(flags(), args, parsed -> {
            IdentityService identity = new IdentityService(
                    List.of(IdentityService.controllerService(), IdentityService.onlineExpansion()),
                    () -> Readiness.Status.READY);
            return () -> List.<BindableService>of(identity);
        }, System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }
}
