package io.converged.gluster.controller.gluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Parsing of real answers captured from gluster 10.3 on a 3-peer loopback pool. */
class GlusterXmlTest {

    static String resource(String name) {
        try (InputStream in = GlusterXmlTest.class.getResourceAsStream("/gluster-xml/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static GlusterXml.Envelope envelope(String name) throws GlusterException {
        return GlusterXml.parse(resource(name));
    }

    @Test
    void poolListMarksTheAnsweringPeerAsSelfAndReadsConnections() throws Exception {
        List<PoolPeer> peers = GlusterXml.poolList(envelope("pool-list-peer-down.xml"));
        assertThat(peers).hasSize(3);
        assertThat(peers).filteredOn(PoolPeer::self).singleElement()
                .satisfies(p -> assertThat(p.hostname()).isEqualTo("localhost"));
        assertThat(peers).filteredOn(p -> !p.self()).extracting(PoolPeer::hostname)
                .containsExactlyInAnyOrder("127.1.9.2", "127.1.9.3");
        assertThat(peers).filteredOn(p -> p.knownAs("127.1.9.2")).singleElement()
                .satisfies(p -> assertThat(p.connected()).isFalse());
        assertThat(peers).filteredOn(p -> p.knownAs("127.1.9.3")).singleElement()
                .satisfies(p -> assertThat(p.connected()).isTrue());
        assertThat(peers).noneMatch(p -> p.knownAs("localhost"));
    }

    @Test
    void anUnformedPeerListsOnlyItself() throws Exception {
        assertThat(GlusterXml.poolList(envelope("pool-list-unformed.xml")))
                .singleElement().satisfies(p -> assertThat(p.self()).isTrue());
    }

    @Test
    void volumeInfoOfAReplica3VolumeHasItsBricksAndUserOptions() throws Exception {
        List<VolumeInfo> volumes = GlusterXml.volumeInfo(envelope("info-va.xml"));
        VolumeInfo va = volumes.get(0);
        assertThat(volumes).hasSize(1);
        assertThat(va.name()).isEqualTo("va");
        assertThat(va.id()).isEqualTo("b07d9c64-2604-4d70-a700-13467c3010eb");
        assertThat(va.status()).isEqualTo("Started");
        assertThat(va.started()).isTrue();
        assertThat(va.type()).isEqualTo("Replicate");
        assertThat(va.replicaCount()).isEqualTo(3);
        assertThat(va.arbiterCount()).isZero();
        assertThat(va.brickCount()).isEqualTo(3);
        assertThat(va.bricks()).extracting(Brick::name).containsExactly(
                "127.1.9.1:/tmp/gexp/p1/bricks/va/brick",
                "127.1.9.2:/tmp/gexp/p2/bricks/va/brick",
                "127.1.9.3:/tmp/gexp/p3/bricks/va/brick");
        assertThat(va.bricks().get(1).host()).isEqualTo("127.1.9.2");
        assertThat(va.bricks().get(1).path()).isEqualTo("/tmp/gexp/p2/bricks/va/brick");
        assertThat(va.bricks().get(1).hostUuid()).isEqualTo("85ba03d5-99be-4d87-a132-e9738bec751c");
        assertThat(va.optionsWithPrefix("user.")).containsOnly(
                java.util.Map.entry("user.csi.owner", "glusterfs.converged.io"),
                java.util.Map.entry("user.csi.capacity", "1073741824"),
                java.util.Map.entry("user.csi.name", "pvc-1"));
        assertThat(va.options()).containsEntry("nfs.disable", "on").hasSize(8);
    }

    @Test
    void arbiterVolumeMarksItsLastBrick() throws Exception {
        VolumeInfo v3 = GlusterXml.volumeInfo(envelope("info-r3-arbiter.xml")).get(0);
        assertThat(v3.replicaCount()).isEqualTo(3);
        assertThat(v3.arbiterCount()).isEqualTo(1);
        assertThat(v3.name()).isEqualTo("vb");
        assertThat(v3.status()).isEqualTo("Started");
        assertThat(v3.bricks()).extracting(Brick::arbiter).containsExactly(false, false, true);
    }

    @Test
    void replica2VolumeWithSpacesInAnOptionValue() throws Exception {
        VolumeInfo v2 = GlusterXml.volumeInfo(envelope("info-r2.xml")).get(0);
        assertThat(v2.replicaCount()).isEqualTo(2);
        assertThat(v2.bricks()).hasSize(2);
        assertThat(v2.options()).containsEntry("user.csi.name", "pvc-a b").containsEntry("features.quota", "on");
    }

    @Test
    void infoOfAllVolumesAndOfNone() throws Exception {
        assertThat(GlusterXml.volumeInfo(envelope("info-all.xml"))).extracting(VolumeInfo::name)
                .containsExactly("v2");
        assertThat(GlusterXml.volumeInfo(envelope("info-empty.xml"))).isEmpty();
    }

    @Test
    void volumeListNamesEveryVolume() throws Exception {
        assertThat(GlusterXml.volumeList(envelope("list.xml"))).containsExactly("va", "vb", "vc");
        assertThat(GlusterXml.volumeList(envelope("list-empty.xml"))).isEmpty();
    }

    @Test
    void statusListsOnlineBricksAndDaemonsAndLeavesOutBricksOfDownPeers() throws Exception {
        VolumeStatus up = GlusterXml.volumeStatus(envelope("status-r2.xml")).get(0);
        assertThat(up.name()).isEqualTo("v2");
        assertThat(up.bricks()).hasSize(2).allMatch(BrickStatus::online).allMatch(b -> b.port() > 0 && b.pid() > 0);
        assertThat(up.entries()).anyMatch(BrickStatus::daemon);

        VolumeStatus down = GlusterXml.volumeStatus(envelope("status-r2-peer-down.xml")).get(0);
        assertThat(down.bricks()).extracting(BrickStatus::host).containsExactly("127.1.9.1");
        VolumeInfo info = GlusterXml.volumeInfo(envelope("info-r2.xml")).get(0);
        assertThat(info.bricks()).filteredOn(down::online).extracting(Brick::host).containsExactly("127.1.9.1");
        assertThat(GlusterXml.volumeStatus(envelope("status-all-empty.xml"))).isEmpty();
        assertThat(GlusterXml.volumeStatus(envelope("status-all.xml"))).extracting(VolumeStatus::name)
                .containsExactly("v2");
    }

    @Test
    void quotaListReadsTheLimitAndNotApplicableValues() throws Exception {
        QuotaLimit limited = GlusterXml.quotaList(envelope("quota-list.xml")).get(0);
        assertThat(limited.path()).isEqualTo("/");
        assertThat(limited.hardLimitBytes()).hasValue(2_147_483_648L);
        assertThat(limited.usedBytes()).hasValue(0L);
        assertThat(limited.availableBytes()).hasValue(2_147_483_648L);
        assertThat(limited.limited()).isTrue();

        QuotaLimit none = GlusterXml.quotaList(envelope("quota-list-nolimit.xml")).get(0);
        assertThat(none.hardLimitBytes()).isEmpty();
        assertThat(none.limited()).isFalse();
    }

    @Test
    void theEnvelopeCarriesFailuresThatTheExitCodeHides() throws Exception {
        GlusterXml.Envelope ok = envelope("create.xml");
        assertThat(ok.succeeded()).isTrue();
        GlusterXml.Envelope exists = envelope("create-exists.xml");
        assertThat(exists.succeeded()).isFalse();
        assertThat(exists.opRet()).isEqualTo(-1);
        assertThat(exists.opErrstr()).isEqualTo("Volume va already exists");
        GlusterXml.Envelope again = envelope("probe-2-again.xml");
        assertThat(again.succeeded()).isTrue();
        assertThat(again.output()).isEqualTo("Host 127.1.9.2 port 24007 already in peer list");
    }

    @Test
    void somethingElseIsNotAGlusterAnswer() {
        assertThat(GlusterXml.isXml(resource("unreachable.txt"))).isFalse();
        assertThatThrownBy(() -> GlusterXml.parse("<html/>")).isInstanceOf(GlusterException.class)
                .hasMessageContaining("not a gluster answer");
        assertThatThrownBy(() -> GlusterXml.parse("<cliOutput><opRet>")).isInstanceOf(GlusterException.class)
                .hasMessageContaining("unreadable");
    }

    @Test
    void aDocumentTypeDeclarationIsRefused() {
        String entity = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                + "<cliOutput><opRet>0</opRet><opErrstr>&e;</opErrstr></cliOutput>";
        assertThatThrownBy(() -> GlusterXml.parse(entity)).isInstanceOf(GlusterException.class);
    }
}
