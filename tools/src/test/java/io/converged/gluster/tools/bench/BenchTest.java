package io.converged.gluster.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BenchTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private final Bench bench = new Bench(new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(log, true, StandardCharsets.UTF_8));

    @TempDir
    Path dir;

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String log() {
        return log.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpExitsZeroAndListsTheOptions() {
        assertThat(bench.run("--help")).isZero();
        assertThat(out()).startsWith("Usage: Bench").contains("DIR", "--quick", "--sequence", "--bursts", "--scale",
                "--node", "--footprint-runs", "--skip=PHASE", "phases not to run: footprint", "--markdown");
    }

    @Test
    void aNonPositiveSequenceExitsTwoWithAMessageAndRunsNothing() {
        // A run would fail on the missing env file (exit 1, "bench failed"); 2 says it never started.
        assertThat(bench.run(dir.toString(), "--sequence", "0")).isEqualTo(2);
        assertThat(log()).contains("Invalid value for option '--sequence': must be positive but was '0'")
                .doesNotContain("bench failed");
        assertThat(out()).isEmpty();
    }

    @Test
    void badCountsPhasesAndMissingArgumentsExitTwo() {
        assertThat(bench.run(dir.toString(), "--bursts", "10,-5")).isEqualTo(2);
        assertThat(bench.run(dir.toString(), "--scale", "many")).isEqualTo(2);
        assertThat(bench.run(dir.toString(), "--skip", "lunch")).isEqualTo(2);
        assertThat(bench.run(dir.toString(), "--frobnicate")).isEqualTo(2);
        assertThat(bench.run()).isEqualTo(2);
        assertThat(log()).contains("'-5'", "'many'", "'lunch'", "Unknown option: '--frobnicate'",
                "Missing required parameter: 'DIR'").doesNotContain("bench failed");
    }

    @Test
    void aDirectoryWithoutAnEnvFileIsAFailedRunNotBadUsage() {
        assertThat(bench.run(dir.toString(), "--quick", "--skip", "footprint,SCALE")).isEqualTo(1);
        assertThat(log()).contains("bench failed");
    }

    @Test
    void quickShortensTheRunButOptionsGivenAsWellWin() {
        assertThat(settled("--quick").footprintRuns()).isEqualTo(1);
        assertThat(settled("--quick", "--footprint-runs", "2").footprintRuns()).isEqualTo(2);
        assertThat(settled().footprintRuns()).isEqualTo(3);
        assertThat(settled("--quick").quotaWriteMib()).isEqualTo(192);
        assertThat(settled().quotaWriteMib()).isEqualTo(384);
        assertThat(settled("--quick", "--quota-write-mib", "64").quotaWriteMib()).isEqualTo(64);
        assertThat(settled().dir()).isAbsolute();
    }

    private Bench settled(String... options) {
        Bench parsed = new Bench(System.out, System.err);
        String[] args = new String[options.length + 1];
        args[0] = "relative/dir";
        System.arraycopy(options, 0, args, 1, options.length);
        new CommandLine(parsed).parseArgs(args);
        parsed.settleDefaults();
        return parsed;
    }
}
