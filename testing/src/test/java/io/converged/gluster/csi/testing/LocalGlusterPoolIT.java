package io.converged.gluster.csi.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.converged.gluster.csi.exec.CommandResult;
import io.converged.gluster.csi.exec.LocalCommandRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The test pool itself: it forms, it survives a peer going down and coming back. */
class LocalGlusterPoolIT {
    private static final Logger LOG = Logger.getLogger(LocalGlusterPoolIT.class.getName());

    @RegisterExtension
    static final GlusterPoolExtension POOL = GlusterPoolExtension.formed(3);

    @Test
    void everyPeerSeesTheOthersConnected() {
        LocalGlusterPool pool = POOL.pool();
        LOG.info("pool start took " + POOL.startMillis() + " ms");
        for (LocalGlusterPool.Peer peer : pool.peers()) {
            CommandResult list = pool.gluster(peer.index(), "pool", "list");
            assertThat(list.succeeded()).as(list.message()).isTrue();
            assertThat(list.stdout().lines().filter(l -> l.contains("Connected"))).hasSize(3);
            assertThat(peer.address()).isEqualTo("127.1.9." + peer.index());
            assertThat(Files.isDirectory(peer.brickPrefix())).isTrue();
            assertThat(peer.cli()).contains("--glusterd-sock=" + peer.glusterdSocket());
        }
    }

    @Test
    void aKilledGlusterdShowsDisconnectedAndComesBackConnected() throws Exception {
        LocalGlusterPool pool = POOL.pool();
        pool.killGlusterd(3);
        String list;
        try {
            list = awaitDisconnected(pool);
            assertThat(pool.gluster(3, "pool", "list").succeeded()).isFalse();
        } finally {
            long start = System.nanoTime();
            pool.startGlusterd(3);
            pool.awaitConnected();
            LOG.info("glusterd restart and reconnect took " + (System.nanoTime() - start) / 1_000_000 + " ms");
        }
        assertThat(list).contains("Disconnected");
        assertThat(pool.gluster(1, "pool", "list").stdout()).doesNotContain("Disconnected");
    }

    /** Left on purpose: teardown must stop and delete the volume and unmount it, the extension then checks. */
    @Test
    void aMountedStartedVolumeIsLeftForTeardown() throws Exception {
        LocalGlusterPool pool = POOL.pool();
        List<String> bricks = new ArrayList<>();
        for (LocalGlusterPool.Peer peer : pool.peers()) {
            Path brick = peer.local("/mnt/brick1/left/brick");
            Files.createDirectories(brick);
            bricks.add(peer.address() + ":" + brick);
        }
        List<String> create = new ArrayList<>(List.of("volume", "create", "left", "replica", "3"));
        create.addAll(bricks);
        create.add("force");
        assertThat(pool.gluster(1, create.toArray(String[]::new)).succeeded()).isTrue();
        assertThat(pool.gluster(1, "volume", "start", "left").succeeded()).isTrue();
        Path mnt = pool.scratchDir("mnt-left");
        CommandResult mount = new LocalCommandRunner().run(List.of("mount", "-t", "glusterfs", "127.1.9.1:/left",
                mnt.toString()), Duration.ofSeconds(30));
        assertThat(mount.succeeded()).as(mount.message()).isTrue();
        Files.writeString(mnt.resolve("file"), "kept until teardown");
        assertThat(LocalGlusterPool.leftoverMounts()).anyMatch(m -> m.contains(mnt.toString()));
        assertThat(LocalGlusterPool.leftoverProcesses()).anyMatch(p -> p.contains("glusterfsd"));
    }

    private static String awaitDisconnected(LocalGlusterPool pool) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        String list = "";
        while (System.nanoTime() < deadline) {
            list = pool.gluster(1, "pool", "list").stdout();
            if (list.contains("Disconnected")) {
                break;
            }
            Thread.sleep(50);
        }
        return list;
    }
}
