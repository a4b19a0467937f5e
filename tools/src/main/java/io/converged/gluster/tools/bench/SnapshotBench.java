package io.converged.gluster.tools.bench;

import io.converged.gluster.csi.exec.CommandException;
import io.converged.gluster.csi.exec.CommandResult;
import io.converged.gluster.csi.exec.LocalCommandRunner;
import io.converged.gluster.csi.v1.CapacityRange;
import io.converged.gluster.csi.v1.CreateSnapshotRequest;
import io.converged.gluster.csi.v1.CreateVolumeRequest;
import io.converged.gluster.csi.v1.DeleteSnapshotRequest;
import io.converged.gluster.csi.v1.DeleteVolumeRequest;
import io.converged.gluster.csi.v1.VolumeContentSource;
import io.converged.gluster.tools.bench.Report.Row;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The snapshot section: a claim holding {@code files} files of {@code fileBytes} each (1 GiB in 1,000
 * files by default) is snapshotted and restored by the driver (CreateSnapshot, then CreateSnapshot again
 * every 100 ms until ready; CreateVolume from the snapshot, then again while it answers ABORTED) next to
 * the floor: {@code cp -a --sparse=always} of the same files between two FUSE mounts of the same pool,
 * in the same run, the driver's and the floor's copies interleaved and their order alternated round by
 * round, each started with the page cache dropped. The snapshot class names the claim's pool, so the
 * driver's copies also stay within one pool.
 */
final class SnapshotBench {
    static final String POOL = "bench-snap";
    private static final Duration TIMEOUT = Duration.ofMinutes(30);
    private static final long POLL_MILLIS = 100;

    private final Bench bench;
    private final LocalCommandRunner runner = new LocalCommandRunner();
    private final String run;
    private final List<String> volumes = new ArrayList<>();
    private final List<String> snapshots = new ArrayList<>();
    private Path source;
    private Path target;

    SnapshotBench(Bench bench, String run) {
        this.bench = bench;
        this.run = run;
    }

    private CreateVolumeRequest.Builder claim(String name, long bytes) {
        return CreateVolumeRequest.newBuilder().setName("pvc-" + name)
                .putParameters("pool", POOL).putParameters("replica", "3").putParameters("brickRoot", "/mnt/brick1")
                .putParameters("csi.storage.k8s.io/pvc/name", name)
                .putParameters("csi.storage.k8s.io/pvc/namespace", "bench")
                .addVolumeCapabilities(Bench.capability())
                .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(bytes));
    }

    void measure(int files, long fileBytes, int rounds) throws Exception {
        long total = files * fileBytes;
        long capacity = Math.max(2 * total, 1L << 30);
        bench.note("snapshot: a claim of pool " + POOL + " and two FUSE mounts of the pool");
        String claimId = bench.controller().createVolume(claim("snap-source-" + run, capacity).build()).getVolume()
                .getVolumeId();
        volumes.add(claimId);
        String directory = claimId.substring(claimId.indexOf('/') + 1);
        source = mount("bench-snap-source");
        target = mount("bench-snap-target");
        Path files0 = source.resolve(directory);
        bench.note("snapshot: writing " + files + " files of " + fileBytes + " bytes");
        double writeMs = Bench.millis(() -> write(files0, files, fileBytes));
        bench.report().add(new Row("snapshot", "the source: " + files + " files, " + Report.megabytes(total)
                + " written through FUSE", Report.millis(writeMs), "", "", "", ""));

        List<Double> snapshotMs = new ArrayList<>();
        List<Double> snapshotFloor = new ArrayList<>();
        List<Double> restoreMs = new ArrayList<>();
        List<Double> restoreFloor = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            boolean floorFirst = round % 2 == 1;
            String name = String.format(Locale.ROOT, "bench-snap-%s-%d", run, round);
            String snapshotId = POOL + "/.csi-snapshots/gcs-" + name;
            String floorCopy = "floor-snapshot-" + run + "-" + round;
            if (floorFirst) {
                snapshotFloor.add(floor(source.resolve(directory), target.resolve(floorCopy)));
            }
            snapshotMs.add(snapshot(name, claimId));
            if (!floorFirst) {
                snapshotFloor.add(floor(source.resolve(directory), target.resolve(floorCopy)));
            }
            String restored = "snap-restored-" + run + "-" + round;
            Path data = source.resolve(".csi-snapshots/gcs-" + name + "/data");
            String floorRestore = "floor-restore-" + run + "-" + round;
            if (!floorFirst) {
                restoreFloor.add(floor(data, target.resolve(floorRestore)));
            }
            restoreMs.add(restore(restored, capacity, snapshotId));
            if (floorFirst) {
                restoreFloor.add(floor(data, target.resolve(floorRestore)));
            }
            bench.note(String.format(Locale.ROOT, "snapshot round %d: snapshot %s (floor %s), restore %s (floor %s)",
                    round, Report.millis(last(snapshotMs)), Report.millis(last(snapshotFloor)),
                    Report.millis(last(restoreMs)), Report.millis(last(restoreFloor))));
            if (round == 1) {
                long used = Long.parseLong(must(List.of("du", "-s", "-B1", "--", data.toString())).stdout()
                        .split("\\s+")[0]);
                bench.report().add(new Row("snapshot", "space a snapshot takes (du of its data, one replica)",
                        Report.megabytes(used), Report.megabytes(total) + " (the source's files)", "", "", ""));
            }
            removeQuietly(target.resolve(floorCopy));
            removeQuietly(target.resolve(floorRestore));
        }
        compare("snapshot of " + Report.megabytes(total) + " in " + files + " files (until ready)", snapshotMs,
                snapshotFloor, total);
        compare("restore: CreateVolume from it (until full)", restoreMs, restoreFloor, total);
    }

    private static double last(List<Double> values) {
        return values.get(values.size() - 1);
    }

    private void compare(String what, List<Double> measured, List<Double> floor, long bytes) {
        double median = Stats.median(measured);
        double floorMedian = Stats.median(floor);
        double ratio = Stats.ratio(median, floorMedian);
        bench.report().add(new Row("snapshot", what + ", median (n=" + measured.size() + ")", Report.millis(median)
                + " (" + Report.throughput(bytes, median) + ")", Report.millis(floorMedian) + " (cp -a, "
                + Report.throughput(bytes, floorMedian) + ")", Report.times(ratio), "<= 1.2x",
                Report.verdict(ratio <= 1.2)));
        bench.report().add(new Row("snapshot", "  each round", measured.stream().map(Report::millis).toList()
                .toString(), floor.stream().map(Report::millis).toList().toString(), "", "", ""));
    }

    /** CreateSnapshot, then again every 100 ms until it says ready; the milliseconds from the first call. */
    private double snapshot(String name, String sourceId) throws Exception {
        coldCaches();
        CreateSnapshotRequest request = CreateSnapshotRequest.newBuilder().setName(name).setSourceVolumeId(sourceId)
                .putParameters("pool", POOL).putParameters("replica", "3").putParameters("brickRoot", "/mnt/brick1")
                .build();
        long start = System.nanoTime();
        while (!bench.controller().createSnapshot(request).getSnapshot().getReadyToUse()) {
            Thread.sleep(POLL_MILLIS);
        }
        double ms = (System.nanoTime() - start) / 1e6;
        snapshots.add(POOL + "/.csi-snapshots/gcs-" + name);
        return ms;
    }

    /** CreateVolume from the snapshot, then again every 100 ms while it answers ABORTED; then deletes it. */
    private double restore(String name, long bytes, String snapshotId) throws Exception {
        coldCaches();
        CreateVolumeRequest request = claim(name, bytes).setVolumeContentSource(VolumeContentSource.newBuilder()
                .setSnapshot(VolumeContentSource.SnapshotSource.newBuilder().setSnapshotId(snapshotId))).build();
        long start = System.nanoTime();
        String id;
        while (true) {
            try {
                id = bench.controller().createVolume(request).getVolume().getVolumeId();
                break;
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.ABORTED) {
                    throw e;
                }
            }
            Thread.sleep(POLL_MILLIS);
        }
        double ms = (System.nanoTime() - start) / 1e6;
        bench.controller().deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId(id).build());
        return ms;
    }

    /** The floor: {@code cp -a --sparse=always FROM/. TO} between the two mounts. */
    private double floor(Path from, Path to) throws Exception {
        coldCaches();
        return Bench.millis(() -> must(List.of("cp", "-a", "--sparse=always", "--", from + "/.", to.toString())));
    }

    /**
     * Writes every dirty page out and drops the kernel's page cache before a timed copy, the driver's and
     * the floor's alike: otherwise the floor's {@code cp} reads files its own source mount has just written
     * (or the round before read) from that mount's cache, while the driver reads them through a mount of
     * its own, and the comparison measures the cache rather than the copy.
     */
    private void coldCaches() throws Exception {
        must(List.of("sync"));
        Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "3\n");
    }

    private Path mount(String name) throws Exception {
        Path dir = Files.createDirectories(bench.dir().resolve(name));
        List<String> peers = bench.peers();
        must(List.of("mount", "-t", "glusterfs", "-o", "log-file=" + bench.dir().resolve(name + ".log")
                + ",backup-volfile-servers=" + String.join(":", peers.subList(1, peers.size())),
                peers.get(0) + ":/" + POOL, dir.toString()));
        return dir;
    }

    /** Files of distinct pseudo-random content (nothing a copy could skip or compress), one buffer reused. */
    private static void write(Path dir, int files, long fileBytes) throws IOException {
        Random random = new Random(files);
        byte[] block = new byte[1 << 20];
        random.nextBytes(block);
        for (int i = 0; i < files; i++) {
            Path file = dir.resolve(String.format(Locale.ROOT, "d%02d/f%04d", i % 20, i));
            Files.createDirectories(file.getParent());
            try (OutputStream out = Files.newOutputStream(file)) {
                for (long written = 0; written < fileBytes; written += block.length) {
                    ByteBuffer.wrap(block).putLong(0, i).putLong(8, written);
                    out.write(block, 0, (int) Math.min(block.length, fileBytes - written));
                }
            }
        }
    }

    private CommandResult must(List<String> argv) throws CommandException {
        CommandResult result = runner.run(argv, TIMEOUT);
        if (!result.succeeded()) {
            throw new CommandException(String.join(" ", argv) + ": " + result.message());
        }
        return result;
    }

    private void removeQuietly(Path path) {
        try {
            runner.run(List.of("rm", "-rf", "--one-file-system", "--", path.toString()), TIMEOUT);
        } catch (CommandException e) {
            bench.note("snapshot: cannot remove " + path + ": " + e.getMessage());
        }
    }

    /** Deletes what the section made: its snapshots, its claims, its mounts. */
    void cleanUp() {
        for (String id : snapshots) {
            try {
                bench.controller().deleteSnapshot(DeleteSnapshotRequest.newBuilder().setSnapshotId(id).build());
            } catch (RuntimeException e) {
                bench.note("snapshot clean-up: DeleteSnapshot " + id + " failed: " + e.getMessage());
            }
        }
        for (String id : volumes) {
            try {
                bench.deleteVolume(id);
            } catch (RuntimeException e) {
                bench.note("snapshot clean-up: DeleteVolume " + id + " failed: " + e.getMessage());
            }
        }
        for (Path mounted : new Path[] {source, target}) {
            if (mounted != null) {
                try {
                    runner.run(List.of("umount", mounted.toString()), TIMEOUT);
                } catch (CommandException e) {
                    bench.note("snapshot clean-up: umount " + mounted + " failed: " + e.getMessage());
                }
            }
        }
    }
}
