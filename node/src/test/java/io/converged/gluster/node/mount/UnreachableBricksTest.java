package io.converged.gluster.node.mount;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The FUSE client's own view of its bricks, as gluster 10.3 writes it under {@code .meta}. */
class UnreachableBricksTest {
    private static final Mounter MOUNTER = new CommandMounter(new io.converged.gluster.csi.exec.LocalCommandRunner(),
            Path.of("/proc/self/mountinfo"), java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(5));

    private static String replicate(int... up) {
        StringBuilder text = new StringBuilder("[cluster/replicate.v-replicate-0]\nchild_count = " + up.length + "\n");
        for (int i = 0; i < up.length; i++) {
            text.append("child_up[").append(i).append("] = ").append(up[i]).append('\n')
                    .append("pending_key[").append(i).append("] = trusted.afr.v-client-").append(i).append('\n')
                    .append("halo_child_up[").append(i).append("] = 0\n");
        }
        return text.append("quorum-type = auto\nup = 1\n").toString();
    }

    private static Path mount(Path dir, String privateText) throws Exception {
        Path replicate = Files.createDirectories(dir.resolve(".meta/graphs/active/v-replicate-0"));
        Files.writeString(replicate.resolve("private"), privateText);
        Files.createDirectories(dir.resolve(".meta/graphs/active/v-client-0"));
        return dir;
    }

    @Test
    void aClientThatReachesEveryBrickHasNothingToSay(@TempDir Path dir) throws Exception {
        assertThat(MOUNTER.unreachableBricks(mount(dir, replicate(1, 1, 1)))).isEmpty();
    }

    @Test
    void aClientMissingOneBrickSaysHowManyItReaches(@TempDir Path dir) throws Exception {
        assertThat(MOUNTER.unreachableBricks(mount(dir, replicate(1, 1, 0))))
                .hasValueSatisfying(m -> assertThat(m).startsWith("the gluster client reaches 2 of 3 bricks"));
    }

    @Test
    void aPathWithoutTheClientsViewIsNotJudged(@TempDir Path dir) {
        assertThat(MOUNTER.unreachableBricks(dir)).isEmpty();
    }
}
