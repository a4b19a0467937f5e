package io.converged.gluster.tools.bench;

import io.converged.gluster.csi.exec.CommandException;
import io.converged.gluster.csi.exec.CommandResult;
import io.converged.gluster.csi.exec.LocalCommandRunner;
import io.converged.gluster.csi.v1.CapacityRange;
import io.converged.gluster.csi.v1.CreateVolumeRequest;
import io.converged.gluster.csi.v1.Volume;
import io.converged.gluster.tools.bench.Report.Row;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The quota section: what holding a volume's size costs. For each {@code quotaEnforcement}
 * (strict, balanced, loose) one dedicated replica-3 volume of {@link #LIMIT_MIB} MiB made by
 * CreateVolume and FUSE-mounted; then write throughput well under the limit (32 MiB files, each
 * written, fsynced and deleted, one per volume per round, the volumes' order rotated each round so
 * the machine's noise falls on all three alike), once with the volume empty and once holding 80% of the
 * limit (above gluster's soft limit); then the overshoot: 1 MiB writes into one file
 * until the write fails (EDQUOT) or {@link #OVERSHOOT_CEILING_MIB} MiB past the limit have been accepted
 * (about 10 s of writes here, twice gluster's default 5 s hard timeout).
 */
final class QuotaBench {
    static final long MIB = 1L << 20;
    static final int LIMIT_MIB = 200;
    static final int FILE_MIB = 32;
    static final int OVERSHOOT_CEILING_MIB = 1000;
    /** gluster's default soft limit, 80% of the limit: files written on top of it run between 80% and 96%. */
    static final int BALLAST_MIB = LIMIT_MIB * 4 / 5;
    private static final List<String> ENFORCEMENTS = List.of("strict", "balanced", "loose");
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private final Bench bench;
    private final LocalCommandRunner runner = new LocalCommandRunner();
    private final String run;
    /** Enforcement to its CSI volume id, its gluster volume and its mount, for those made so far. */
    private final Map<String, String> volumes = new LinkedHashMap<>();
    private final Map<String, String> names = new LinkedHashMap<>();
    private final Map<String, Path> mounts = new LinkedHashMap<>();
    private final ByteBuffer block = ByteBuffer.allocateDirect((int) MIB);

    QuotaBench(Bench bench, String run) {
        this.bench = bench;
        this.run = run;
        for (int i = 0; i < MIB; i++) {
            block.put((byte) (i * 31 + (i >>> 12)));
        }
    }

    /** Makes and mounts the three volumes, then measures throughput with {@code writeMib} MiB per volume. */
    void measure(int writeMib) throws Exception {
        Map<String, String> timeouts = new LinkedHashMap<>();
        for (String enforcement : ENFORCEMENTS) {
            bench.note("quota: a " + LIMIT_MIB + " MiB volume with quotaEnforcement " + enforcement);
            Volume volume = bench.controller().createVolume(CreateVolumeRequest.newBuilder()
                    .setName("pvc-quota-" + run + "-" + enforcement)
                    .putParameters("replica", "3").putParameters("brickRoot", "/mnt/brick1")
                    .putParameters("quotaEnforcement", enforcement)
                    .putParameters("csi.storage.k8s.io/pvc/name", "quota-" + enforcement)
                    .putParameters("csi.storage.k8s.io/pvc/namespace", "bench")
                    .addVolumeCapabilities(Bench.capability())
                    .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(LIMIT_MIB * MIB)).build())
                    .getVolume();
            volumes.put(enforcement, volume.getVolumeId());
            String name = volume.getVolumeContextOrDefault("glusterVolume", volume.getVolumeId());
            names.put(enforcement, name);
            timeouts.put(enforcement, "soft " + bench.raw().volumeOption(name, "features.soft-timeout") + " s, hard "
                    + bench.raw().volumeOption(name, "features.hard-timeout") + " s");
            Path mount = bench.dir().resolve("bench-quota-" + enforcement);
            Files.createDirectories(mount);
            List<String> peers = bench.peers();
            must(List.of("mount", "-t", "glusterfs", "-o", "log-file=" + bench.dir().resolve("bench-quota-"
                    + enforcement + "-client.log") + ",backup-volfile-servers=" + String.join(":",
                            peers.subList(1, peers.size())), peers.get(0) + ":/" + name, mount.toString()));
            mounts.put(enforcement, mount);
        }
        int rounds = Math.max(1, writeMib / FILE_MIB);
        throughput(rounds, timeouts, 0);
        // Past the soft limit (80%) a brick rechecks the usage after the hard timeout instead of the soft
        // one: balanced is then as strict as strict. Half the rounds there, on top of a ballast file.
        for (String enforcement : ENFORCEMENTS) {
            write(mounts.get(enforcement).resolve("ballast"), BALLAST_MIB);
        }
        throughput(Math.max(1, rounds / 2), timeouts, BALLAST_MIB);
        for (Path mount : mounts.values()) {
            Files.delete(mount.resolve("ballast"));
        }
        overshoot(timeouts);
    }

    private void throughput(int rounds, Map<String, String> timeouts, int ballastMib) throws IOException {
        String where = ballastMib == 0 ? "empty" : "holding " + ballastMib + " MiB";
        bench.note("quota: " + rounds + " rounds of one " + FILE_MIB + " MiB file per volume (and one unrecorded), "
                + where);
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        ENFORCEMENTS.forEach(e -> rates.put(e, new ArrayList<>()));
        for (int round = -1; round < rounds; round++) {
            for (int i = 0; i < ENFORCEMENTS.size(); i++) {
                String enforcement = ENFORCEMENTS.get((Math.max(round, 0) + i) % ENFORCEMENTS.size());
                Path file = mounts.get(enforcement).resolve("round-" + (round + 1));
                long start = System.nanoTime();
                long written = write(file, FILE_MIB);
                double rate = mibPerSecond(written, System.nanoTime() - start);
                Files.delete(file);
                if (round >= 0) {
                    rates.get(enforcement).add(rate);
                }
            }
        }
        double loose = Stats.median(rates.get("loose"));
        for (String enforcement : ENFORCEMENTS) {
            List<Double> sample = rates.get(enforcement);
            double median = Stats.median(sample);
            bench.report().add(new Row("quota", "write MiB/s, " + where + ", " + enforcement + " (" + timeouts.get(
                    enforcement) + "), median of " + sample.size() + " x " + FILE_MIB + " MiB (min-max)", rate(sample),
                    enforcement.equals("loose") ? "" : String.format(Locale.ROOT, "%.1f (loose)", loose),
                    enforcement.equals("loose") ? "" : costVersus(median, loose), "", ""));
            bench.note("quota: " + where + ", " + enforcement + " " + rate(sample) + " MiB/s");
        }
    }

    private void overshoot(Map<String, String> timeouts) throws Exception {
        for (String enforcement : ENFORCEMENTS) {
            Path file = mounts.get(enforcement).resolve("fill");
            bench.note("quota: " + enforcement + ": 1 MiB writes past the " + LIMIT_MIB + " MiB limit");
            long start = System.nanoTime();
            Fill fill = fill(file, LIMIT_MIB + OVERSHOOT_CEILING_MIB);
            double seconds = (System.nanoTime() - start) / 1e9;
            long stored = Files.size(file);
            String used = quotaUsed(enforcement);
            bench.report().add(new Row("quota", "writes accepted past the " + LIMIT_MIB + " MiB limit, " + enforcement
                    + " (" + timeouts.get(enforcement) + ")", overshoot(fill.acceptedMib(), LIMIT_MIB, fill.refusal()
                            != null), String.format(Locale.ROOT, "%.1f s of writes, file %d MiB, quota used %s",
                                    seconds, stored / MIB, used), "", "", ""));
            bench.note("quota: " + enforcement + " accepted " + fill.acceptedMib() + " MiB"
                    + (fill.refusal() == null ? " without a refusal" : ", then: " + fill.refusal()));
        }
    }

    /** 1 MiB writes accepted before the first refused one ({@code refusal} null if none was, up to {@code maxMib}). */
    record Fill(long acceptedMib, String refusal) {
    }

    private Fill fill(Path file, int maxMib) throws IOException {
        long accepted = 0;
        String refusal = null;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            while (accepted < maxMib) {
                try {
                    writeBlock(channel);
                } catch (IOException e) {
                    refusal = "write " + (accepted + 1) + ": " + e.getMessage();
                    break;
                }
                accepted++;
            }
            try {
                channel.force(false);
            } catch (IOException e) {
                refusal = refusal != null ? refusal : "fsync after " + accepted + " MiB: " + e.getMessage();
            }
        } catch (IOException e) {
            // close() may be where write-behind reports the refusal
            refusal = refusal != null ? refusal : "close after " + accepted + " MiB: " + e.getMessage();
        }
        return new Fill(accepted, refusal);
    }

    private long write(Path file, int mib) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (int i = 0; i < mib; i++) {
                writeBlock(channel);
            }
            channel.force(false);
        }
        return mib * MIB;
    }

    private void writeBlock(FileChannel channel) throws IOException {
        ByteBuffer buffer = block.duplicate().clear();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** The "Used" column of {@code gluster volume quota VOL list /}, or "?". */
    private String quotaUsed(String enforcement) {
        try {
            String name = names.get(enforcement);
            CommandResult list = bench.raw().gluster(List.of("volume", "quota", name, "list", "/"));
            for (String line : list.stdout().lines().toList()) {
                String[] parts = line.strip().split("\\s+");
                if (parts.length >= 4 && parts[0].equals("/")) {
                    return parts[3];
                }
            }
        } catch (CommandException e) {
            bench.note("quota: quota list failed: " + e.getMessage());
        }
        return "?";
    }

    private void must(List<String> argv) throws CommandException {
        CommandResult result = runner.run(argv, TIMEOUT);
        if (!result.succeeded()) {
            throw new CommandException(String.join(" ", argv) + ": " + result.message());
        }
    }

    /** Unmounts and deletes what this section made. */
    void cleanUp() {
        for (Path mount : mounts.values()) {
            try {
                CommandResult result = runner.run(List.of("umount", mount.toString()), TIMEOUT);
                if (!result.succeeded()) {
                    runner.run(List.of("umount", "-l", mount.toString()), TIMEOUT);
                }
                Files.deleteIfExists(mount);
            } catch (CommandException | IOException e) {
                bench.note("quota clean-up: " + mount + ": " + e.getMessage());
            }
        }
        for (String id : volumes.values()) {
            try {
                bench.deleteVolume(id);
            } catch (RuntimeException e) {
                bench.note("quota clean-up: DeleteVolume " + id + " failed: " + e.getMessage());
            }
        }
    }

    // ---------------------------------------------------------------- figures

    static double mibPerSecond(long bytes, long nanos) {
        return nanos <= 0 ? Double.NaN : bytes / (double) MIB / (nanos / 1e9);
    }

    /** "41.2 (38.0-44.5)": the median and the range of a sample of MiB/s; "-" when empty. */
    static String rate(List<Double> sample) {
        if (sample.isEmpty()) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.1f (%.1f-%.1f)", Stats.median(sample), Collections.min(sample),
                Collections.max(sample));
    }

    /** "0.81x (-19%)": measured against the baseline as a ratio and as the share lost or gained. */
    static String costVersus(double measured, double baseline) {
        double ratio = Stats.ratio(measured, baseline);
        if (Double.isNaN(ratio)) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.2fx (%+.0f%%)", ratio, (ratio - 1) * 100);
    }

    /** MiB accepted past the limit; when nothing was refused, at least that many ("no refusal"). */
    static String overshoot(long acceptedMib, long limitMib, boolean refused) {
        long past = acceptedMib - limitMib;
        return refused ? past + " MiB" : ">= " + past + " MiB (no write refused)";
    }
}
