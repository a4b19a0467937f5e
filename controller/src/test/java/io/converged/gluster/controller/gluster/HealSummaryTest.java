package io.converged.gluster.controller.gluster;

import static io.converged.gluster.controller.gluster.GlusterXmlTest.envelope;
import static io.converged.gluster.controller.gluster.GlusterXmlTest.resource;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code volume heal V info summary} as gluster 10.3 answers it, in XML (the CLI in a peer pod) and
 * as glfsheal's text (run directly against a glusterd on its own socket): a healthy replica 3
 * volume, one with a brick killed while five files were written, and a replica 2 volume with a file
 * written differently while each brick in turn was down.
 */
class HealSummaryTest {

    static Stream<Arguments> both() {
        Function<String, HealSummary> xml = name -> {
            try {
                return GlusterXml.healSummary("v", envelope(name + ".xml"));
            } catch (GlusterException e) {
                throw new IllegalStateException(e);
            }
        };
        Function<String, HealSummary> text = name -> HealText.parse("v", resource(name + ".txt"));
        return Stream.of(Arguments.of("xml", xml), Arguments.of("text", text));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("both")
    void aHealthyVolumeHasEveryBrickConnectedAndNothingToHeal(String format, Function<String, HealSummary> read) {
        HealSummary summary = read.apply("heal-summary");
        assertThat(summary.bricks()).extracting(HealSummary.BrickHeal::name).containsExactly(
                "127.1.7.1:/mnt/brick1/hv", "127.1.7.2:/mnt/brick1/hv", "127.1.7.3:/mnt/brick1/hv");
        assertThat(summary.bricks()).allMatch(HealSummary.BrickHeal::connected);
        assertThat(summary.pendingEntries()).isZero();
        assertThat(summary.splitBrainEntries()).isZero();
        assertThat(summary.unreadable()).isEmpty();
        assertThat(summary.healed()).as("what a brick move waits for").isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("both")
    void writesWhileABrickIsDownAreABacklogOnTheOthersAndTheDeadBrickIsUnreadable(String format,
            Function<String, HealSummary> read) {
        HealSummary summary = read.apply("heal-summary-brick-down");
        // Five files and the root directory, listed on both bricks that hold them: six entries, not twelve.
        assertThat(summary.pendingEntries()).isEqualTo(6);
        assertThat(summary.splitBrainEntries()).isZero();
        assertThat(summary.unreadable()).singleElement().satisfies(brick -> {
            assertThat(brick.name()).isEqualTo("127.1.7.3:/mnt/brick1/hv");
            assertThat(brick.connected()).isFalse();
            assertThat(brick.status()).contains("Transport endpoint is not connected");
            assertThat(brick.pending()).isEqualTo(OptionalLong.empty());
        });
        assertThat(summary.healed()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("both")
    void aFileWrittenDifferentlyOnEachBrickIsOneSplitBrainEntry(String format, Function<String, HealSummary> read) {
        HealSummary summary = read.apply("heal-summary-split-brain");
        assertThat(summary.splitBrainEntries()).isEqualTo(1);
        assertThat(summary.pendingEntries()).isZero();
        assertThat(summary.bricks()).hasSize(2).allMatch(HealSummary.BrickHeal::connected);
    }

    @org.junit.jupiter.api.Test
    void glfshealsUsageOrErrorIsNoSummary() {
        assertThat(HealText.isSummary("Usage: glfsheal <VOLNAME> [bigger-file <FILE> | ...]")).isFalse();
        assertThat(HealText.isSummary("v: Not able to fetch volfile from glusterd")).isFalse();
        assertThat(HealText.isSummary(resource("heal-summary.txt"))).isTrue();
    }

    @org.junit.jupiter.api.Test
    void quotaListOfSeveralPathsGivesEachPathsLine() throws Exception {
        assertThat(GlusterXml.quotaList(envelope("quota-list-multi.xml")))
                .extracting(QuotaLimit::path, l -> l.hardLimitBytes().getAsLong())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("/", 100000000L),
                        org.assertj.core.groups.Tuple.tuple("/sub", 50000000L));
    }
}
