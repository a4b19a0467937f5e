package io.converged.gluster.controller.provision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.converged.gluster.csi.runtime.CsiException;
import io.grpc.Status;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class StorageClassParametersTest {

    @Test
    void defaultsWhenNothingIsGiven() throws CsiException {
        StorageClassParameters p = StorageClassParameters.parse(Map.of());
        assertThat(p.replica()).isEqualTo(3);
        assertThat(p.arbiter()).isFalse();
        assertThat(p.brickRoot()).isEqualTo("/mnt/brick1");
        assertThat(p.volumeNamePrefix()).isEqualTo("gcs");
        assertThat(p.volumeOptions()).isEmpty();
        assertThat(p.spread()).isEqualTo(Spread.ZONE_PREFERRED);
        assertThat(p.allocatesGid()).isFalse();
        assertThat(p.onDelete()).isEqualTo(OnDelete.DELETE);
        assertThat(p.pvcName()).isEmpty();
    }

    @Test
    void everyParameterIsRead() throws CsiException {
        StorageClassParameters p = StorageClassParameters.parse(Map.ofEntries(
                Map.entry("replica", "3"), Map.entry("arbiter", "true"), Map.entry("brickRoot", "/mnt/brick2/"),
                Map.entry("volumeNamePrefix", "db"),
                Map.entry("volumeOptions", "performance.cache-size=64MB, network.ping-timeout=10"),
                Map.entry("spread", "kubernetes.io/hostname"), Map.entry("gidMin", "40000"),
                Map.entry("gidMax", "40100"), Map.entry("onDelete", "archive"),
                Map.entry("csi.storage.k8s.io/pvc/name", "data"),
                Map.entry("csi.storage.k8s.io/pvc/namespace", "shop"),
                Map.entry("csi.storage.k8s.io/pv/name", "pvc-1234"),
                Map.entry("csi.storage.k8s.io/fstype", "ext4")));
        assertThat(p.arbiter()).isTrue();
        assertThat(p.brickRoot()).isEqualTo("/mnt/brick2");
        assertThat(p.volumeNamePrefix()).isEqualTo("db");
        assertThat(p.volumeOptions()).containsEntry("performance.cache-size", "64MB")
                .containsEntry("network.ping-timeout", "10");
        assertThat(p.spread()).isEqualTo(Spread.NODE);
        assertThat(p.gidMin()).hasValue(40000);
        assertThat(p.gidMax()).hasValue(40100);
        assertThat(p.onDelete()).isEqualTo(OnDelete.ARCHIVE);
        assertThat(p.pvcName()).hasValue("data");
        assertThat(p.pvcNamespace()).hasValue("shop");
        assertThat(p.pvName()).hasValue("pvc-1234");
    }

    @ParameterizedTest(name = "{0}={1} -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "replica|4|'replica' must be a whole number from 1 to 3",
        "replica|0|'replica' must be a whole number from 1 to 3",
        "replica|three|'replica' must be a whole number from 1 to 3",
        "arbiter|yes|'arbiter' must be true or false",
        "brickRoot|mnt/brick1|'brickRoot' must be an absolute path",
        "brickRoot|/mnt/../etc|may not contain '.' or '..'",
        "brickRoot|/etc|outside the brick roots this controller allows",
        "brickRoot|/|may not be the root directory",
        "brickRoot|/mnt/b r|may use only letters",
        "brickRoot|/mnt/$(reboot)|may use only letters",
        "volumeNamePrefix|Has_Upper|'volumeNamePrefix' must be",
        "volumeNamePrefix|-leading|'volumeNamePrefix' must be",
        "volumeNamePrefix|waytoolongprefix-x|'volumeNamePrefix' must be",
        "spread|rack|'spread' must be",
        "gidMin|100|'gidMin' and 'gidMax' go together",
        "onDelete|shred|'onDelete' must be delete, retain or archive",
        "volumeOptions|features.quota=off|managed by the driver",
        "volumeOptions|user.csi.capacity=1|outside the allowed option families",
        "volumeOptions|performance.cache-size|is not key=value",
        "volumeOptions|performance.cache-size=-o|may not start with -",
        "volumeOptions|performance.cache-size=1;reboot|may use only letters",
        "csi.storage.k8s.io/pvc/name|../etc|is not a Kubernetes object name",
        "bogus|1|unknown StorageClass parameter(s) [bogus]",
    })
    void malformedParametersAreRefusedNamingTheKey(String key, String value, String message) {
        assertThatThrownBy(() -> StorageClassParameters.parse(Map.of(key, value)))
                .isInstanceOf(CsiException.class)
                .hasFieldOrPropertyWithValue("code", Status.Code.INVALID_ARGUMENT)
                .hasMessageContaining(message);
    }

    @Test
    void arbiterNeedsReplicaThree() {
        assertThatThrownBy(() -> StorageClassParameters.parse(Map.of("replica", "2", "arbiter", "true")))
                .hasMessageContaining("'arbiter' needs replica 3");
    }

    @Test
    void gidRangeMustBeOrdered() {
        assertThatThrownBy(() -> StorageClassParameters.parse(Map.of("gidMin", "500", "gidMax", "400")))
                .hasMessageContaining("'gidMin' (500) is above 'gidMax' (400)");
    }

    @Test
    void brickRootsAreLimitedToTheAllowedList() throws CsiException {
        List<String> allowed = List.of("/srv/gluster", "/mnt/brick1");
        assertThat(StorageClassParameters.parse(Map.of("brickRoot", "/srv/gluster/ssd"), allowed).brickRoot())
                .isEqualTo("/srv/gluster/ssd");
        assertThatThrownBy(() -> StorageClassParameters.parse(Map.of("brickRoot", "/srv/glusterfoo"), allowed))
                .hasMessageContaining("outside the brick roots");
        assertThatThrownBy(() -> StorageClassParameters.parse(Map.of(), List.of("/data")))
                .hasMessageContaining("/mnt/brick1 is outside");
    }

    @Test
    void unknownKeysAreAllListedSorted() {
        assertThatThrownBy(() -> StorageClassParameters.parse(Map.of("zeta", "1", "alpha", "2", "replica", "2")))
                .hasMessageStartingWith("unknown StorageClass parameter(s) [alpha, zeta]");
    }
}
