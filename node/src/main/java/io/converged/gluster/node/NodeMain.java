package io.converged.gluster.node;

import io.converged.gluster.csi.runtime.Flags;
import io.converged.gluster.csi.runtime.IdentityService;
import io.converged.gluster.csi.runtime.LogSetup;
import io.converged.gluster.csi.runtime.ServerLauncher;
import io.grpc.BindableService;
import java.nio.file.Path;
import java.util.List;

/** Starts the CSI node server: the only place its parts are wired together. */
public final class NodeMain {
    private NodeMain() {
    }

    static Flags flags() {
        return ServerLauncher.standardFlags("gluster-csi-node",
                "CSI node plugin for GlusterFS: FUSE-mounts provisioned gluster volumes for the pods of\n"
                        + "this node.",
                "unix:///csi/csi.sock");
    }

    public static void main(String[] args) {
        LogSetup.early();
        int code = ServerLauncher.run(flags(), args, parsed -> {
            NodeReadiness readiness = new NodeReadiness(Path.of("/dev/fuse"),
                    List.of(Path.of("/sbin/mount.glusterfs"), Path.of("/usr/sbin/mount.glusterfs")));
            IdentityService identity = new IdentityService(List.of(), readiness);
            return () -> List.<BindableService>of(identity);
        }, System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }
}
