package io.converged.gluster.tools.cli;

import static io.converged.gluster.tools.cli.Ctl.controller;

import io.converged.gluster.csi.v1.CreateSnapshotRequest;
import io.converged.gluster.csi.v1.DeleteSnapshotRequest;
import io.converged.gluster.csi.v1.ListSnapshotsRequest;
import io.converged.gluster.csi.v1.ListSnapshotsResponse;
import io.converged.gluster.csi.v1.Snapshot;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The {@code gluster-csi-ctl} commands on snapshots, through the controller's CSI Controller service:
 * the work of {@code snapshots} (declared in {@link Ctl}), which lists them, and the {@code snapshot}
 * command ({@link SnapshotCommand}) whose {@code create} and {@code delete} take and delete one.
 */
final class SnapshotCommands {
    private final Ctl ctl;

    SnapshotCommands(Ctl ctl) {
        this.ctl = ctl;
    }

    /** The {@code snapshot} command, to add beside this group's methods. */
    SnapshotCommand snapshotCommand() {
        return new SnapshotCommand();
    }

    /** {@code snapshot create} and {@code snapshot delete}; {@code snapshots} lists them. */
    @Command(name = "snapshot", description = "Take or delete a snapshot (CreateSnapshot, DeleteSnapshot).",
            synopsisSubcommandLabel = "(create | delete)")
    final class SnapshotCommand {
        @Command(name = "create", description = "CreateSnapshot of a volume, with a VolumeSnapshotClass's"
                + " parameters (and overrides).")
        int create(
                @Parameters(paramLabel = "NAME", description = "the snapshot's name (a VolumeSnapshotContent's, in"
                        + " Kubernetes)") String name,
                @Option(names = "--source", required = true, paramLabel = "VOLUME_ID",
                        description = "the volume to snapshot") String source,
                @Option(names = "--snapshot-class", paramLabel = "FILE",
                        description = "a VolumeSnapshotClass YAML whose parameters the snapshot gets")
                Path snapshotClass,
                @Option(names = "--param", paramLabel = "KEY=VALUE",
                        description = "a parameter, over the class's; repeatable") Map<String, String> overrides,
                @Option(names = "--wait", description = "call again, as the snapshotter does, until the snapshot is"
                        + " ready") boolean wait) throws IOException, InterruptedException {
            Map<String, String> parameters = new TreeMap<>();
            if (snapshotClass != null) {
                parameters.putAll(VolumeCommands.storageClassParameters(snapshotClass));
            }
            if (overrides != null) {
                parameters.putAll(overrides);
            }
            CreateSnapshotRequest request = CreateSnapshotRequest.newBuilder().setName(name).setSourceVolumeId(source)
                    .putAllParameters(parameters).build();
            Snapshot snapshot = ctl.onController(c -> controller(c).createSnapshot(request).getSnapshot());
            while (wait && !snapshot.getReadyToUse()) {
                Thread.sleep(VolumeCommands.WAIT_POLL_MILLIS);
                snapshot = ctl.onController(c -> controller(c).createSnapshot(request).getSnapshot());
            }
            Map<String, Object> row = snapshotRow(snapshot);
            ctl.printer().printOne(row);
            return 0;
        }

        @Command(name = "delete", description = "DeleteSnapshot.")
        int delete(@Parameters(paramLabel = "ID") String id) {
            ctl.onController(c -> controller(c).deleteSnapshot(
                    DeleteSnapshotRequest.newBuilder().setSnapshotId(id).build()));
            Map<String, Object> row = Printer.ordered("deleted", id);
            ctl.printer().printOne(row);
            return 0;
        }
    }

    /** {@code snapshots}: every snapshot, or those of one volume ({@code source} not null). */
    int snapshots(String source) {
        List<Map<String, Object>> rows = ctl.onController(c -> {
            List<Map<String, Object>> found = new ArrayList<>();
            String token = "";
            do {
                ListSnapshotsResponse page = controller(c).listSnapshots(ListSnapshotsRequest.newBuilder()
                        .setMaxEntries(100).setStartingToken(token).setSourceVolumeId(source == null ? "" : source)
                        .build());
                page.getEntriesList().forEach(entry -> found.add(snapshotRow(entry.getSnapshot())));
                token = page.getNextToken();
            } while (!token.isEmpty());
            return found;
        });
        ctl.printer().print(rows, rows);
        return 0;
    }

    private static Map<String, Object> snapshotRow(Snapshot snapshot) {
        return Printer.ordered("id", snapshot.getSnapshotId(), "source", snapshot.getSourceVolumeId(),
                "size", Sizes.format(snapshot.getSizeBytes()),
                "created", Instant.ofEpochSecond(snapshot.getCreationTime().getSeconds(),
                        snapshot.getCreationTime().getNanos()).truncatedTo(ChronoUnit.SECONDS).toString(),
                "ready", snapshot.getReadyToUse());
    }
}
