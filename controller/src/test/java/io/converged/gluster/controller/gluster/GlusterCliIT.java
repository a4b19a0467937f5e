package io.converged.gluster.controller.gluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.converged.gluster.controller.peer.Peer;
import io.converged.gluster.controller.peer.PeersFile;
import io.converged.gluster.csi.exec.CommandException;
import io.converged.gluster.csi.exec.CommandResult;
import io.converged.gluster.csi.exec.CommandRunner;
import io.converged.gluster.csi.exec.LocalCommandRunner;
import io.converged.gluster.csi.testing.GlusterPoolExtension;
import io.converged.gluster.csi.testing.LocalGlusterPool;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The typed gluster client against a real 3-peer pool. */
class GlusterCliIT {
    private static final Logger LOG = Logger.getLogger(GlusterCliIT.class.getName());

    @RegisterExtension
    static final GlusterPoolExtension POOL = GlusterPoolExtension.formed(3);

    /** Counts the answers that reported lock contention, to show the retries were exercised. */
    private static final AtomicInteger CONTENDED = new AtomicInteger();
    private static List<Peer> peers;
    private static GlusterCli cli;

    @BeforeAll
    static void peers() {
        CommandRunner local = new LocalCommandRunner();
        CommandRunner counting = new CommandRunner() {
            @Override
            public CommandResult run(List<String> argv, Duration timeout) throws CommandException {
                CommandResult result = local.run(argv, timeout);
                if (result.stdout().contains("Another transaction") || result.stdout().contains("Locking failed")) {
                    CONTENDED.incrementAndGet();
                }
                return result;
            }

            @Override
            public String describe() {
                return "local (counting)";
            }
        };
        peers = PeersFile.parse(POOL.pool().peersFileText(), counting);
        cli = peers.get(0).gluster();
    }

    @Test
    void replica2VolumeGoesThroughItsWholeLife() throws Exception {
        lifecycle("life-r2", peers.subList(0, 2), false, false);
    }

    @Test
    void replica3VolumeGoesThroughItsWholeLifeWithQuota() throws Exception {
        lifecycle("life-r3", peers, false, true);
    }

    @Test
    void arbiterVolumeGoesThroughItsWholeLife() throws Exception {
        lifecycle("life-a", peers, true, false);
    }

    private void lifecycle(String name, List<Peer> on, boolean arbiter, boolean quota) throws Exception {
        List<String> bricks = makeBricks(name, on);
        VolumeLayout spec = arbiter ? VolumeLayout.arbiter(name, bricks, true) : VolumeLayout.replica(name, bricks,
                true);

        long create = timed(() -> cli.createVolume(spec));
        VolumeInfo created = cli.volumeInfo(name).orElseThrow();
        assertThat(created.status()).isEqualTo("Created");
        assertThat(created.replicaCount()).isEqualTo(on.size());
        assertThat(created.arbiterCount()).isEqualTo(arbiter ? 1 : 0);
        assertThat(created.bricks()).extracting(Brick::name).containsExactlyElementsOf(bricks);
        assertThat(created.bricks()).extracting(Brick::arbiter)
                .containsExactlyElementsOf(arbiter ? List.of(false, false, true) : on.stream().map(p -> false)
                .toList());
        assertThat(cli.volumeList()).contains(name);

        long start = timed(() -> cli.startVolume(name, false));
        assertThat(cli.volumeInfo(name).orElseThrow().started()).isTrue();
        VolumeStatus status = cli.volumeStatus(name);
        for (Brick brick : created.bricks()) {
            assertThat(status.online(brick)).as("brick %s online", brick.name()).isTrue();
        }

        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("user.csi.request", name + "-request");
        metadata.put("user.csi.pvc", "claim with spaces");
        metadata.put("user.csi.namespace", "default");
        metadata.put("user.csi.capacity", "1073741824");
        metadata.put("user.csi.owner", "glusterfs.converged.io");
        long set = timed(() -> cli.setOptions(name, metadata));
        assertThat(cli.volumeInfo(name).orElseThrow().optionsWithPrefix("user.")).containsExactlyInAnyOrderEntriesOf(
                metadata);

        long quotaMillis = 0;
        if (quota) {
            quotaMillis = timed(() -> {
                cli.quotaEnable(name);
                cli.quotaLimitUsage(name, "/", 1_073_741_824L);
            });
            QuotaLimit limit = cli.quotaList(name, "/").orElseThrow();
            assertThat(limit.hardLimitBytes()).hasValue(1_073_741_824L);
            assertThat(limit.usedBytes()).hasValue(0L);
            cli.quotaEnable(name); // already enabled is success
        }

        long stop = timed(() -> cli.stopVolume(name, false));
        assertThat(cli.volumeInfo(name).orElseThrow().status()).isEqualTo("Stopped");
        long delete = timed(() -> cli.deleteVolume(name));
        assertThat(cli.volumeInfo(name)).isEmpty();
        assertThat(cli.volumeList()).doesNotContain(name);
        LOG.info(String.format("%s: create %d ms, start %d ms, set 5 options %d ms, quota enable+limit %d ms, "
                + "stop %d ms, delete %d ms", name, create, start, set, quotaMillis, stop, delete));
    }

    @Test
    void twentyConcurrentOperationsOnOneVolumeAllSucceedThroughRetries() throws Exception {
        String name = "busy";
        cli.createVolume(VolumeLayout.replica(name, makeBricks(name, peers), true));
        int before = CONTENDED.get();
        List<Callable<Void>> operations = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            int n = i;
            operations.add(() -> {
                cli.setOptions(name, Map.of("user.op" + n, "value-" + n));
                return null;
            });
        }
        long wall = runConcurrently(operations);
        Map<String, String> options = cli.volumeInfo(name).orElseThrow().optionsWithPrefix("user.op");
        assertThat(options).hasSize(20).containsEntry("user.op0", "value-0").containsEntry("user.op19", "value-19");
        int contended = CONTENDED.get() - before;
        LOG.info("20 concurrent option sets on one volume: " + wall + " ms, " + contended
                + " contended answers retried");
        assertThat(contended).as("glusterd refused some of the concurrent calls, and the client retried them")
                .isPositive();
        cli.deleteVolume(name);
    }

    @Test
    void twentyConcurrentCreatesOfDifferentVolumesAllSucceed() throws Exception {
        List<Callable<Void>> creates = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String name = "many-" + i;
            names.add(name);
            List<String> bricks = makeBricks(name, peers);
            creates.add(() -> {
                cli.createVolume(VolumeLayout.replica(name, bricks, true));
                return null;
            });
        }
        long wall = runConcurrently(creates);
        assertThat(cli.volumeList()).containsAll(names);
        List<VolumeInfo> infos = cli.volumeInfoAll();
        assertThat(infos).filteredOn(v -> v.name().startsWith("many-")).hasSize(20)
                .allSatisfy(v -> assertThat(v.replicaCount()).isEqualTo(3));
        List<Callable<Void>> deletes = names.stream().<Callable<Void>>map(n -> () -> {
            cli.deleteVolume(n);
            return null;
        }).toList();
        long deleteWall = runConcurrently(deletes);
        assertThat(cli.volumeList()).doesNotContainAnyElementsOf(names);
        LOG.info("20 concurrent creates: " + wall + " ms; 20 concurrent deletes: " + deleteWall + " ms");
    }

    @Test
    void glusterRefusalsArriveAsTypedExceptions() throws Exception {
        String name = "typed";
        List<String> bricks = makeBricks(name, peers);
        cli.createVolume(VolumeLayout.replica(name, bricks, true));
        assertThatThrownBy(() -> cli.createVolume(VolumeLayout.replica(name, bricks, true)))
                .isInstanceOf(GlusterException.class)
                .hasFieldOrPropertyWithValue("kind", GlusterException.Kind.VOLUME_EXISTS);
        assertThatThrownBy(() -> cli.createVolume(VolumeLayout.replica("other", bricks, true)))
                .isInstanceOf(GlusterException.class)
                .hasFieldOrPropertyWithValue("kind", GlusterException.Kind.BRICK_IN_USE);
        assertThatThrownBy(() -> cli.stopVolume(name, false))
                .isInstanceOf(GlusterException.class)
                .extracting(e -> ((GlusterException) e).kind()).isEqualTo(GlusterException.Kind.NOT_STARTED);
        assertThatThrownBy(() -> cli.setOptions(name, Map.of("no.such.option", "x")))
                .isInstanceOf(GlusterException.class)
                .extracting(e -> ((GlusterException) e).kind()).isEqualTo(GlusterException.Kind.OTHER);
        cli.deleteVolume(name);
        assertThatThrownBy(() -> cli.deleteVolume(name)).isInstanceOf(GlusterException.class)
                .hasFieldOrPropertyWithValue("kind", GlusterException.Kind.VOLUME_NOT_FOUND);
        assertThat(cli.volumeInfo(name)).isEmpty();
        assertThatThrownBy(() -> cli.volumeStatus(name)).isInstanceOf(GlusterException.class)
                .hasFieldOrPropertyWithValue("kind", GlusterException.Kind.VOLUME_NOT_FOUND);
    }

    @Test
    void aPeerWhoseGlusterdIsDownIsReportedAsNotConnected() throws Exception {
        LocalGlusterPool pool = POOL.pool();
        String name = "down";
        List<String> bricks = makeBricks(name, peers);
        pool.stopGlusterd(3);
        try {
            awaitDisconnected();
            assertThatThrownBy(() -> cli.createVolume(VolumeLayout.replica(name, bricks, true)))
                    .isInstanceOf(GlusterException.class)
                    .hasFieldOrPropertyWithValue("kind", GlusterException.Kind.PEER_NOT_CONNECTED);
            assertThatThrownBy(() -> peers.get(2).gluster().poolList())
                    .isInstanceOf(GlusterException.class)
                    .hasFieldOrPropertyWithValue("kind", GlusterException.Kind.GLUSTERD_UNREACHABLE);
        } finally {
            pool.startGlusterd(3);
            pool.awaitConnected();
        }
        assertThat(cli.poolList()).allMatch(PoolPeer::connected);
    }

    @Test
    void aMissingSocketIsGlusterdUnreachable() {
        GlusterCli nowhere = new GlusterCli(new LocalCommandRunner(),
                GlusterCli.localPrefix(POOL.pool().dir().resolve("no.sock"), POOL.pool().dir().resolve("cli.log")));
        assertThatThrownBy(nowhere::volumeList).isInstanceOf(GlusterException.class)
                .hasFieldOrPropertyWithValue("kind", GlusterException.Kind.GLUSTERD_UNREACHABLE)
                .hasMessageContaining("gluster daemon");
    }

    private static void awaitDisconnected() throws Exception {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (cli.poolList().stream().anyMatch(p -> !p.connected())) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("peer 3 never showed as disconnected");
    }

    private static List<String> makeBricks(String volume, List<Peer> on) throws Exception {
        List<String> bricks = new ArrayList<>();
        for (Peer peer : on) {
            String path = "/mnt/brick1/" + volume + "/brick";
            peer.runner().run(List.of("mkdir", "-p", peer.pathOnPeer(path)), Duration.ofSeconds(10))
                    .requireSuccess(peer.runner().describe());
            assertThat(Path.of(peer.pathOnPeer(path))).isDirectory();
            bricks.add(peer.brick(path));
        }
        return bricks;
    }

    private static long timed(ThrowingRunnable action) throws Exception {
        long start = System.nanoTime();
        action.run();
        return (System.nanoTime() - start) / 1_000_000;
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static long runConcurrently(List<Callable<Void>> tasks) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(tasks.size());
        try {
            long start = System.nanoTime();
            List<Future<Void>> futures = threads.invokeAll(tasks);
            for (Future<Void> f : futures) {
                f.get(); // rethrows the first failure
            }
            return (System.nanoTime() - start) / 1_000_000;
        } finally {
            threads.shutdownNow();
        }
    }
}
