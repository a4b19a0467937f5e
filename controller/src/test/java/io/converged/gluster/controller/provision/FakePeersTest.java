package io.converged.gluster.controller.provision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.converged.gluster.controller.gluster.GlusterCli;
import io.converged.gluster.controller.gluster.GlusterException;
import io.converged.gluster.controller.gluster.GlusterXml;
import io.converged.gluster.controller.gluster.PoolPeer;
import io.converged.gluster.controller.gluster.VolumeInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fake peers answer as gluster 10.3 does: what they build parses as the captured answers do. */
class FakePeersTest {
    private static final String R2_BRICK =
            "/tmp/gluster-csi-test-pool-4386242193161547780/p%d/root/mnt/brick1/v2/brick";

    @Test
    void aBuiltVolumeReadsAsTheCapturedAnswerItImitates() throws Exception {
        VolumeInfo captured = GlusterXml.volumeInfo(GlusterXml.parse(FakePeers.fixture("info-r2.xml"))).get(0);
        FakePeers.Volume built = FakePeers.Volume.named("v2")
                .bricks(List.of("127.1.9.1:" + R2_BRICK.formatted(1), "127.1.9.2:" + R2_BRICK.formatted(2)))
                .option("user.csi.size", "2147483648")
                .option("user.csi.ns", "default")
                .option("user.csi.name", "pvc-a b");

        VolumeInfo read = GlusterXml.volumeInfo(GlusterXml.parse(FakePeers.Volume.info(List.of(built)))).get(0);

        assertThat(read).usingRecursiveComparison().ignoringFields("id", "bricks.hostUuid").isEqualTo(captured);
    }

    @Test
    void thePoolListShowsTheOthersByAddressAndADownPeerDisconnected() throws Exception {
        FakePeers peers = new FakePeers(3).down(3);

        List<PoolPeer> pool = peers.peer(1).gluster().poolList();

        assertThat(pool).filteredOn(PoolPeer::self).hasSize(1);
        assertThat(pool).filteredOn(p -> p.knownAs("10.0.0.2")).singleElement()
                .satisfies(p -> assertThat(p.connected()).isTrue());
        assertThat(pool).filteredOn(p -> p.knownAs("10.0.0.3")).singleElement()
                .satisfies(p -> assertThat(p.connected()).isFalse());
        assertThatThrownBy(() -> peers.peer(3).gluster().poolList()).isInstanceOfSatisfying(GlusterException.class,
                e -> assertThat(e.kind()).isEqualTo(GlusterException.Kind.GLUSTERD_UNREACHABLE));
    }

    @Test
    void aVolumeGlusterDoesNotHaveIsAbsentAndARefusalIsClassified() throws Exception {
        FakePeers peers = new FakePeers(1).when(FakePeers.gluster("volume", "start"),
                FakePeers.refused("Volume gcs-x already started"));
        GlusterCli cli = peers.peer(1).gluster();

        assertThat(cli.volumeInfo("gcs-x")).isEmpty();
        assertThatThrownBy(() -> cli.startVolume("gcs-x", false)).isInstanceOfSatisfying(GlusterException.class,
                e -> assertThat(e.kind()).isEqualTo(GlusterException.Kind.ALREADY_STARTED));
        assertThat(peers.log()).containsExactly("p1: gluster volume info gcs-x", "p1: gluster volume start gcs-x");
        assertThat(peers.writes()).containsExactly("p1: gluster volume start gcs-x");
    }
}
