package io.converged.gluster.node.keeper;

import io.converged.gluster.csi.keeper.v1.MountKeeperGrpc;
import io.converged.gluster.csi.keeper.v1.MountRequest;
import io.converged.gluster.csi.keeper.v1.UnmountRequest;
import io.converged.gluster.node.mount.FsStats;
import io.converged.gluster.node.mount.GlusterMount;
import io.converged.gluster.node.mount.MountException;
import io.converged.gluster.node.mount.MountTable;
import io.converged.gluster.node.mount.Mounter;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The node plugin's mounter when a mount keeper runs: FUSE mounts of gluster volumes, and their
 * unmounts, are asked of the keeper over its socket, so their clients belong to the keeper and
 * outlive the plugin; everything else (bind mounts, the mount table, probes, statfs) stays here, in
 * the plugin, on the mount namespace both share. The keeper's gRPC codes come back as the
 * {@link MountException} reasons of the same codes. When the keeper cannot be reached an unmount
 * is done here instead (the kernel does not care who unmounts), so unstaging never waits for it.
 */
public final class KeeperMounter implements Mounter {
    private static final Logger LOG = Logger.getLogger(KeeperMounter.class.getName());

    private final Mounter local;
    private final ManagedChannel channel;
    private final String keeper;
    private final Duration deadline;

    /**
     * @param local the plugin's own mounter, for everything but FUSE mounts
     * @param channel a channel to the keeper's socket
     * @param keeper the keeper's endpoint, for messages
     * @param deadline how long one call to the keeper may take (its mount timeout and some)
     */
    public KeeperMounter(Mounter local, ManagedChannel channel, String keeper, Duration deadline) {
        this.local = local;
        this.channel = channel;
        this.keeper = keeper;
        this.deadline = deadline;
    }

    @Override
    public MountTable mounts() throws MountException {
        return local.mounts();
    }

    @Override
    public void mountGluster(GlusterMount mount, Path target) throws MountException {
        MountRequest request = MountRequest.newBuilder().setVolume(mount.volume()).setDirectory(mount.directory())
                .addAllServers(mount.servers()).addAllOptions(mount.options().asList())
                .setLogFile(mount.logFile().toString()).setTargetPath(target.toString()).build();
        try {
            stub().mount(request);
        } catch (StatusRuntimeException e) {
            throw failure("mounting gluster volume " + mount.path() + " at " + target, e);
        }
    }

    @Override
    public void unmountGluster(Path target) throws MountException {
        try {
            stub().unmount(UnmountRequest.newBuilder().setTargetPath(target.toString()).build());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.UNAVAILABLE) {
                throw failure("unmounting " + target, e);
            }
            LOG.warning("the mount keeper at " + keeper + " cannot be reached (" + e.getStatus().getDescription()
                    + "); unmounting " + target + " here");
            local.unmount(target);
        }
    }

    @Override
    public void bind(Path source, Path target, boolean readOnly) throws MountException {
        local.bind(source, target, readOnly);
    }

    @Override
    public void unmount(Path target) throws MountException {
        local.unmount(target);
    }

    @Override
    public void probe(Path path) throws MountException {
        local.probe(path);
    }

    @Override
    public FsStats statfs(Path path) throws MountException {
        return local.statfs(path);
    }

    private MountKeeperGrpc.MountKeeperBlockingStub stub() {
        // After the keeper restarted, try its socket now rather than after gRPC's reconnect backoff.
        if (channel.getState(true) == ConnectivityState.TRANSIENT_FAILURE) {
            channel.resetConnectBackoff();
        }
        return MountKeeperGrpc.newBlockingStub(channel).withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The keeper's answer as the reason of the same code; its own message says what failed. */
    private MountException failure(String doing, StatusRuntimeException e) {
        Status status = e.getStatus();
        String said = status.getDescription() == null ? doing + " failed" : status.getDescription();
        MountException.Reason reason = switch (status.getCode()) {
            case INVALID_ARGUMENT -> MountException.Reason.INVALID;
            case ALREADY_EXISTS -> MountException.Reason.CONFLICT;
            case FAILED_PRECONDITION -> MountException.Reason.IN_USE;
            case NOT_FOUND -> MountException.Reason.NOT_FOUND;
            case DEADLINE_EXCEEDED -> MountException.Reason.TIMEOUT;
            case UNAVAILABLE, ABORTED -> MountException.Reason.UNAVAILABLE;
            default -> MountException.Reason.FAILED;
        };
        String message = switch (status.getCode()) {
            case UNAVAILABLE -> doing + ": the mount keeper at " + keeper + " cannot be reached: " + said;
            case DEADLINE_EXCEEDED -> doing + ": the mount keeper at " + keeper + " did not answer within "
                    + deadline.toSeconds() + " s" + (status.getDescription() == null ? "" : ": " + said);
            default -> said + " (by the mount keeper at " + keeper + ")";
        };
        return new MountException(reason, message, e);
    }
}
