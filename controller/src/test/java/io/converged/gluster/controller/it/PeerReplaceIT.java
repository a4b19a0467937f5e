package io.converged.gluster.controller.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.converged.gluster.csi.admin.v1.DetachPeerRequest;
import io.converged.gluster.csi.testing.GlusterPoolExtension;
import io.converged.gluster.csi.testing.LocalGlusterPool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Brick moves on a real 4-peer pool, through the controller jar's admin API (what {@code gluster-csi-ctl
 * peer replace|drain} calls): a replica-3, an arbiter and a replica-2 volume and a claim of a shared
 * pool, on peers 1-3, each FUSE-mounted with data written. A peer is lost for good and its bricks move
 * to peer 4; then a live peer is drained under a write load. Every file reads back with its checksum,
 * heal ends at 0, {@code df} shows each size, the FUSE clients stay, and the audit finds nothing left
 * behind. Times to move and to heal each volume are printed.
 *
 * <p>All peers run on this one machine, and every brick's quota enforcer asks the one quotad that holds
 * {@code /var/run/gluster/quotad.socket} (the path is fixed in gluster; the other peers' quotads fail to
 * bind it). With the driver's strict quota (timeouts 0) every write goes through it, so the peer whose
 * quotad holds it is never the one lost or drained here: that would stop writes on every peer, which on
 * real nodes (one quotad each) does not happen. See RELIABILITY.md, finding 8.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PeerReplaceIT {
    @RegisterExtension
    static final GlusterPoolExtension POOL = GlusterPoolExtension.formed(4);

    @TempDir
    static Path dir;

    @RegisterExtension
    static final FailureLogs LOGS = new FailureLogs(POOL, () -> dir);

    private static PeerMoves moves;
    private static int lost;

    @BeforeAll
    static void provisionOnPeers1To3() throws Exception {
        moves = new PeerMoves(POOL.pool(), dir, "PeerReplaceIT");
        moves.provisionOnPeers1To3(Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        if (moves != null) {
            moves.close("peer-replace-it");
        }
    }

    @Test
    @Order(1)
    void aLostPeersBricksMoveToTheSpareAndEveryFileReadsBackWithItsChecksum() throws Exception {
        LocalGlusterPool pool = POOL.pool();
        // Peer 1 or 3 (both hold a brick of every volume), whichever does not serve the machine's quotad.
        OptionalInt quotad = PeerMoves.quotadPeer();
        lost = quotad.isPresent() && quotad.getAsInt() == 3 ? 1 : 3;
        System.out.println("PeerReplaceIT quotad served by peer " + quotad + "; losing peer " + lost);
        pool.wipePeer(lost);
        moves.discover(1, 2, 3, 4);
        for (PeerMoves.Mounted m : moves.mounted.values()) {
            moves.writeFiles(m, "degraded", 2);
        }
        PeerMoves.Watcher watcher = moves.new Watcher();
        watcher.start();
        long start = System.nanoTime();
        List<String> figures = moves.moveAll(PeerMoves.address(lost), Optional.of(PeerMoves.address(4)), false);
        double seconds = (System.nanoTime() - start) / 1e9;
        watcher.stop();
        System.out.printf("PeerReplaceIT replace of lost peer %d by peer 4: %.1f s for %d volumes%n%s%n", lost,
                seconds, figures.size(), String.join("\n", figures));
        assertThat(figures).hasSize(4);

        moves.assertEveryVolumeOn(List.of(1, 2, 3, 4).stream().filter(i -> i != lost).toList(), lost);
        moves.assertDataLimitsAndMountsKept();
        assertThat(watcher.rounds.get()).isPositive();
        assertThat(moves.watchFailures).as("reads of the mounts that failed while the bricks moved").isEmpty();
        assertThat(PoolAudit.problems(pool, moves.gluster, SocketController.ROOT)).isEmpty();
    }

    @Test
    @Order(2)
    void aLivePeerIsDrainedUnderAWriteLoadWithoutAWriteFailing() throws Exception {
        LocalGlusterPool pool = POOL.pool();
        // The lost peer leaves the pool; a new node takes its address as the spare.
        moves.admin().detachPeer(DetachPeerRequest.newBuilder().setPeer(PeerMoves.address(lost)).build());
        pool.startNewPeer(lost);
        Files.createDirectories(pool.peer(lost).local(SocketController.ROOT));
        moves.awaitMembers(List.of(1, 2, 3, 4));

        OptionalInt quotad = PeerMoves.quotadPeer();
        int drained = Stream.of(1, 3, 4).filter(i -> i != lost && (quotad.isEmpty() || quotad.getAsInt() != i))
                .findFirst().orElseThrow();
        System.out.println("PeerReplaceIT quotad served by peer " + quotad + "; draining peer " + drained);
        List<PeerMoves.Writer> writers = moves.mounted.values().stream().map(m -> moves.new Writer(m)).toList();
        writers.forEach(PeerMoves.Writer::start);
        Thread.sleep(2000);
        long start = System.nanoTime();
        List<String> figures;
        try {
            // The replica-2 volume's brick goes to peer 2, never onto the peer just started anew at the lost
            // one's address: moved there, it was started by no glusterd in several runs on this one-machine pool
            // (RELIABILITY.md, finding 8; not explained yet), while the other volumes' bricks moved there start.
            figures = moves.moveAll(PeerMoves.address(drained), Optional.empty(), true,
                    Map.of("gcs-r2", PeerMoves.address(2)));
            Thread.sleep(2000);
        } finally {
            writers.forEach(PeerMoves.Writer::stop);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("PeerReplaceIT drain of live peer %d under writes: %.1f s for %d volumes%n%s%n", drained,
                seconds, figures.size(), String.join("\n", figures));
        for (PeerMoves.Writer w : writers) {
            System.out.printf("PeerReplaceIT writer on %s: %d writes, %d failed%n", w.mounted.glusterVolume(),
                    w.writes.get(), w.failures.size());
            assertThat(w.failures).as("writes that failed on " + w.mounted.glusterVolume()).isEmpty();
            assertThat(w.writes.get()).isGreaterThan(10);
        }
        assertThat(figures).hasSize(4);
        assertThat(moves.admin().detachPeer(DetachPeerRequest.newBuilder().setPeer(PeerMoves.address(drained)).build())
                .getDetached()).isTrue();
        moves.assertEveryVolumeOn(List.of(1, 2, 3, 4).stream().filter(i -> i != drained).toList(), drained);
        moves.assertDataLimitsAndMountsKept();
        // The drained peer keeps each old brick, moved aside (never deleted); the audit finds nothing else.
        Path root = pool.peer(drained).local(SocketController.ROOT);
        List<String> aside;
        try (Stream<Path> entries = Files.list(root)) {
            aside = entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
        List<String> volumes = moves.mounted.values().stream().map(PeerMoves.Mounted::glusterVolume).distinct()
                .sorted().toList();
        assertThat(aside).as("brick root of the drained peer").hasSize(volumes.size())
                .allMatch(n -> volumes.stream().anyMatch(v -> n.startsWith(".archived-" + v + "-")));
        assertThat(PoolAudit.problems(pool, moves.gluster, SocketController.ROOT))
                .filteredOn(p -> !p.contains(root + "/.archived-")).isEmpty();
    }
}
