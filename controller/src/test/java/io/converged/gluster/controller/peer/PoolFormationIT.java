package io.converged.gluster.controller.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.converged.gluster.controller.gluster.GlusterException;
import io.converged.gluster.controller.gluster.PoolPeer;
import io.converged.gluster.csi.exec.LocalCommandRunner;
import io.converged.gluster.csi.testing.GlusterPoolExtension;
import io.converged.gluster.csi.testing.LocalGlusterPool;
import java.time.Duration;
import java.util.List;
import java.util.logging.Logger;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Forming the pool from three glusterd that have never been probed, as an operator would by hand. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PoolFormationIT {
    private static final Logger LOG = Logger.getLogger(PoolFormationIT.class.getName());

    @RegisterExtension
    static final GlusterPoolExtension POOL = GlusterPoolExtension.unformed(3);

    private static List<Peer> peers() {
        return PeersFile.parse(POOL.pool().peersFileText(), new LocalCommandRunner());
    }

    @Test
    @Order(1)
    void unprobedPeersAreProbedInAndAllEndConnected() throws Exception {
        List<Peer> peers = peers();
        assertThat(peers.get(1).gluster().poolList()).singleElement().matches(PoolPeer::self);

        long start = System.nanoTime();
        PoolFormation.Report report = new PoolFormation(Duration.ofSeconds(30)).form(peers);
        LOG.info("formed the pool from 3 unprobed peers in " + (System.nanoTime() - start) / 1_000_000 + " ms");

        assertThat(report.anchor()).isEqualTo(peers.get(0));
        assertThat(report.probed()).containsExactly(peers.get(1), peers.get(2));
        assertThat(report.complete()).isTrue();
        assertThat(report.unknownMembers()).isEmpty();
        for (Peer peer : peers) {
            List<PoolPeer> pool = peer.gluster().poolList();
            assertThat(pool).hasSize(3).allMatch(PoolPeer::connected);
        }
    }

    @Test
    @Order(2)
    void formingAFormedPoolProbesNothing() throws Exception {
        PoolFormation.Report report = new PoolFormation().form(peers());

        assertThat(report.probed()).isEmpty();
        assertThat(report.complete()).isTrue();
    }

    @Test
    @Order(3)
    void aDisconnectedPeerIsReportedAndNeverDetached() throws Exception {
        LocalGlusterPool pool = POOL.pool();
        List<Peer> peers = peers();
        pool.stopGlusterd(3);
        try {
            long deadline = System.nanoTime() + 15_000_000_000L;
            PoolFormation.Report report;
            do {
                report = new PoolFormation().form(peers);
                Thread.sleep(100);
            } while (report.disconnected().isEmpty() && System.nanoTime() < deadline);

            assertThat(report.disconnected()).containsExactly("127.1.9.3");
            assertThat(report.failed()).containsOnlyKeys("127.1.9.3");
            assertThat(report.probed()).isEmpty();
            assertThat(report.complete()).isFalse();
            assertThat(peers.get(0).gluster().poolList()).anyMatch(p -> p.knownAs("127.1.9.3"));
        } finally {
            pool.startGlusterd(3);
            pool.awaitConnected();
        }
        assertThat(new PoolFormation().form(peers).complete()).isTrue();
    }

    @Test
    @Order(4)
    void noAnsweringPeerIsGlusterdUnreachable() {
        List<Peer> nowhere = PeersFile.parse("127.1.9.200 " + POOL.pool().dir().resolve("none.sock") + " /\n",
                new LocalCommandRunner());
        assertThatThrownBy(() -> new PoolFormation().form(nowhere)).isInstanceOf(GlusterException.class)
                .hasFieldOrPropertyWithValue("kind", GlusterException.Kind.GLUSTERD_UNREACHABLE);
    }
}
