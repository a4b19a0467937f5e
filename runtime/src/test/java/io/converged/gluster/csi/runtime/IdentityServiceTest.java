package io.converged.gluster.csi.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.converged.gluster.csi.v1.GetPluginCapabilitiesRequest;
import io.converged.gluster.csi.v1.GetPluginInfoRequest;
import io.converged.gluster.csi.v1.GetPluginInfoResponse;
import io.converged.gluster.csi.v1.IdentityGrpc;
import io.converged.gluster.csi.v1.PluginCapability;
import io.converged.gluster.csi.v1.ProbeRequest;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class IdentityServiceTest {
    private Server server;
    private ManagedChannel channel;
    private final AtomicReference<Readiness.Status> status = new AtomicReference<>(Readiness.Status.READY);

    private IdentityGrpc.IdentityBlockingStub start(List<PluginCapability> capabilities) throws Exception {
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).directExecutor()
                .addService(new IdentityService(capabilities, status::get)).build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        return IdentityGrpc.newBlockingStub(channel);
    }

    @AfterEach
    void stop() {
        if (channel != null) {
            channel.shutdownNow();
            server.shutdownNow();
        }
    }

    @Test
    void pluginInfoNamesTheDriverAndItsVersion() throws Exception {
        GetPluginInfoResponse info = start(List.of()).getPluginInfo(GetPluginInfoRequest.getDefaultInstance());
        assertThat(info.getName()).isEqualTo("glusterfs.converged.io");
        assertThat(info.getVendorVersion()).isEqualTo(Driver.version()).isNotEqualTo("unknown")
                .matches("\\d+\\.\\d+.*");
    }

    @Test
    void capabilitiesAreExactlyWhatTheServerSupplies() throws Exception {
        var stub = start(List.of(IdentityService.controllerService(), IdentityService.onlineExpansion()));
        List<PluginCapability> caps = stub.getPluginCapabilities(GetPluginCapabilitiesRequest.getDefaultInstance())
                .getCapabilitiesList();
        assertThat(caps).hasSize(2);
        assertThat(caps.get(0).getService().getType()).isEqualTo(PluginCapability.Service.Type.CONTROLLER_SERVICE);
        assertThat(caps.get(1).getVolumeExpansion().getType())
                .isEqualTo(PluginCapability.VolumeExpansion.Type.ONLINE);
    }

    @Test
    void nodeWithoutPluginCapabilitiesAnswersAnEmptyList() throws Exception {
        assertThat(start(List.of()).getPluginCapabilities(GetPluginCapabilitiesRequest.getDefaultInstance())
                .getCapabilitiesCount()).isZero();
    }

    @Test
    void probeFollowsTheReadinessCheck() throws Exception {
        var stub = start(List.of());
        assertThat(stub.probe(ProbeRequest.getDefaultInstance()).getReady().getValue()).isTrue();
        status.set(Readiness.Status.notReady("no peer answers"));
        var answer = stub.probe(ProbeRequest.getDefaultInstance());
        assertThat(answer.hasReady()).isTrue();
        assertThat(answer.getReady().getValue()).isFalse();
        status.set(Readiness.Status.READY);
        assertThat(stub.probe(ProbeRequest.getDefaultInstance()).getReady().getValue()).isTrue();
    }
}
