package io.converged.gluster.controller.gluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.converged.gluster.csi.exec.CommandException;
import io.converged.gluster.csi.exec.CommandResult;
import io.converged.gluster.csi.exec.CommandRunner;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class BrickQuotaTest {
    private static final String DIR = "/mnt/brick1/pool/brick/gcs-a";

    private static CommandRunner answering(int exit, String stdout, String stderr) {
        return new CommandRunner() {
            @Override
            public CommandResult run(List<String> argv, Duration timeout) {
                assertThat(argv).containsExactly("getfattr", "--absolute-names", "-d", "-m", BrickQuota.KEYS, "-e",
                        "hex", "--", DIR);
                return new CommandResult(argv, exit, stdout, stderr, Duration.ZERO);
            }

            @Override
            public String describe() {
                return "scripted";
            }
        };
    }

    @Test
    void theHardLimitIsTheFirstEightBytesOfTheAttributeAsGluster10WritesIt() {
        // As getfattr printed it on a brick of this machine's gluster 10.3 after limit-usage of 16 MiB.
        String dump = "# file: " + DIR + "\ntrusted.glusterfs.quota.limit-set.1=0x0000000001000000ffffffffffffffff\n\n";

        assertThat(BrickQuota.hardLimit(answering(0, dump, ""), DIR, Duration.ofSeconds(1)))
                .contains(OptionalLong.of(16L * 1024 * 1024));
    }

    @Test
    void aDirectoryWithoutTheAttributeHasNoLimit() {
        assertThat(BrickQuota.hardLimit(answering(0, "", ""), DIR, Duration.ofSeconds(1)))
                .contains(OptionalLong.empty());
    }

    @Test
    void aDirectoryThisPeerDoesNotHoldCannotTell() {
        assertThat(BrickQuota.hardLimit(answering(1, "", "getfattr: " + DIR + ": No such file or directory"), DIR,
                Duration.ofSeconds(1))).isEmpty();
    }

    @Test
    void aPeerThatCannotRunTheCommandCannotTell() {
        CommandRunner broken = new CommandRunner() {
            @Override
            public CommandResult run(List<String> argv, Duration timeout) throws CommandException {
                throw new CommandException("exec failed");
            }

            @Override
            public String describe() {
                return "broken";
            }
        };

        assertThat(BrickQuota.hardLimit(broken, DIR, Duration.ofSeconds(1))).isEqualTo(Optional.empty());
    }

    @Test
    void anUnreadableValueCannotTell() {
        assertThat(BrickQuota.hardLimit(answering(0, "trusted.glusterfs.quota.limit-set.1=0xzz00000001000000\n", ""),
                DIR, Duration.ofSeconds(1))).isEmpty();
    }
}
