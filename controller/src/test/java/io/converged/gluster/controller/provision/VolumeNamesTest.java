package io.converged.gluster.controller.provision;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VolumeNamesTest {

    @Test
    void sidecarNamesKeepTheirShape() {
        assertThat(VolumeNames.forRequest("gcs", "pvc-5f0c7b1e-2a6d-4d1b-9a57-0e7c1f2d3b4a"))
                .isEqualTo("gcs-pvc-5f0c7b1e-2a6d-4d1b-9a57-0e7c1f2d3b4a");
    }

    @Test
    void theSameRequestAlwaysGivesTheSameName() {
        assertThat(VolumeNames.forRequest("gcs", "My Claim/../x")).isEqualTo(VolumeNames.forRequest("gcs",
                "My Claim/../x"));
    }

    @Test
    void cleanedNamesCarryAHashSoDifferentRequestsNeverMeet() {
        String a = VolumeNames.forRequest("gcs", "Data");
        String b = VolumeNames.forRequest("gcs", "data");
        assertThat(a).isNotEqualTo(b).matches("gcs-data-[0-9a-f]{10}");
        assertThat(b).isEqualTo("gcs-data");
    }

    @Test
    void hostileNamesBecomeSafeVolumeIds() {
        for (String hostile : new String[] {"../../etc/passwd", "a;rm -rf /", "--force", "$(reboot)", "\n\t",
                "x".repeat(500), "ünïcødé"}) {
            String name = VolumeNames.forRequest("gcs", hostile);
            assertThat(VolumeNames.isValidVolumeId(name)).as(hostile).isTrue();
            assertThat(name).hasSizeLessThanOrEqualTo(VolumeNames.MAX_LENGTH).startsWith("gcs-");
        }
    }

    @Test
    void volumeIdsAreCheckedBeforeUse() {
        assertThat(VolumeNames.isValidVolumeId("gcs-pvc-1")).isTrue();
        assertThat(VolumeNames.isValidVolumeId("-o")).isFalse();
        assertThat(VolumeNames.isValidVolumeId("a/b/c")).isFalse();
        assertThat(VolumeNames.isValidVolumeId("Pool/b")).isFalse();
        assertThat(VolumeNames.isValidVolumeId("pool-1/gcs-pvc-1")).isTrue();
        assertThat(VolumeNames.isDedicatedName("pool-1/gcs-pvc-1")).isFalse();
        assertThat(VolumeNames.isValidVolumeId("")).isFalse();
        assertThat(VolumeNames.isValidVolumeId(null)).isFalse();
        assertThat(VolumeNames.isValidVolumeId("x".repeat(65))).isFalse();
    }
}
