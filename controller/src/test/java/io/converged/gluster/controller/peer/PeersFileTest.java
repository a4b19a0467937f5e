package io.converged.gluster.controller.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.converged.gluster.csi.exec.LocalCommandRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local peers file: its format, its defaults and the errors that name the bad line. */
class PeersFileTest {
    private static final LocalCommandRunner LOCAL = new LocalCommandRunner();

    @Test
    void everyFieldIsRead() {
        List<Peer> peers = PeersFile.parse("""
                # address socket prefix
                127.1.1.1  /run/gl/p1/gd/gd.sock  /run/gl/p1/root  zone=a node=n1 name=peer-1

                127.1.1.2\t/run/gl/p2/gd/gd.sock\t/run/gl/p2/root\tlog=/var/log/p2-cli.log
                10.0.0.5   -   /   zone=b
                """, LOCAL);

        assertThat(peers).extracting(Peer::name).containsExactly("peer-1", "127.1.1.2", "10.0.0.5");
        Peer first = peers.get(0);
        assertThat(first.address()).isEqualTo("127.1.1.1");
        assertThat(first.zone()).isEqualTo("a");
        assertThat(first.node()).isEqualTo("n1");
        assertThat(first.glusterPrefix()).containsExactly("gluster", "--mode=script",
                "--glusterd-sock=/run/gl/p1/gd/gd.sock", "--log-file=/run/gl/p1/gd/cli.log");
        assertThat(first.pathOnPeer("/mnt/brick1/v/brick")).isEqualTo("/run/gl/p1/root/mnt/brick1/v/brick");
        assertThat(first.brick("/mnt/brick1/v/brick")).isEqualTo("127.1.1.1:/run/gl/p1/root/mnt/brick1/v/brick");

        Peer second = peers.get(1);
        assertThat(second.zone()).isEmpty();
        assertThat(second.node()).isEqualTo("127.1.1.2");
        assertThat(second.glusterPrefix()).contains("--log-file=/var/log/p2-cli.log");

        Peer third = peers.get(2);
        assertThat(third.glusterPrefix()).containsExactly("gluster", "--mode=script",
                "--log-file=/var/log/glusterfs/cli.log");
        assertThat(third.pathOnPeer("/mnt/brick1/v/brick")).isEqualTo("/mnt/brick1/v/brick");
    }

    @Test
    void mistakesNameTheirLine() {
        assertThatThrownBy(() -> PeersFile.parse("127.1.1.1 /s\n", LOCAL))
                .hasMessageStartingWith("line 1: expected ADDRESS GLUSTERD_SOCKET BRICK_PREFIX");
        assertThatThrownBy(() -> PeersFile.parse("# c\n127.1.1.1 /s /p colour=red\n", LOCAL))
                .hasMessageStartingWith("line 2: unknown key 'colour'");
        assertThatThrownBy(() -> PeersFile.parse("127.1.1.1 /s /p\n127.1.1.1 /t /q name=x\n", LOCAL))
                .hasMessageContaining("line 2").hasMessageContaining("listed twice");
        assertThatThrownBy(() -> PeersFile.parse("127.1.1.1 /s relative\n", LOCAL))
                .hasMessageContaining("line 1");
        assertThatThrownBy(() -> PeersFile.parse("127.1.1.1 /s /p/../etc\n", LOCAL))
                .hasMessageContaining("line 1");
        assertThatThrownBy(() -> PeersFile.parse("$(reboot) /s /p\n", LOCAL))
                .hasMessageContaining("not a valid peer address");
        assertThatThrownBy(() -> PeersFile.parse("127.1.1.1 /s /p zone=\n", LOCAL))
                .hasMessageContaining("zone is empty");
    }

    @Test
    void theFileIsReadAfreshOnEveryCall(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("peers");
        Files.writeString(file, "127.1.1.1 /s1 /p1\n");
        PeersFile source = new PeersFile(file);
        assertThat(source.peers()).hasSize(1);

        Files.writeString(file, "127.1.1.1 /s1 /p1\n127.1.1.2 /s2 /p2\n");
        assertThat(source.peers()).extracting(Peer::address).containsExactly("127.1.1.1", "127.1.1.2");

        Files.writeString(file, "127.1.1.1 /s1\n");
        assertThatThrownBy(source::peers).isInstanceOf(PeerDiscoveryException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("line 1");
        assertThatThrownBy(new PeersFile(dir.resolve("missing"))::peers).isInstanceOf(PeerDiscoveryException.class)
                .hasMessageContaining("cannot read the peers file");
    }
}
