package io.converged.gluster.node.keeper;

import io.converged.gluster.csi.keeper.v1.MountKeeperGrpc;
import io.converged.gluster.csi.keeper.v1.MountRequest;
import io.converged.gluster.csi.keeper.v1.MountResponse;
import io.converged.gluster.csi.keeper.v1.UnmountRequest;
import io.converged.gluster.csi.keeper.v1.UnmountResponse;
import io.converged.gluster.csi.runtime.Answers;
import io.converged.gluster.csi.runtime.CsiException;
import io.converged.gluster.csi.runtime.VolumeLocks;
import io.converged.gluster.node.mount.GlusterMount;
import io.converged.gluster.node.mount.KubeletDir;
import io.converged.gluster.node.mount.MountOptions;
import io.grpc.stub.StreamObserver;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * The mount keeper's service. Each call validates its request as the node plugin validates
 * kubelet's ({@link GlusterMount#of}, {@link MountOptions#parse}, {@link KubeletDir}), takes the
 * target's try-lock (ABORTED while another call works there), lets {@link KeptMounts} act and
 * answers through {@link Answers}: the plugin gets the project's codes back.
 */
public final class KeeperService extends MountKeeperGrpc.MountKeeperImplBase {
    private final KeptMounts mounts;
    private final KubeletDir kubelet;
    private final Path clientLogDir;
    private final VolumeLocks locks;

    /** @param locks try-locks by target path */
    KeeperService(KeptMounts mounts, KubeletDir kubelet, Path clientLogDir, VolumeLocks locks) {
        this.mounts = mounts;
        this.kubelet = kubelet;
        this.clientLogDir = clientLogDir.normalize();
        this.locks = locks;
    }

    @Override
    public void mount(MountRequest request, StreamObserver<MountResponse> out) {
        Answers.answer(out, () -> {
            Path target = kubelet.check("target_path", path("target_path", request.getTargetPath()));
            GlusterMount mount = GlusterMount.of(request.getVolume(), request.getDirectory(),
                    request.getServersList(), MountOptions.parse(request.getOptionsList()),
                    logFile(request.getLogFile()));
            try (VolumeLocks.Held lock = locks.acquire(target.toString())) {
                mounts.mount(mount, target);
            }
            return MountResponse.getDefaultInstance();
        });
    }

    @Override
    public void unmount(UnmountRequest request, StreamObserver<UnmountResponse> out) {
        Answers.answer(out, () -> {
            Path target = kubelet.check("target_path", path("target_path", request.getTargetPath()));
            try (VolumeLocks.Held lock = locks.acquire(target.toString())) {
                mounts.unmount(target);
            }
            return UnmountResponse.getDefaultInstance();
        });
    }

    /** A client log file: an absolute path inside this keeper's client log directory, without '..'. */
    private Path logFile(String value) throws CsiException {
        Path file = path("log_file", value);
        if (!file.normalize().equals(file) || !file.startsWith(clientLogDir) || file.equals(clientLogDir)) {
            throw CsiException.invalidArgument("log_file '" + value + "' must be a file inside the mount keeper's"
                    + " client log directory " + clientLogDir);
        }
        return file;
    }

    private static Path path(String field, String value) throws CsiException {
        if (value.isEmpty()) {
            throw CsiException.invalidArgument(field + " is required");
        }
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw CsiException.invalidArgument(field + " is not a valid path: " + e.getMessage());
        }
    }
}
