package io.converged.gluster.controller.provision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.converged.gluster.controller.gluster.GlusterNames;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VolumeMetadataTest {
    /** Names the CSI spec allows that once reached gluster raw, or could break a value. */
    static final List<String> HOSTILE_NAMES = List.of("--force", "-o", "-", "a=b", "a,b", "a b", "'quoted'",
            "\"double\"", "é-ü-名前", "x".repeat(128), "é".repeat(200), "pvc=1,2 3;'x'", "+plus", "%41", "a%",
            " leading space", "trailing space ", "-=,\"' é");

    @Test
    void everyNameTheSpecAllowsIsStoredAsAValueTheGuardAcceptsAndReadsBackAsItWas() {
        for (String name : HOSTILE_NAMES) {
            String stored = VolumeMetadata.requestNameValue(name);
            assertThatCode(() -> GlusterNames.requireOptionValue(stored)).as(name).doesNotThrowAnyException();
            Map<String, String> options = Map.of(VolumeMetadata.REQUEST_NAME, stored);
            assertThat(VolumeMetadata.requestName(options)).as(stored).isEqualTo(name);
            assertThat(VolumeMetadata.madeFor(options, name)).as(name).isTrue();
        }
    }

    @Test
    void namesStoredBeforeLeadingDashesWereEncodedStillCompareEqual() {
        for (String name : List.of("pvc-0f3a-11ee", "csi-sanity-name_1.2", "a-b")) {
            assertThat(VolumeMetadata.requestNameValue(name)).isEqualTo(name);
        }
        assertThat(VolumeMetadata.requestNameValue("--force")).isEqualTo("%2D-force");
        assertThat(VolumeMetadata.madeFor(Map.of(VolumeMetadata.REQUEST_NAME, "pvc-1"), "pvc-2")).isFalse();
    }
}
