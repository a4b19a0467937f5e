package io.converged.gluster.controller.peer;

import static org.assertj.core.api.Assertions.assertThat;

import io.converged.gluster.controller.gluster.PoolPeer;
import io.converged.gluster.csi.exec.LocalCommandRunner;
import io.converged.gluster.csi.testing.GlusterPoolExtension;
import io.converged.gluster.csi.testing.LocalGlusterPool;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node cloned from another's disk image: peer 3 starts with peer 2's {@code glusterd.info}, so both
 * answer with one UUID. Forming the pool must see it, say which peers and what to do, keep the clone
 * out (probing it would make gluster take it for peer 2), and, when asked to, give the clone a new
 * UUID itself and then probe it in.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UuidClashIT {
    @RegisterExtension
    static final GlusterPoolExtension POOL = GlusterPoolExtension.unformed(3);

    private static List<Peer> peers() {
        return PeersFile.parse(POOL.pool().peersFileText(), new LocalCommandRunner());
    }

    @Test
    @Order(1)
    void aClonedPeerIsFoundNamedAndNotProbed() throws Exception {
        LocalGlusterPool pool = POOL.pool();
        pool.cloneIdentity(2, 3);
        String uuid = pool.uuid(2).toLowerCase(Locale.ROOT);
        assertThat(pool.uuid(3)).isEqualToIgnoringCase(uuid);

        PoolKeeper keeper = new PoolKeeper(PeersFileSource.of(peers()), new PoolFormation(Duration.ofSeconds(30)),
                Duration.ofHours(1));
        PrometheusRegistry registry = new PrometheusRegistry();
        keeper.register(registry);
        PoolFormation.Report report = keeper.runOnce();

        assertThat(report.clashes()).containsExactly(new UuidClash(uuid, "127.1.9.2", List.of("127.1.9.3")));
        assertThat(report.clashes().get(0).fix()).contains("127.1.9.2 and 127.1.9.3 share the UUID " + uuid,
                "on 127.1.9.3, the one that holds no bricks, run 'gluster system:: uuid reset'");
        assertThat(report.probed()).extracting(Peer::address).containsExactly("127.1.9.2");
        assertThat(report.reset()).isEmpty();
        assertThat(report.complete()).isFalse();
        assertThat(keeper.clashes()).isEqualTo(report.clashes());
        assertThat(scrape(registry)).contains("gluster_csi_peer_uuid_clashes 1.0");
        // The clone was left alone: it still knows no peer, so an operator (or the flag) can reset it.
        assertThat(peers().get(2).gluster().poolList()).singleElement().matches(PoolPeer::self);
        assertThat(peers().get(0).gluster().poolList()).noneMatch(p -> p.knownAs("127.1.9.3"));
    }

    @Test
    @Order(2)
    void withTheFlagTheCloneGetsANewUuidAndJoins() throws Exception {
        LocalGlusterPool pool = POOL.pool();
        String before = pool.uuid(3);
        PoolKeeper keeper = new PoolKeeper(PeersFileSource.of(peers()),
                new PoolFormation(Duration.ofSeconds(30), true), Duration.ofHours(1));
        PrometheusRegistry registry = new PrometheusRegistry();
        keeper.register(registry);
        PoolFormation.Report report = keeper.runOnce();

        assertThat(report.reset()).extracting(Peer::address).containsExactly("127.1.9.3");
        assertThat(report.probed()).extracting(Peer::address).containsExactly("127.1.9.3");
        assertThat(report.clashes()).isEmpty();
        assertThat(report.complete()).isTrue();
        assertThat(pool.uuid(3)).isNotEqualToIgnoringCase(before);
        assertThat(List.of(pool.uuid(1), pool.uuid(2), pool.uuid(3))).doesNotHaveDuplicates();
        assertThat(scrape(registry)).contains("gluster_csi_peer_uuid_clashes 0.0");
        pool.awaitConnected();
        for (Peer peer : peers()) {
            assertThat(peer.gluster().poolList()).hasSize(3).allMatch(PoolPeer::connected);
        }
    }

    private static String scrape(PrometheusRegistry registry) throws Exception {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(text, registry.scrape());
        return text.toString(StandardCharsets.UTF_8);
    }

    /** The peers, as a source the keeper reads. */
    private record PeersFileSource(List<Peer> list) implements PeerSource {
        static PeersFileSource of(List<Peer> peers) {
            return new PeersFileSource(peers);
        }

        @Override
        public List<Peer> peers() {
            return list;
        }

        @Override
        public String describe() {
            return "the test pool's peers";
        }
    }
}
