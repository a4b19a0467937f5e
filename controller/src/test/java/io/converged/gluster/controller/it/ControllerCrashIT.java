package io.converged.gluster.controller.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.converged.gluster.controller.gluster.GlusterCli;
import io.converged.gluster.controller.gluster.VolumeInfo;
import io.converged.gluster.controller.provision.Step;
import io.converged.gluster.csi.exec.LocalCommandRunner;
import io.converged.gluster.csi.testing.GlusterPoolExtension;
import io.converged.gluster.csi.testing.LocalGlusterPool;
import io.converged.gluster.csi.v1.CapacityRange;
import io.converged.gluster.csi.v1.CreateVolumeRequest;
import io.converged.gluster.csi.v1.DeleteVolumeRequest;
import io.converged.gluster.csi.v1.Volume;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller jar killed at each step of CreateVolume and DeleteVolume (its fault-injection
 * switch {@code GLUSTER_CSI_CRASH_AT} halts the JVM as SIGKILL would, right after the step), then
 * started again: the call retried as the sidecar would ends with exactly one healthy volume, a
 * DeleteVolume instead leaves nothing on any peer, and a retried DeleteVolume leaves nothing.
 * {@code -Dreliability.rounds=N} repeats every kill N times (default 1).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ControllerCrashIT {
    private static final Logger LOG = Logger.getLogger(ControllerCrashIT.class.getName());

    @RegisterExtension
    static final GlusterPoolExtension POOL = GlusterPoolExtension.formed(3);

    static final String ROOT = "/mnt/brick1";
    private static final long MIB = 1024L * 1024;
    static final List<Step> CREATE_STEPS = List.of(Step.BRICKS_CARVED, Step.VOLUME_CREATED, Step.METADATA_SET,
            Step.STARTED, Step.QUOTA_ENABLED, Step.QUOTA_LIMITED);
    static final List<Step> DELETE_STEPS = List.of(Step.STOPPED, Step.BRICKS_RELEASED, Step.DELETED);
    private static final int ROUNDS = Integer.getInteger("reliability.rounds", 1);

    @TempDir
    static Path dir;

    static Path peersFile;
    static GlusterCli gluster;
    static ControllerJars jars;

    @BeforeAll
    static void pool() throws Exception {
        LocalGlusterPool pool = POOL.pool();
        for (LocalGlusterPool.Peer peer : pool.peers()) {
            Files.createDirectories(pool.peer(peer.index()).local(ROOT));
        }
        peersFile = dir.resolve("peers");
        Files.writeString(peersFile, pool.peersFileText());
        gluster = new GlusterCli(new LocalCommandRunner(), pool.peer(1).cli());
        jars = new ControllerJars(dir, peersFile);
    }

    @AfterAll
    static void figures() {
        System.out.printf("ControllerCrashIT: %d controller kills at a step, %d controller starts, %d round(s)%n",
                jars.kills(), jars.starts(), ROUNDS);
    }

    static CreateVolumeRequest request(String name, int replica) {
        return CreateVolumeRequest.newBuilder().setName(name).addVolumeCapabilities(ControllerIT.RWX)
                .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(24 * MIB))
                .putParameters("replica", Integer.toString(replica))
                .putParameters("csi.storage.k8s.io/pvc/name", name)
                .putParameters("csi.storage.k8s.io/pvc/namespace", "crash")
                .build();
    }

    static DeleteVolumeRequest delete(String id) {
        return DeleteVolumeRequest.newBuilder().setVolumeId(id).build();
    }

    private static void assertPoolEmpty(String after) throws Exception {
        assertThat(PoolAudit.volumes(gluster)).as("volumes after " + after).isEmpty();
        assertThat(PoolAudit.problems(POOL.pool(), gluster, ROOT)).as("leftovers after " + after).isEmpty();
    }

    @Test
    @Order(1)
    void aCreateKilledAtAnyStepIsFinishedByTheRetryIntoExactlyOneHealthyVolume() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            for (Step step : CREATE_STEPS) {
                String name = "crash-c-" + step.name().toLowerCase().replace('_', '-');
                int replica = (step.ordinal() + round) % 2 == 0 ? 3 : 2;
                try (ControllerJars.Controller crashing = jars.start(step)) {
                    crashing.crashOn(() -> crashing.call().createVolume(request(name, replica)));
                }
                String id = "gcs-" + name;
                // Placement picks the peers (a replica 2 need not use peer 1): some peer carved it.
                assertThat(POOL.pool().peers().stream()
                        .anyMatch(peer -> Files.exists(POOL.pool().peer(peer.index()).local(ROOT + "/" + id))))
                        .as("carved before " + step).isTrue();
                try (ControllerJars.Controller restarted = jars.start(null)) {
                    Volume volume = restarted.call().createVolume(request(name, replica)).getVolume();
                    assertThat(volume.getVolumeId()).isEqualTo(id);
                    assertThat(PoolAudit.volumes(gluster)).as("volumes after a kill at " + step).containsExactly(id);
                    VolumeInfo info = gluster.volumeInfo(id).orElseThrow();
                    assertThat(info.replicaCount()).isEqualTo(replica);
                    assertThat(info.options()).containsEntry("user.csi.pvc-name", name)
                            .containsEntry("user.csi.capacity-bytes", Long.toString(24 * MIB));
                    assertThat(PoolAudit.problems(POOL.pool(), gluster, ROOT)).as("after a kill at " + step).isEmpty();
                    // The same call again changes nothing: still exactly one volume, the same one.
                    assertThat(restarted.call().createVolume(request(name, replica)).getVolume()).isEqualTo(volume);
                    assertThat(gluster.volumeInfo(id).orElseThrow().id()).isEqualTo(info.id());
                    restarted.call().deleteVolume(delete(id));
                }
                assertPoolEmpty("the retried create at " + step + " and its delete");
                LOG.info("create killed after " + step + ": retry made one whole volume");
            }
        }
    }

    @Test
    @Order(2)
    void aDeleteInsteadOfTheRetryAfterACreateKilledAtAnyStepLeavesNothing() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            for (Step step : CREATE_STEPS) {
                String name = "crash-d-" + step.name().toLowerCase().replace('_', '-');
                try (ControllerJars.Controller crashing = jars.start(step)) {
                    crashing.crashOn(() -> crashing.call().createVolume(request(name, 3)));
                }
                try (ControllerJars.Controller restarted = jars.start(null)) {
                    restarted.call().deleteVolume(delete("gcs-" + name));
                    restarted.call().deleteVolume(delete("gcs-" + name));
                }
                assertPoolEmpty("a delete of the create killed at " + step);
            }
        }
    }

    @Test
    @Order(3)
    void aDeleteKilledAtAnyStepIsFinishedByTheRetry() throws Exception {
        List<String> done = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            for (Step step : DELETE_STEPS) {
                String name = "crash-x-" + step.name().toLowerCase().replace('_', '-');
                String id = "gcs-" + name;
                try (ControllerJars.Controller plain = jars.start(null)) {
                    plain.call().createVolume(request(name, 3));
                }
                try (ControllerJars.Controller crashing = jars.start(step)) {
                    crashing.crashOn(() -> crashing.call().deleteVolume(delete(id)));
                }
                if (step != Step.DELETED) {
                    assertThat(gluster.volumeInfo(id)).as("the volume is still recorded after a kill at " + step)
                            .isPresent();
                }
                try (ControllerJars.Controller restarted = jars.start(null)) {
                    restarted.call().deleteVolume(delete(id));
                }
                assertPoolEmpty("the retried delete killed at " + step);
                done.add(step.name());
            }
        }
        assertThat(done).hasSize(DELETE_STEPS.size() * ROUNDS);
    }
}
