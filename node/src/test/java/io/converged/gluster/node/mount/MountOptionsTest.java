package io.converged.gluster.node.mount;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class MountOptionsTest {

    @Test
    void acceptsKnownGlusterFuseOptionsAndSplitsCommaSeparatedFlags() throws Exception {
        MountOptions options = MountOptions.parse(List.of("acl,noatime", " log-level=WARNING ", "",
                "attribute-timeout=0.5", "use-readdirp=no", "ro", "oom-score-adj=-999"));
        assertThat(options.asList()).containsExactly("acl", "noatime", "log-level=WARNING", "attribute-timeout=0.5",
                "use-readdirp=no", "ro", "oom-score-adj=-999");
        assertThat(options.toString()).isEqualTo("acl,noatime,log-level=WARNING,attribute-timeout=0.5,use-readdirp=no,"
                + "ro,oom-score-adj=-999");
    }

    @ParameterizedTest
    @ValueSource(strings = {"log-file=/tmp/x", "backup-volfile-servers=evil", "backupvolfile-server=h",
            "subdir-mount=dir", "volume-id=other", "xlator-option=a.b=c", "fuse-mountopts=x", "dump-fuse=/etc/x",
            "process-name=x", "no-such-option", "defaults", "log-level=LOUD", "entry-timeout=1 --volfile=x",
            "lru-limit=-1", "transport=unix", "ACL", "Log-Level=INFO", "direct-io-mode=", "acl=yes", "uid=0"})
    void refusesOptionsThatAreUnknownReservedOrMalformed(String option) {
        assertThatThrownBy(() -> MountOptions.parse(List.of("acl", option)))
                .isInstanceOfSatisfying(MountException.class,
                        e -> assertThat(e.reason()).isEqualTo(MountException.Reason.INVALID))
                .hasMessageContaining(option.trim())
                .hasMessageNotContaining("acl,");
    }

    @Test
    void namesEveryRefusedOption() {
        assertThatThrownBy(() -> MountOptions.parse(List.of("bogus1,acl", "bogus2")))
                .hasMessageContaining("bogus1, bogus2");
    }

    @Test
    void equalOptionListsAreEqual() throws Exception {
        assertThat(MountOptions.parse(List.of("acl"))).isEqualTo(MountOptions.parse(List.of(" acl")))
                .hasSameHashCodeAs(MountOptions.parse(List.of("acl")))
                .isNotEqualTo(MountOptions.none());
    }
}
