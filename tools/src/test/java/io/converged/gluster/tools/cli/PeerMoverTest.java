package io.converged.gluster.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.converged.gluster.csi.admin.v1.AdminGrpc;
import io.converged.gluster.csi.admin.v1.DetachPeerRequest;
import io.converged.gluster.csi.admin.v1.MoveBrickRequest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PeerMoverTest {
    @TempDir
    Path dir;
    private FakeController controller;
    private Target.Connection connection;
    private final StringWriter progress = new StringWriter();
    private final List<Duration> slept = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        controller = FakeController.on(dir.resolve("c.sock"));
        connection = Target.parse(controller.url()).open();
    }

    @AfterEach
    void stop() throws Exception {
        connection.close();
        controller.close();
    }

    private PeerMover mover(Duration healTimeout) {
        return new PeerMover(() -> AdminGrpc.newBlockingStub(connection.channel()), new PrintWriter(progress, true),
                healTimeout, Duration.ofSeconds(2), slept::add);
    }

    @Test
    void everyVolumeIsMovedAndFollowedUntilHealedAndAnEarlierMoveIsFollowedToo() throws Exception {
        controller.admin.pendingPolls = 2;
        PeerMover.Outcome outcome = mover(Duration.ofHours(1)).run(FakeAdmin.OLD, Optional.empty(), false);

        assertThat(outcome.complete()).isTrue();
        assertThat(outcome.detached()).isFalse();
        assertThat(outcome.rows()).extracting(PeerMover.Row::volume, PeerMover.Row::result)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("gcs-old", PeerMover.MOVED_BEFORE),
                        org.assertj.core.groups.Tuple.tuple("gcs-a", PeerMover.MOVED),
                        org.assertj.core.groups.Tuple.tuple("shared", PeerMover.MOVED));
        assertThat(outcome.rows().get(1).moveSeconds()).isEqualTo(3.25);
        assertThat(outcome.rows().get(1).columns()).containsEntry("moveSeconds", 3.3);
        assertThat(controller.admin.requests(MoveBrickRequest.class)).extracting(MoveBrickRequest::getVolume)
                .containsExactly("gcs-a", "shared");
        assertThat(progress.toString()).contains(
                "peer 10.0.0.3 (disconnected): 2 brick(s) to move, 1 moved before, 0 refused",
                "[1/3] gcs-old: moved to 10.0.0.4 by an earlier run; following its heal",
                "[2/3] gcs-a (dedicated, replica 3 arbiter 1): moving 10.0.0.3:/mnt/brick1/gcs-a/brick to 10.0.0.4",
                "[2/3] gcs-a: replaced by 10.0.0.4:/mnt/brick1/gcs-a/brick in 3.3 s; healing",
                "[2/3] gcs-a: healing, 6 entries left", "[2/3] gcs-a: healing, 5 entries left",
                "[2/3] gcs-a: healed in");
        assertThat(slept).hasSize(6).allMatch(d -> d.equals(Duration.ofSeconds(2)));
        assertThat(controller.admin.requests(DetachPeerRequest.class)).isEmpty();
    }

    @Test
    void aDrainDetachesThePeerOnlyOnceItHoldsNothing() throws Exception {
        PeerMover.Outcome done = mover(Duration.ofHours(1)).run(FakeAdmin.OLD, Optional.empty(), true);
        assertThat(done.complete()).isTrue();
        assertThat(done.detached()).isTrue();
        assertThat(progress.toString()).contains("detached 10.0.0.3 from the trusted storage pool");

        controller.admin.refuseOne = true;
        PeerMover.Outcome stuck = mover(Duration.ofHours(1)).run(FakeAdmin.OLD, Optional.empty(), true);
        assertThat(stuck.complete()).isFalse();
        assertThat(stuck.detached()).isFalse();
        assertThat(stuck.rows()).filteredOn(r -> r.volume().equals("gcs-stuck")).singleElement()
                .extracting(PeerMover.Row::result, PeerMover.Row::reason)
                .containsExactly(PeerMover.REFUSED, "brick(s) 10.0.0.2 are offline too");
        assertThat(controller.admin.requests(DetachPeerRequest.class)).hasSize(1);
    }

    @Test
    void aVolumeAnotherCallHoldsIsTriedAgainAndOneThatFailsIsReportedWhileTheRestGoOn() throws Exception {
        controller.admin.busy.add("gcs-a");
        controller.admin.failing.add("shared");
        PeerMover.Outcome outcome = mover(Duration.ofHours(1)).run(FakeAdmin.OLD, Optional.empty(), false);

        assertThat(controller.admin.requests(MoveBrickRequest.class)).extracting(MoveBrickRequest::getVolume)
                .startsWith("gcs-a", "gcs-a", "shared");
        assertThat(slept).contains(Duration.ofSeconds(3));
        assertThat(outcome.complete()).isFalse();
        assertThat(outcome.rows()).filteredOn(r -> r.volume().equals("shared")).singleElement()
                .extracting(PeerMover.Row::result, PeerMover.Row::reason)
                .containsExactly(PeerMover.FAILED, "FAILED_PRECONDITION: cannot");
        assertThat(progress.toString()).contains("planned again: 1 more volume(s) on 10.0.0.3");
    }

    @Test
    void aHealThatTakesLongerThanTheTimeoutIsLeftForTheNextRun() throws Exception {
        controller.admin.pendingPolls = 1_000_000;
        PeerMover.Outcome outcome = mover(Duration.ofNanos(1)).run(FakeAdmin.OLD, Optional.empty(), false);
        assertThat(outcome.complete()).isFalse();
        assertThat(outcome.rows()).allMatch(r -> r.result().equals(PeerMover.HEAL_UNFINISHED));
        assertThat(progress.toString()).contains("still healing after 0 s; going on (run again to follow it)");
    }
}
