package io.converged.gluster.tools.bench;

import io.converged.gluster.csi.exec.CommandException;
import io.converged.gluster.csi.exec.CommandResult;
import io.converged.gluster.csi.exec.LocalCommandRunner;
import io.converged.gluster.csi.v1.ControllerGetVolumeRequest;
import io.converged.gluster.csi.v1.NodePublishVolumeRequest;
import io.converged.gluster.csi.v1.NodeStageVolumeRequest;
import io.converged.gluster.csi.v1.NodeUnpublishVolumeRequest;
import io.converged.gluster.csi.v1.NodeUnstageVolumeRequest;
import io.converged.gluster.tools.bench.Report.Row;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The node section: NodeStageVolume and NodePublishVolume (then their unpublish and unstage) of
 * the provisioning sequence's volumes under the node's kubelet directory, each cycle next to the
 * floor's: the same volume's raw twin mounted by hand with {@code mount -t glusterfs}, then
 * {@code mount --bind} into a pod directory. Targets: NodeStageVolume median at most 1.2x the
 * {@code mount -t glusterfs} median; NodePublishVolume median at most 20 ms (its floor,
 * {@code mount --bind}, is printed next to it).
 */
final class NodeBench {
    /** Recorded stage and publish cycles per volume, after one unrecorded warm-up cycle. */
    private static final int ROUNDS = 3;

    private final Bench bench;
    private final LocalCommandRunner runner = new LocalCommandRunner();

    NodeBench(Bench bench) {
        this.bench = bench;
    }

    /** Stages and publishes the first {@code volumes} of the sequence's (CSI id, raw name) pairs. */
    void measure(List<String[]> pairs, int volumes) throws Exception {
        int n = Math.min(volumes, pairs.size());
        bench.note("node: NodeStageVolume and NodePublishVolume of " + n
                + " volumes, next to raw mount -t glusterfs");
        // The node mounts only under the kubelet directory deploy/local/up gave it.
        Path base = Path.of(bench.env().get("KUBELET_DIR")).resolve("bench-mnt");
        List<Double> stage = new ArrayList<>();
        List<Double> publish = new ArrayList<>();
        List<Double> rawMount = new ArrayList<>();
        List<Double> rawBind = new ArrayList<>();
        Map<String, Map<String, String>> contexts = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String id = pairs.get(i)[0];
            contexts.put(id, bench.controller().controllerGetVolume(ControllerGetVolumeRequest.newBuilder()
                    .setVolumeId(id).build()).getVolume().getVolumeContextMap());
        }
        // One unrecorded cycle of each first (the first call through a cold JVM and a cold client
        // cache says nothing about the steady state), then ROUNDS recorded cycles per volume, the
        // driver's and the raw one interleaved so both see the same machine.
        for (int i = -1; i < n; i++) {
            boolean warmUp = i < 0;
            for (int round = 0; round < (warmUp ? 1 : ROUNDS); round++) {
                cycle(pairs.get(Math.max(i, 0)), base, contexts, warmUp ? new ArrayList<>() : stage,
                        warmUp ? new ArrayList<>() : publish, warmUp ? new ArrayList<>() : rawMount,
                        warmUp ? new ArrayList<>() : rawBind);
            }
        }
        addRows(stage, publish, rawMount, rawBind);
    }

    private void cycle(String[] pair, Path base, Map<String, Map<String, String>> contexts, List<Double> stage,
            List<Double> publish, List<Double> rawMount, List<Double> rawBind) throws Exception {
        String id = pair[0];
        Path staging = base.resolve("staging").resolve(id);
        Path target = base.resolve("pods").resolve(id).resolve("mount");
        try {
            stage.add(Bench.millis(() -> bench.node().nodeStageVolume(NodeStageVolumeRequest.newBuilder()
                    .setVolumeId(id).setStagingTargetPath(staging.toString()).putAllVolumeContext(contexts.get(id))
                    .setVolumeCapability(Bench.capability()).build())));
            publish.add(Bench.millis(() -> bench.node().nodePublishVolume(NodePublishVolumeRequest.newBuilder()
                    .setVolumeId(id).setStagingTargetPath(staging.toString()).setTargetPath(target.toString())
                    .setVolumeCapability(Bench.capability()).build())));
        } finally {
            bench.node().nodeUnpublishVolume(NodeUnpublishVolumeRequest.newBuilder().setVolumeId(id)
                    .setTargetPath(target.toString()).build());
            bench.node().nodeUnstageVolume(NodeUnstageVolumeRequest.newBuilder().setVolumeId(id)
                    .setStagingTargetPath(staging.toString()).build());
        }
        String rawName = pair[1];
        List<String> peers = bench.peers();
        Path rawDir = base.resolve("raw").resolve(rawName);
        Path rawTarget = base.resolve("raw-pods").resolve(rawName);
        Files.createDirectories(rawDir);
        Files.createDirectories(rawTarget);
        String mountOptions = "log-file=" + bench.dir().resolve("bench-client-" + rawName + ".log")
                + ",backup-volfile-servers=" + String.join(":", peers.subList(1, peers.size()));
        List<String> mount = List.of("mount", "-t", "glusterfs", "-o", mountOptions, peers.get(0) + ":/" + rawName,
                rawDir.toString());
        try {
            rawMount.add(Bench.millis(() -> must(mount)));
            rawBind.add(Bench.millis(() -> must(List.of("mount", "--bind", rawDir.toString(), rawTarget.toString()))));
        } finally {
            runner.run(List.of("umount", rawTarget.toString()), Duration.ofSeconds(60));
            runner.run(List.of("umount", rawDir.toString()), Duration.ofSeconds(60));
        }
    }

    private void addRows(List<Double> stage, List<Double> publish, List<Double> rawMount, List<Double> rawBind) {
        Report report = bench.report();
        double stageMedian = Stats.median(stage);
        double mountMedian = Stats.median(rawMount);
        double stageRatio = Stats.ratio(stageMedian, mountMedian);
        report.add(new Row("node", "NodeStageVolume median (n=" + stage.size() + ")", Report.millis(stageMedian),
                Report.millis(mountMedian) + " (mount -t glusterfs)", Report.times(stageRatio), "<= 1.2x",
                Report.verdict(stageRatio <= 1.2)));
        double publishMedian = Stats.median(publish);
        double bindMedian = Stats.median(rawBind);
        report.add(new Row("node", "NodePublishVolume median", Report.millis(publishMedian),
                Report.millis(bindMedian) + " (mount --bind)", Report.times(Stats.ratio(publishMedian, bindMedian)),
                "<= 20 ms", Report.verdict(publishMedian <= 20)));
        bench.note("node: stage " + Report.millis(stageMedian) + " vs mount " + Report.millis(mountMedian)
                + ", publish " + Report.millis(publishMedian));
    }

    private void must(List<String> argv) throws CommandException {
        CommandResult result = runner.run(argv, Duration.ofSeconds(120));
        if (!result.succeeded()) {
            throw new CommandException(String.join(" ", argv) + ": " + result.message());
        }
    }
}
