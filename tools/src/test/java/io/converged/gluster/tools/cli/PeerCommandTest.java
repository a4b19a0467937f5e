package io.converged.gluster.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.converged.gluster.csi.admin.v1.DetachPeerRequest;
import io.converged.gluster.csi.admin.v1.MoveBrickRequest;
import io.converged.gluster.csi.admin.v1.PlanMovesRequest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** {@code gluster-csi-ctl peer ...}, {@code peers} and the pool facts of {@code info}, against a scripted admin API. */
class PeerCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final Ctl ctl = new Ctl(new PrintWriter(out, true), new PrintWriter(err, true));

    @TempDir
    Path dir;
    private FakeController controller;

    @BeforeEach
    void startController() throws Exception {
        controller = FakeController.on(dir.resolve("controller.sock"));
    }

    @AfterEach
    void stopController() throws Exception {
        controller.close();
    }

    private int run(String... args) {
        return ctl.run(args);
    }

    private Map<String, Object> json() {
        return JsonMapper.shared().readValue(out.toString(), new TypeReference<Map<String, Object>>() { });
    }

    @Test
    void replaceMovesEveryBrickAndPrintsASummaryAsJsonWithProgressOnStderr() {
        assertThat(run("--controller", controller.url(), "peer", "replace", FakeAdmin.OLD, "--to", "10.0.0.4", "-o",
                "json")).isZero();
        Map<String, Object> summary = json();
        assertThat(summary).containsEntry("peer", FakeAdmin.OLD).containsEntry("complete", true)
                .doesNotContainKey("detached");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> moves = (List<Map<String, Object>>) summary.get("moves");
        assertThat(moves).extracting(m -> m.get("volume") + " " + m.get("result"))
                .containsExactly("gcs-old moved earlier", "gcs-a moved", "shared moved");
        assertThat(moves.get(1)).containsEntry("moveSeconds", 3.3).containsEntry("from",
                "10.0.0.3:/mnt/brick1/gcs-a/brick").containsEntry("to", "10.0.0.4:/mnt/brick1/gcs-a/brick");
        assertThat(err.toString()).contains("[2/3] gcs-a: healed in");
        assertThat(controller.admin.requests(MoveBrickRequest.class)).allMatch(r -> r.getTo().equals("10.0.0.4")
                && r.getPeer().equals(FakeAdmin.OLD) && !r.getDrain());
    }

    @Test
    void drainMovesThenDetachesAndShowsATable() {
        assertThat(run("--controller", controller.url(), "peer", "drain", FakeAdmin.OLD)).isZero();
        assertThat(out.toString()).startsWith("VOLUME").contains("RESULT", "HEALSECONDS", "gcs-a", "moved");
        assertThat(controller.admin.requests(PlanMovesRequest.class)).allMatch(PlanMovesRequest::getDrain);
        assertThat(controller.admin.requests(DetachPeerRequest.class)).singleElement()
                .extracting(DetachPeerRequest::getPeer).isEqualTo(FakeAdmin.OLD);
    }

    @Test
    void aRunThatLeavesARefusedVolumeExitsOne() {
        controller.admin.refuseOne = true;
        assertThat(run("--controller", controller.url(), "peer", "drain", FakeAdmin.OLD, "-o", "json")).isEqualTo(1);
        assertThat(json()).containsEntry("complete", false).containsEntry("detached", false);
        assertThat(err.toString()).contains("gcs-stuck cannot move: brick(s) 10.0.0.2 are offline too",
                "not detaching 10.0.0.3: it still holds bricks");
        assertThat(controller.admin.requests(DetachPeerRequest.class)).isEmpty();
    }

    @Test
    void aDryRunShowsThePlanAndMovesNothing() {
        assertThat(run("--controller", controller.url(), "peer", "replace", FakeAdmin.OLD, "--dry-run")).isZero();
        assertThat(out.toString()).contains("STATE", "pending", "moved", "gcs-a");
        assertThat(controller.admin.requests(MoveBrickRequest.class)).isEmpty();
    }

    @Test
    void anUnknownPeerIsACallThatFailed() {
        assertThat(run("--controller", controller.url(), "peer", "replace", "10.9.9.9")).isEqualTo(1);
        assertThat(err.toString()).contains("error: NOT_FOUND: no peer 10.9.9.9");
    }

    @Test
    void badUsageCallsNothing() {
        assertThat(run("--controller", controller.url(), "peer", "replace")).isEqualTo(2);
        assertThat(run("--controller", controller.url(), "peer", "drain", "x", "--heal-timeout", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--heal-timeout must be at least 1 second");
        assertThat(controller.admin.requests).isEmpty();
    }

    @Test
    void detachSaysWhetherThePeerLeft() {
        assertThat(run("--controller", controller.url(), "peer", "detach", "10.0.0.9", "-o", "json")).isZero();
        assertThat(json()).containsEntry("peer", "10.0.0.9").containsEntry("detached", true);
    }

    @Test
    void peersListsThePoolAndWarnsOfPeersSharingAUuid() {
        assertThat(run("--controller", controller.url(), "peers")).isZero();
        assertThat(out.toString()).startsWith("ADDRESS").contains("10.0.0.1", "peer-a", "connected",
                "disconnected 95s", "(not discovered)");
        assertThat(err.toString()).contains("warning: peers 10.0.0.5 and 10.0.0.6 share the UUID u5",
                "automatic replacement of lost peers: off");
    }

    @Test
    void infoOfTheControllerShowsPeersThatShareAUuid() {
        assertThat(run("--controller", controller.url(), "info", "-o", "json")).isZero();
        assertThat(out.toString()).contains("\"uuidClashes\": [", "run gluster system:: uuid reset",
                "\"autoReplace\": \"off\"", "\"peers\": \"2 (1 connected)\"");
    }

    @Test
    void aTcpEndpointIsHostAndPortAndAnythingElseIsRefused() {
        assertThat(Target.parse("tcp://127.0.0.1:9810")).isEqualTo(new Target(null, "127.0.0.1", 9810));
        assertThat(Target.parse("tcp://127.0.0.1:9810").toString()).isEqualTo("tcp://127.0.0.1:9810");
        assertThatThrownBy(() -> Target.parse("tcp://127.0.0.1")).hasMessageContaining("tcp://HOST:PORT");
        assertThatThrownBy(() -> Target.parse("http://x")).hasMessageContaining("(or tcp://HOST:PORT)");
    }
}
