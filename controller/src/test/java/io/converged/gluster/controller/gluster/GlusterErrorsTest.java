package io.converged.gluster.controller.gluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every failure captured from gluster 10.3 maps to the kind a caller can act on. */
class GlusterErrorsTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "create-exists.xml, VOLUME_EXISTS",
        "info-notfound.xml, VOLUME_NOT_FOUND",
        "delete-notfound.xml, VOLUME_NOT_FOUND",
        "create-brick-in-use.xml, BRICK_IN_USE",
        "create-peer-down.xml, PEER_NOT_CONNECTED",
        "delete-peer-down.xml, PEER_NOT_CONNECTED",
        "probe-unreachable.xml, PEER_NOT_CONNECTED",
        "lock-another-transaction.xml, LOCK_CONTENTION",
        "start-already.xml, ALREADY_STARTED",
        "stop-stopped.xml, NOT_STARTED",
        "status-stopped.xml, NOT_STARTED",
        "quota-enable-stopped.xml, NOT_STARTED",
        "quota-list-stopped.xml, NOT_STARTED",
        "delete-started.xml, STILL_STARTED",
        "quota-enable-again.xml, QUOTA_ALREADY_ENABLED",
        "quota-list-disabled.xml, QUOTA_DISABLED",
        "limit-disabled.xml, QUOTA_DISABLED",
        "set-bad-key.xml, OTHER",
        "create-no-brick-dir.xml, OTHER",
    })
    void capturedFailuresAreClassified(String file, GlusterException.Kind kind) throws Exception {
        GlusterXml.Envelope envelope = GlusterXmlTest.envelope(file);
        assertThat(envelope.succeeded()).isFalse();
        GlusterException e = GlusterErrors.classify(envelope.opErrstr(), envelope.opErrno(), "gluster x");
        assertThat(e.kind()).isEqualTo(kind);
        assertThat(e.getMessage()).startsWith("gluster x: ").contains(envelope.opErrstr().strip());
    }

    @Test
    void typedKindsComeAsTheirOwnClasses() {
        assertThat(GlusterErrors.classify("Volume v already exists", 0, "c")).isInstanceOf(GlusterException.class)
                .hasFieldOrPropertyWithValue("kind", GlusterException.Kind.VOLUME_EXISTS);
        assertThat(GlusterErrors.classify("Volume v does not exist", 0, "c"))
                .isInstanceOf(GlusterException.class)
                .hasFieldOrPropertyWithValue("kind", GlusterException.Kind.VOLUME_NOT_FOUND);
        assertThat(GlusterErrors.classify("Brick: h:/b not available. Brick may be containing or be contained by an "
                + "existing brick.", 0, "c")).isInstanceOf(GlusterException.class)
                        .hasFieldOrPropertyWithValue("kind", GlusterException.Kind.BRICK_IN_USE);
        assertThat(GlusterErrors.classify("Host 10.0.0.3 not connected", 0, "c"))
                .isInstanceOf(GlusterException.class)
                .hasFieldOrPropertyWithValue("kind", GlusterException.Kind.PEER_NOT_CONNECTED);
        assertThat(GlusterErrors.classify("Another transaction is in progress for v. Please try again after some "
                + "time.", 30800, "c")).isInstanceOf(GlusterException.class)
                        .hasFieldOrPropertyWithValue("kind", GlusterException.Kind.LOCK_CONTENTION);
        assertThat(GlusterErrors.classify("Locking failed on 127.1.9.2. Please check log file for details.", 0, "c"))
                .isInstanceOf(GlusterException.class)
                .hasFieldOrPropertyWithValue("kind", GlusterException.Kind.LOCK_CONTENTION);
        assertThat(GlusterErrors.classify(GlusterXmlTest.resource("unreachable.txt"), 0, "c"))
                .isInstanceOf(GlusterException.class)
                .hasFieldOrPropertyWithValue("kind", GlusterException.Kind.GLUSTERD_UNREACHABLE);
        assertThat(GlusterErrors.classify("Error : Request timed out", 0, "c"))
                .isInstanceOf(GlusterException.class)
                .hasFieldOrPropertyWithValue("kind", GlusterException.Kind.GLUSTERD_UNREACHABLE);
    }

    @Test
    void aTransactionThatFailedOnAnotherPeerIsRetryableNotNotFound() {
        // Both seen with a glusterd killed and restarted during a burst of creates (ControllerStormIT).
        assertThat(GlusterErrors.kindOf("Commit failed on 127.1.9.2. Please check log file for details."))
                .isEqualTo(GlusterException.Kind.PEER_NOT_CONNECTED);
        assertThat(GlusterErrors.kindOf("Staging failed on 127.1.9.2. Error: Volume gcs-b does not exist"))
                .isEqualTo(GlusterException.Kind.PEER_NOT_CONNECTED);
        // The mgmt_v3 transactions (volume start, quota) name their phases so; seen on volume start right after
        // peer 2's glusterd came back, before it had the volume.
        assertThat(GlusterErrors.kindOf("Pre Validation failed on 127.1.9.2. Volume gcs-b does not exist"))
                .isEqualTo(GlusterException.Kind.PEER_NOT_CONNECTED);
        assertThat(GlusterErrors.kindOf("Post Validation failed on 127.1.9.2. Please check log file for details."))
                .isEqualTo(GlusterException.Kind.PEER_NOT_CONNECTED);
        // But a state another peer has already is that state: seen on volume start while peer 1 had it stopped.
        assertThat(GlusterErrors.kindOf("Pre Validation failed on 127.1.9.2. Volume gcs-b already started"))
                .isEqualTo(GlusterException.Kind.ALREADY_STARTED);
        assertThat(GlusterErrors.kindOf("Pre Validation failed on 127.1.9.2. Quota is already enabled"))
                .isEqualTo(GlusterException.Kind.QUOTA_ALREADY_ENABLED);
        assertThat(GlusterErrors.kindOf("Volume gcs-b does not exist"))
                .isEqualTo(GlusterException.Kind.VOLUME_NOT_FOUND);
    }

    @Test
    void anOptionThatDoesNotExistIsNotAMissingVolume() {
        assertThat(GlusterErrors.kindOf("option : no.such.option does not exist")).isEqualTo(
                GlusterException.Kind.OTHER);
    }

    @Test
    void silenceIsStillAnError() {
        GlusterException e = GlusterErrors.classify("", 0, "gluster volume stop v");
        assertThat(e.kind()).isEqualTo(GlusterException.Kind.OTHER);
        assertThat(e.getMessage()).contains("gave no reason");
    }
}
