package io.converged.gluster.controller.peer;

import static org.assertj.core.api.Assertions.assertThat;

import io.converged.gluster.controller.gluster.PoolPeer;
import io.converged.gluster.csi.exec.LocalCommandRunner;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UuidClashTest {
    private static Peer peer(int i) {
        return new Peer("p" + i, "10.0.0." + i, "", "", new LocalCommandRunner(), List.of("gluster",
                "--mode=script"), "/");
    }

    private static List<PoolPeer> alone(String uuid) {
        return List.of(new PoolPeer(uuid, "localhost", List.of("localhost"), true, true));
    }

    @Test
    void peersAnsweringWithOneUuidClashAndThePooledOneKeepsIt() {
        Map<Peer, List<PoolPeer>> pools = new LinkedHashMap<>();
        pools.put(peer(1), alone("AAAA"));
        pools.put(peer(2), alone("bbbb"));
        pools.put(peer(3), alone("BBBB"));
        pools.put(peer(4), alone("cccc"));

        List<UuidClash> byOrder = UuidClash.find(pools, p -> false);
        assertThat(byOrder).containsExactly(new UuidClash("bbbb", "10.0.0.2", List.of("10.0.0.3")));

        List<UuidClash> pooled = UuidClash.find(pools, p -> p.name().equals("p3"));
        assertThat(pooled).containsExactly(new UuidClash("bbbb", "10.0.0.3", List.of("10.0.0.2")));
        assertThat(pooled.get(0).fix()).contains("10.0.0.3 and 10.0.0.2 share the UUID bbbb",
                "on 10.0.0.2, the one that holds no bricks, run 'gluster system:: uuid reset'",
                "--reset-cloned-peer-uuids");
    }

    @Test
    void aPeerWithTheUuidOfAMemberKnownAtAnotherAddressClashesWithThatMember() {
        Map<Peer, List<PoolPeer>> pools = new LinkedHashMap<>();
        List<PoolPeer> anchorPool = List.of(new PoolPeer("aaaa", "localhost", List.of("localhost"), true, true),
                new PoolPeer("dddd", "10.0.0.9", List.of("10.0.0.9"), true, false));
        pools.put(peer(1), anchorPool);
        pools.put(peer(2), alone("dddd"));
        List<UuidClash> clashes = PoolFormation.clashes(pools, p -> p.name().equals("p1"), anchorPool);
        assertThat(clashes).containsExactly(new UuidClash("dddd", "10.0.0.9", List.of("10.0.0.2")));
    }

    @Test
    void distinctUuidsDoNotClash() {
        Map<Peer, List<PoolPeer>> pools = new LinkedHashMap<>();
        pools.put(peer(1), alone("aaaa"));
        pools.put(peer(2), alone("bbbb"));
        assertThat(PoolFormation.clashes(pools, p -> false, pools.get(peer(1)))).isEmpty();
    }
}
