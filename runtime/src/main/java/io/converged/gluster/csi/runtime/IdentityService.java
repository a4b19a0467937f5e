package io.converged.gluster.csi.runtime;

import com.google.protobuf.BoolValue;
import io.converged.gluster.csi.v1.GetPluginCapabilitiesRequest;
import io.converged.gluster.csi.v1.GetPluginCapabilitiesResponse;
import io.converged.gluster.csi.v1.GetPluginInfoRequest;
import io.converged.gluster.csi.v1.GetPluginInfoResponse;
import io.converged.gluster.csi.v1.IdentityGrpc;
import io.converged.gluster.csi.v1.PluginCapability;
import io.converged.gluster.csi.v1.ProbeRequest;
import io.converged.gluster.csi.v1.ProbeResponse;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.logging.Logger;

/** The CSI Identity service, the same for controller and node; only capabilities and readiness differ. */
public final class IdentityService extends IdentityGrpc.IdentityImplBase {
    private static final Logger LOG = Logger.getLogger(IdentityService.class.getName());

    private final List<PluginCapability> capabilities;
    private final Readiness readiness;
    private volatile String lastReason = "";

    public IdentityService(List<PluginCapability> capabilities, Readiness readiness) {
        this.capabilities = List.copyOf(capabilities);
        this.readiness = readiness;
    }

    /** The plugin capability a server that serves the Controller service advertises. */
    public static PluginCapability controllerService() {
        return PluginCapability.newBuilder()
                .setService(PluginCapability.Service.newBuilder()
                        .setType(PluginCapability.Service.Type.CONTROLLER_SERVICE))
                .build();
    }

    /** The plugin capability for expansion of volumes while they are in use. */
    public static PluginCapability onlineExpansion() {
        return PluginCapability.newBuilder()
                .setVolumeExpansion(PluginCapability.VolumeExpansion.newBuilder()
                        .setType(PluginCapability.VolumeExpansion.Type.ONLINE))
                .build();
    }

    @Override
    public void getPluginInfo(GetPluginInfoRequest request, StreamObserver<GetPluginInfoResponse> out) {
        out.onNext(GetPluginInfoResponse.newBuilder()
                .setName(Driver.NAME)
                .setVendorVersion(Driver.version())
                .build());
        out.onCompleted();
    }

    @Override
    public void getPluginCapabilities(GetPluginCapabilitiesRequest request,
            StreamObserver<GetPluginCapabilitiesResponse> out) {
        out.onNext(GetPluginCapabilitiesResponse.newBuilder().addAllCapabilities(capabilities).build());
        out.onCompleted();
    }

    @Override
    public void probe(ProbeRequest request, StreamObserver<ProbeResponse> out) {
        Readiness.Status status = readiness.check();
        if (!status.ready() && !status.reason().equals(lastReason)) {
            LOG.warning("not ready: " + status.reason());
        }
        lastReason = status.ready() ? "" : status.reason();
        out.onNext(ProbeResponse.newBuilder().setReady(BoolValue.of(status.ready())).build());
        out.onCompleted();
    }
}
