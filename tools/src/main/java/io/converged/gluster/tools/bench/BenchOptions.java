package io.converged.gluster.tools.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/**
 * The options of a run ({@code Bench --help} lists them, in this order) and their defaults: the
 * full run's figures, or {@code --quick}'s where no option gives one. A picocli mixin of
 * {@link Bench}, which keeps the command's name and description; bad options exit with code 2.
 */
final class BenchOptions {
    @Parameters(paramLabel = "DIR", description = "a running deploy/local/up directory (its env file is read)")
    private Path dir;

    @Option(names = "--quick", description = "a short run: sequence 5, burst 10, scale to 40 volumes, one footprint "
            + "run (options given as well win)")
    private boolean quick;

    @Option(names = "--sequence", paramLabel = "N", converter = Positive.class, description = "volumes created and "
            + "deleted one after another, CSI and raw interleaved (default: 10; --quick: 5)")
    private Integer sequence;

    @Option(names = "--bursts", paramLabel = "K", split = ",", converter = Positive.class, description = "concurrent "
            + "CreateVolume bursts, each next to K raw sequences at once (default: 10,50; --quick: 10)")
    private List<Integer> bursts;

    @Option(names = "--scale", paramLabel = "N", converter = Positive.class, description = "grow the pool to N "
            + "volumes with one CreateVolume after another (default: 200; --quick: 40)")
    private Integer scale;

    @Option(names = "--node", paramLabel = "N", converter = Positive.class, description = "volumes staged and "
            + "published, next to raw mounts; at most the sequence's (default: 5)")
    private Integer nodeVolumes;

    @Option(names = "--footprint-runs", paramLabel = "N", converter = Positive.class, description = "fresh starts "
            + "per server and JVM variant (default: 3; --quick: 1)")
    private Integer footprintRuns;

    @Option(names = "--settle", paramLabel = "SECONDS", description = "idle time before each create and delete "
            + "of the provisioning sequence, CSI and raw alike: glusterd finishes one volume's quota work in the "
            + "background, and the next quota enable within a second or so of it takes ~1 s longer, whichever "
            + "sequence it belongs to (default: 3)")
    private Integer settle;

    @Option(names = "--shared-sequence", paramLabel = "N", converter = Positive.class, description = "claims of "
            + "a shared pool created one after another, next to the floor's (default: 20; --quick: 10)")
    private Integer sharedSequence;

    @Option(names = "--shared-burst", paramLabel = "K", converter = Positive.class, description = "claims of a "
            + "shared pool created at once (default: 100; --quick: 20)")
    private Integer sharedBurst;

    @Option(names = "--shared-scale", paramLabel = "N", converter = Positive.class, description = "grow the shared "
            + "pool to N claims one after another (default: 1000; --quick: 100)")
    private Integer sharedScale;

    @Option(names = "--quota-write-mib", paramLabel = "MIB", converter = Positive.class, description = "MiB "
            + "written to each of the quota phase's three volumes (strict, balanced, loose) in 32 MiB files to "
            + "measure throughput under the limit (default: 384; --quick: 192)")
    private Integer quotaWriteMib;

    @Option(names = "--snapshot-files", paramLabel = "N", converter = Positive.class, description = "files of the "
            + "volume snapshotted and restored (default: 1000; --quick: 100)")
    private Integer snapshotFiles;

    @Option(names = "--snapshot-mib", paramLabel = "MIB", converter = Positive.class, description = "MiB those "
            + "files hold together (default: 1024; --quick: 256)")
    private Integer snapshotMib;

    @Option(names = "--snapshot-rounds", paramLabel = "N", converter = Positive.class, description = "snapshots and "
            + "restores measured, each next to the floor's cp -a (default: 3; --quick: 1)")
    private Integer snapshotRounds;

    @Option(names = "--skip", paramLabel = "PHASE", split = ",",
            description = "phases not to run: ${COMPLETION-CANDIDATES}")
    private List<Phase> skip;

    @Option(names = "--markdown", paramLabel = "FILE", description = "also write the table as Markdown to FILE")
    private Path markdown;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    private boolean help;

    /** The parts of a run, in the order they run; {@code --skip} names them. */
    enum Phase {
        FOOTPRINT, SEQUENCE, NODE, BURST, SCALE, SHARED, QUOTA, SNAPSHOT;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Counts of volumes and runs: a whole number above zero, or bad usage (exit code 2). */
    static final class Positive implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String text) {
            int n;
            try {
                n = Integer.parseInt(text.strip());
            } catch (NumberFormatException e) {
                throw new TypeConversionException("expected a whole number but was '" + text + "'");
            }
            if (n <= 0) {
                throw new TypeConversionException("must be positive but was '" + text + "'");
            }
            return n;
        }
    }

    /** --quick's figures where no option gives one, else the full run's. */
    void settleDefaults() {
        dir = dir.toAbsolutePath();
        sequence = Objects.requireNonNullElse(sequence, quick ? 5 : 10);
        bursts = Objects.requireNonNullElse(bursts, quick ? List.of(10) : List.of(10, 50));
        scale = Objects.requireNonNullElse(scale, quick ? 40 : 200);
        footprintRuns = Objects.requireNonNullElse(footprintRuns, quick ? 1 : 3);
        nodeVolumes = Math.min(Objects.requireNonNullElse(nodeVolumes, 5), sequence);
        skip = Objects.requireNonNullElse(skip, List.of());
        settle = Math.max(0, Objects.requireNonNullElse(settle, 3));
        sharedSequence = Objects.requireNonNullElse(sharedSequence, quick ? 10 : 20);
        sharedBurst = Objects.requireNonNullElse(sharedBurst, quick ? 20 : 100);
        sharedScale = Math.max(Objects.requireNonNullElse(sharedScale, quick ? 100 : 1000),
                1 + sharedSequence + sharedBurst + 10);
        quotaWriteMib = Objects.requireNonNullElse(quotaWriteMib, quick ? 192 : 384);
        snapshotFiles = Objects.requireNonNullElse(snapshotFiles, quick ? 100 : 1000);
        snapshotMib = Objects.requireNonNullElse(snapshotMib, quick ? 256 : 1024);
        snapshotRounds = Objects.requireNonNullElse(snapshotRounds, quick ? 1 : 3);
    }

    // The figures below are read after settleDefaults.

    boolean runs(Phase phase) {
        return !skip.contains(phase);
    }

    Path dir() {
        return dir;
    }

    Path markdown() {
        return markdown;
    }

    int sequence() {
        return sequence;
    }

    List<Integer> bursts() {
        return bursts;
    }

    int scale() {
        return scale;
    }

    int nodeVolumes() {
        return nodeVolumes;
    }

    int footprintRuns() {
        return footprintRuns;
    }

    /** Seconds of idle time before each measured call of the provisioning sequence. */
    int settle() {
        return settle;
    }

    int sharedSequence() {
        return sharedSequence;
    }

    int sharedBurst() {
        return sharedBurst;
    }

    int sharedScale() {
        return sharedScale;
    }

    int quotaWriteMib() {
        return quotaWriteMib;
    }

    int snapshotFiles() {
        return snapshotFiles;
    }

    int snapshotMib() {
        return snapshotMib;
    }

    int snapshotRounds() {
        return snapshotRounds;
    }
}
