package io.converged.gluster.controller.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.converged.gluster.controller.gluster.GlusterCli;
import io.converged.gluster.controller.gluster.GlusterException;
import io.converged.gluster.controller.gluster.PoolPeer;
import io.converged.gluster.csi.exec.LocalCommandRunner;
import io.converged.gluster.csi.testing.GlusterPoolExtension;
import io.converged.gluster.csi.testing.JarProcess;
import io.converged.gluster.csi.testing.LocalGlusterPool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The step the operator used to do by hand: the controller jar, given peers that were never
 * probed, forms the trusted pool by itself, and probes in a peer that appears later.
 */
class ControllerPoolFormationIT {
    @RegisterExtension
    static final GlusterPoolExtension POOL = GlusterPoolExtension.unformed(3);

    @TempDir
    Path dir;

    private static List<PoolPeer> connectedPeers(int index) throws Exception {
        GlusterCli cli = new GlusterCli(new LocalCommandRunner(), POOL.pool().peer(index).cli());
        return cli.poolList().stream().filter(p -> p.connected() && !p.self()).toList();
    }

    /** Polls until the peer sees the others connected; a pool list refused while a probe commits is asked again. */
    private static void awaitConnected(int index, int others, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (connectedPeers(index).size() >= others) {
                    return;
                }
            } catch (GlusterException e) {
                // glusterd answers pool list with opRet -1 and no reason while a peer probe is being committed.
            }
            Thread.sleep(200);
        }
    }

    @Test
    void formsThePoolFromUnprobedPeersAndProbesInAPeerThatAppearsLater() throws Exception {
        LocalGlusterPool pool = POOL.pool();
        assertThat(connectedPeers(1)).isEmpty();
        Path peers = dir.resolve("peers");
        Files.writeString(peers, pool.peer(1).peersFileLine() + "\n" + pool.peer(2).peersFileLine() + "\n");
        Path socket = dir.resolve("controller.sock");
        try (JarProcess controller = JarProcess.start(JarProcess.jar("gluster-csi-controller.jar"),
                dir.resolve("controller.log"), "--endpoint", "unix://" + socket, "--peers-file", peers.toString(),
                "--pool-check-interval", "1")) {
            controller.awaitSocket(socket, Duration.ofSeconds(30));
            awaitConnected(1, 1, Duration.ofSeconds(60));
            assertThat(connectedPeers(1)).extracting(PoolPeer::hostname).containsExactly(pool.peer(2).address());

            // A new storage node's peer appears in discovery: it is probed in without anyone asking.
            Files.writeString(peers, pool.peer(3).peersFileLine() + "\n", java.nio.file.StandardOpenOption.APPEND);
            awaitConnected(1, 2, Duration.ofSeconds(60));
            assertThat(connectedPeers(1)).extracting(PoolPeer::hostname)
                    .containsExactlyInAnyOrder(pool.peer(2).address(), pool.peer(3).address());
            assertThat(controller.output()).contains("probed", "pool complete");
        }
    }
}
