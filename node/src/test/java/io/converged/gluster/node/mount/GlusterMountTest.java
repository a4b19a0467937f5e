package io.converged.gluster.node.mount;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GlusterMountTest {
    private static final Path LOG = Path.of("/var/log/glusterfs/csi/vol1.log");

    @Test
    void theBackupsAreTheOtherServersNeverThePrimary() throws Exception {
        GlusterMount mount = GlusterMount.of("vol1", List.of("127.1.9.1", "127.1.9.2", "127.1.9.1", " 127.1.9.3", ""),
                MountOptions.parse(List.of("acl")), LOG);

        assertThat(mount.source()).isEqualTo("127.1.9.1:/vol1");
        assertThat(mount.backups()).containsExactly("127.1.9.2", "127.1.9.3");
        assertThat(mount.optionString()).isEqualTo("log-file=/var/log/glusterfs/csi/vol1.log,"
                + "backup-volfile-servers=127.1.9.2:127.1.9.3,acl");
    }

    @Test
    void aSharedClaimMountsItsDirectoryOfThePool() throws Exception {
        GlusterMount mount = GlusterMount.of("pool1", "gcs-pvc-1", List.of("127.1.9.1", "127.1.9.2"),
                MountOptions.none(), LOG);

        assertThat(mount.source()).isEqualTo("127.1.9.1:/pool1/gcs-pvc-1");
        assertThat(mount.path()).isEqualTo("pool1/gcs-pvc-1");
        assertThat(GlusterMount.of("vol1", List.of("127.1.9.1"), MountOptions.none(), LOG).path()).isEqualTo("vol1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", "a/b", "/abs", ".hidden", "a b", "-x", "a..b", "x,y", "x:y"})
    void refusesDirectoriesThatAreNotOnePlainName(String directory) {
        assertThatThrownBy(() -> GlusterMount.of("pool1", directory, List.of("127.1.9.1"), MountOptions.none(), LOG))
                .isInstanceOfSatisfying(MountException.class,
                        e -> assertThat(e.reason()).isEqualTo(MountException.Reason.INVALID))
                .hasMessageContaining("directory");
    }

    @Test
    void aSingleServerHasNoBackupOption() throws Exception {
        GlusterMount mount = GlusterMount.of("vol1", List.of("peer-0.example", "peer-0.example"),
                MountOptions.none(), LOG);
        assertThat(mount.optionString()).isEqualTo("log-file=/var/log/glusterfs/csi/vol1.log");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "vol 1", "vol/1", "../etc", "v,ol", "v:ol"})
    void refusesVolumeNamesThatAreNoGlusterNames(String volume) {
        assertThatThrownBy(() -> GlusterMount.of(volume, List.of("127.1.9.1"), MountOptions.none(), LOG))
                .isInstanceOfSatisfying(MountException.class,
                        e -> assertThat(e.reason()).isEqualTo(MountException.Reason.INVALID));
    }

    @ParameterizedTest
    @ValueSource(strings = {"::1", "h1:h2", "-bad", "a..b", "a b", "host,x", "x;rm"})
    void refusesServersThatAreNoHostNames(String server) {
        assertThatThrownBy(() -> GlusterMount.of("vol1", List.of("127.1.9.1", server), MountOptions.none(), LOG))
                .isInstanceOfSatisfying(MountException.class,
                        e -> assertThat(e.reason()).isEqualTo(MountException.Reason.INVALID))
                .hasMessageContaining(server.trim());
    }

    @Test
    void refusesNoServersAndLogFilesThatWouldBreakTheOptionString() {
        assertThatThrownBy(() -> GlusterMount.of("vol1", List.of(" ", ""), MountOptions.none(), LOG))
                .hasMessageContaining("no gluster server");
        assertThatThrownBy(() -> GlusterMount.of("vol1", List.of("h"), MountOptions.none(), Path.of("/a,b/v.log")))
                .hasMessageContaining("client log file");
    }
}
