package io.converged.gluster.csi.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class EndpointTest {

    @Test
    void parsesUnixUrlWithThreeSlashes() {
        Endpoint endpoint = Endpoint.parse("unix:///csi/csi.sock");
        assertThat(endpoint.socket()).isEqualTo(Path.of("/csi/csi.sock"));
        assertThat(endpoint.target()).isEqualTo("unix:///csi/csi.sock");
    }

    @Test
    void parsesUnixUrlWithOneSlash() {
        assertThat(Endpoint.parse("unix:/var/lib/kubelet/plugins/x/csi.sock").socket())
                .isEqualTo(Path.of("/var/lib/kubelet/plugins/x/csi.sock"));
    }

    @Test
    void rejectsTcpEndpoints() {
        assertThatThrownBy(() -> Endpoint.parse("tcp://127.0.0.1:10000"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unix://");
    }

    @Test
    void rejectsAHostPartWhichUsuallyMeansTwoSlashes() {
        assertThatThrownBy(() -> Endpoint.parse("unix://csi/csi.sock"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("three slashes");
    }

    @Test
    void rejectsEmptyAndPlainPaths() {
        assertThatThrownBy(() -> Endpoint.parse("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Endpoint.parse("/csi/csi.sock")).isInstanceOf(IllegalArgumentException.class);
    }
}
