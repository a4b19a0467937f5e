package io.converged.gluster.tools.cli;

import io.converged.gluster.csi.runtime.Endpoint;
import io.converged.gluster.csi.runtime.UnixChannel;
import io.converged.gluster.csi.v1.CapacityRange;
import io.converged.gluster.csi.v1.ControllerExpandVolumeRequest;
import io.converged.gluster.csi.v1.ControllerGetVolumeRequest;
import io.converged.gluster.csi.v1.ControllerGetVolumeResponse;
import io.converged.gluster.csi.v1.ControllerGrpc;
import io.converged.gluster.csi.v1.CreateVolumeRequest;
import io.converged.gluster.csi.v1.DeleteVolumeRequest;
import io.converged.gluster.csi.v1.GetPluginCapabilitiesRequest;
import io.converged.gluster.csi.v1.GetPluginInfoRequest;
import io.converged.gluster.csi.v1.IdentityGrpc;
import io.converged.gluster.csi.v1.ListVolumesRequest;
import io.converged.gluster.csi.v1.ListVolumesResponse;
import io.converged.gluster.csi.v1.NodeGetVolumeStatsRequest;
import io.converged.gluster.csi.v1.NodeGetVolumeStatsResponse;
import io.converged.gluster.csi.v1.NodeGrpc;
import io.converged.gluster.csi.v1.NodePublishVolumeRequest;
import io.converged.gluster.csi.v1.NodeStageVolumeRequest;
import io.converged.gluster.csi.v1.NodeUnpublishVolumeRequest;
import io.converged.gluster.csi.v1.NodeUnstageVolumeRequest;
import io.converged.gluster.csi.v1.ProbeRequest;
import io.converged.gluster.csi.v1.Volume;
import io.converged.gluster.csi.v1.VolumeCapability;
import io.converged.gluster.csi.v1.VolumeUsage;
import io.grpc.StatusRuntimeException;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code gluster-csi-ctl}: an operator's client for the CSI sockets, for what the sidecars cannot
 * answer by hand — list volumes, create, delete, expand, stage and publish, stats, probe. Tables by
 * default, {@code -o json} for scripts. Run it from the controller jar:
 * {@code java -cp gluster-csi-controller.jar io.converged.gluster.tools.cli.Ctl --help}.
 */
public final class Ctl {
    /** Netty warns that unix sockets have no SO_KEEPALIVE: noise for a command-line tool. Held strongly,
     * as the JDK keeps loggers only weakly and would forget the level. */
    private static final java.util.logging.Logger NETTY_BOOTSTRAP =
            java.util.logging.Logger.getLogger("io.grpc.netty.shaded.io.netty.bootstrap");
    static final String USAGE = """
            Usage: gluster-csi-ctl [--controller URL] [--node URL] [-o table|json] COMMAND [ARGS]
            Endpoints default to $CSI_CONTROLLER_ENDPOINT and $CSI_NODE_ENDPOINT (deploy/local/up's env).

            Commands:
              probe                          Probe every endpoint given; exit 0 when all are ready
              info                           plugin name, version and capabilities of each endpoint
              volumes                        list this driver's volumes with capacity, replica, bricks, condition
              create NAME [--size 1Gi] [--storage-class FILE] [--param KEY=VALUE]... [--pvc NAMESPACE/NAME]
                                             CreateVolume with a StorageClass's parameters (and overrides)
              describe ID                    the volume as `kubectl describe pv` shows it
              expand ID SIZE                 ControllerExpandVolume
              delete ID                      DeleteVolume
              stage ID STAGING_DIR           NodeStageVolume (volume context read from the controller)
              publish ID STAGING_DIR TARGET [--read-only]
              unpublish ID TARGET
              unstage ID STAGING_DIR
              stats ID PATH                  NodeGetVolumeStats: bytes, inodes and condition
            """;

    private final PrintStream out;
    private final PrintStream err;
    private String controller = System.getenv().getOrDefault("CSI_CONTROLLER_ENDPOINT", "");
    private String node = System.getenv().getOrDefault("CSI_NODE_ENDPOINT", "");
    private boolean json;

    Ctl(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        NETTY_BOOTSTRAP.setLevel(java.util.logging.Level.SEVERE);
        System.exit(new Ctl(System.out, System.err).run(args));
    }

    /** A row whose columns keep the order given: key, value, key, value... */
    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
            row.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return row;
    }

    /** Runs one command; returns the exit code (0 ok, 1 failed call, 2 bad usage). */
    int run(String[] args) {
        List<String> rest = new ArrayList<>();
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--controller" -> controller = value(args, ++i, "--controller");
                    case "--node" -> node = value(args, ++i, "--node");
                    case "-o", "--output" -> json = switch (value(args, ++i, "-o")) {
                        case "json" -> true;
                        case "table" -> false;
                        default -> throw new IllegalArgumentException("-o takes table or json");
                    };
                    case "-h", "--help" -> {
                        out.print(USAGE);
                        return 0;
                    }
                    default -> rest.add(args[i]);
                }
            }
            if (rest.isEmpty()) {
                err.print(USAGE);
                return 2;
            }
            return dispatch(rest.get(0), rest.subList(1, rest.size()));
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return 2;
        } catch (StatusRuntimeException e) {
            err.println("error: " + e.getStatus().getCode() + ": " + e.getStatus().getDescription());
            return 1;
        } catch (IOException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }

    private int dispatch(String command, List<String> args) throws IOException {
        return switch (command) {
            case "probe" -> probe();
            case "info" -> info();
            case "volumes" -> volumes();
            case "create" -> create(args);
            case "describe" -> describe(one(args, "describe ID"));
            case "expand" -> expand(args);
            case "delete" -> delete(one(args, "delete ID"));
            case "stage" -> stage(args);
            case "publish" -> publish(args);
            case "unpublish" -> unpublish(args);
            case "unstage" -> unstage(args);
            case "stats" -> stats(args);
            default -> throw new IllegalArgumentException("unknown command '" + command + "'; see --help");
        };
    }

    private static String one(List<String> args, String usage) {
        if (args.size() != 1) {
            throw new IllegalArgumentException("usage: " + usage);
        }
        return args.get(0);
    }

    private interface Call<T> {
        T call(UnixChannel channel);
    }

    private <T> T onEndpoint(String url, String which, Call<T> call) {
        if (url.isEmpty()) {
            throw new IllegalArgumentException("no " + which + " endpoint: give --" + which + " or set CSI_"
                    + which.toUpperCase(java.util.Locale.ROOT) + "_ENDPOINT");
        }
        try (UnixChannel channel = UnixChannel.open(Endpoint.parse(url))) {
            return call.call(channel);
        }
    }

    private ControllerGrpc.ControllerBlockingStub controller(UnixChannel c) {
        return ControllerGrpc.newBlockingStub(c.channel()).withDeadlineAfter(10, TimeUnit.MINUTES);
    }

    private NodeGrpc.NodeBlockingStub node(UnixChannel c) {
        return NodeGrpc.newBlockingStub(c.channel()).withDeadlineAfter(5, TimeUnit.MINUTES);
    }

    private int probe() {
        Map<String, Object> result = new LinkedHashMap<>();
        boolean allReady = true;
        for (String which : List.of("controller", "node")) {
            String url = which.equals("controller") ? controller : node;
            if (url.isEmpty()) {
                continue;
            }
            boolean ready;
            try {
                ready = onEndpoint(url, which, c -> IdentityGrpc.newBlockingStub(c.channel())
                        .withDeadlineAfter(10, TimeUnit.SECONDS).probe(ProbeRequest.getDefaultInstance())
                        .getReady().getValue());
            } catch (StatusRuntimeException e) {
                ready = false;
            }
            result.put(which, ready ? "ready" : "not ready");
            allReady &= ready;
        }
        if (result.isEmpty()) {
            throw new IllegalArgumentException("no endpoint given; use --controller and/or --node");
        }
        print(result, List.of(result));
        return allReady ? 0 : 1;
    }

    private int info() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String which : List.of("controller", "node")) {
            String url = which.equals("controller") ? controller : node;
            if (url.isEmpty()) {
                continue;
            }
            rows.add(onEndpoint(url, which, c -> {
                var identity = IdentityGrpc.newBlockingStub(c.channel()).withDeadlineAfter(10, TimeUnit.SECONDS);
                var info = identity.getPluginInfo(GetPluginInfoRequest.getDefaultInstance());
                var caps = identity.getPluginCapabilities(GetPluginCapabilitiesRequest.getDefaultInstance());
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("endpoint", which);
                row.put("name", info.getName());
                row.put("version", info.getVendorVersion());
                row.put("capabilities", caps.getCapabilitiesList().stream().map(cap -> cap.hasService()
                        ? cap.getService().getType().name() : "EXPANSION_" + cap.getVolumeExpansion().getType())
                        .toList());
                return row;
            }));
        }
        print(rows, rows);
        return 0;
    }

    @SuppressWarnings("deprecation")
    private int volumes() {
        List<Map<String, Object>> rows = onEndpoint(controller, "controller", c -> {
            List<Map<String, Object>> all = new ArrayList<>();
            String token = "";
            do {
                ListVolumesResponse page = controller(c).listVolumes(ListVolumesRequest.newBuilder()
                        .setMaxEntries(100).setStartingToken(token).build());
                for (ListVolumesResponse.Entry entry : page.getEntriesList()) {
                    Map<String, Object> row = volumeRow(entry.getVolume());
                    var condition = entry.getStatus().getVolumeCondition();
                    row.put("condition", condition.getAbnormal() ? "abnormal: " + condition.getMessage() : "ok");
                    all.add(row);
                }
                token = page.getNextToken();
            } while (!token.isEmpty());
            return all;
        });
        print(rows, rows);
        return 0;
    }

    private static Map<String, Object> volumeRow(Volume volume) {
        Map<String, String> context = volume.getVolumeContextMap();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", volume.getVolumeId());
        row.put("capacity", Sizes.format(volume.getCapacityBytes()));
        row.put("replica", context.getOrDefault("replica", "?")
                + ("true".equals(context.get("arbiter")) ? " arbiter 1" : ""));
        row.put("bricks", context.getOrDefault("bricks", ""));
        return row;
    }

    private int create(List<String> args) throws IOException {
        if (args.isEmpty()) {
            throw new IllegalArgumentException("usage: create NAME [--size 1Gi] [--storage-class FILE] [--param K=V]...");
        }
        String name = args.get(0);
        String[] words = args.toArray(String[]::new);
        long size = 1L << 30;
        Map<String, String> parameters = new TreeMap<>();
        for (int i = 1; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--size" -> size = Sizes.parse(value(words, ++i, "--size"));
                case "--storage-class" -> parameters.putAll(storageClassParameters(
                        Path.of(value(words, ++i, "--storage-class"))));
                case "--param" -> {
                    String kv = value(words, ++i, "--param");
                    int eq = kv.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("--param takes KEY=VALUE, got '" + kv + "'");
                    }
                    parameters.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
                case "--pvc" -> {
                    String[] ns = value(words, ++i, "--pvc").split("/", 2);
                    if (ns.length != 2) {
                        throw new IllegalArgumentException("--pvc takes NAMESPACE/NAME");
                    }
                    parameters.put("csi.storage.k8s.io/pvc/namespace", ns[0]);
                    parameters.put("csi.storage.k8s.io/pvc/name", ns[1]);
                }
                default -> throw new IllegalArgumentException("unknown create option " + args.get(i));
            }
        }
        long bytes = size;
        Volume volume = onEndpoint(controller, "controller", c -> controller(c).createVolume(
                CreateVolumeRequest.newBuilder().setName(name).putAllParameters(parameters)
                        .addVolumeCapabilities(mountCapability(false))
                        .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(bytes)).build()).getVolume());
        Map<String, Object> row = volumeRow(volume);
        row.put("context", new TreeMap<>(volume.getVolumeContextMap()));
        print(row, List.of(volumeRow(volume)));
        return 0;
    }

    static Map<String, String> storageClassParameters(Path file) throws IOException {
        JsonNode parameters = new YAMLMapper().readTree(Files.readString(file)).path("parameters");
        Map<String, String> result = new TreeMap<>();
        parameters.properties().forEach(e -> result.put(e.getKey(), e.getValue().asString()));
        return result;
    }

    private int describe(String id) {
        ControllerGetVolumeResponse answer = onEndpoint(controller, "controller", c -> controller(c)
                .controllerGetVolume(ControllerGetVolumeRequest.newBuilder().setVolumeId(id).build()));
        Volume volume = answer.getVolume();
        if (json) {
            Map<String, Object> row = volumeRow(volume);
            row.put("context", new TreeMap<>(volume.getVolumeContextMap()));
            out.println(Json.write(row));
            return 0;
        }
        out.print(PvDescription.render(volume, answer));
        return 0;
    }

    private int expand(List<String> args) {
        if (args.size() != 2) {
            throw new IllegalArgumentException("usage: expand ID SIZE");
        }
        long bytes = Sizes.parse(args.get(1));
        var answer = onEndpoint(controller, "controller", c -> controller(c).controllerExpandVolume(
                ControllerExpandVolumeRequest.newBuilder().setVolumeId(args.get(0))
                        .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(bytes)).build()));
        Map<String, Object> row = ordered("id", args.get(0), "capacity", Sizes.format(answer.getCapacityBytes()));
        print(row, List.of(row));
        return 0;
    }

    private int delete(String id) {
        onEndpoint(controller, "controller", c -> controller(c).deleteVolume(
                DeleteVolumeRequest.newBuilder().setVolumeId(id).build()));
        Map<String, Object> row = ordered("deleted", id);
        print(row, List.of(row));
        return 0;
    }

    private static VolumeCapability mountCapability(boolean readOnly) {
        return VolumeCapability.newBuilder()
                .setMount(VolumeCapability.MountVolume.getDefaultInstance())
                .setAccessMode(VolumeCapability.AccessMode.newBuilder().setMode(readOnly
                        ? VolumeCapability.AccessMode.Mode.MULTI_NODE_READER_ONLY
                        : VolumeCapability.AccessMode.Mode.MULTI_NODE_MULTI_WRITER))
                .build();
    }

    private int stage(List<String> args) {
        if (args.size() != 2) {
            throw new IllegalArgumentException("usage: stage ID STAGING_DIR");
        }
        Map<String, String> context = onEndpoint(controller, "controller", c -> controller(c).controllerGetVolume(
                ControllerGetVolumeRequest.newBuilder().setVolumeId(args.get(0)).build()).getVolume()
                .getVolumeContextMap());
        onEndpoint(node, "node", c -> node(c).nodeStageVolume(NodeStageVolumeRequest.newBuilder()
                .setVolumeId(args.get(0)).setStagingTargetPath(args.get(1)).putAllVolumeContext(context)
                .setVolumeCapability(mountCapability(false)).build()));
        Map<String, Object> row = ordered("staged", args.get(0), "at", args.get(1));
        print(row, List.of(row));
        return 0;
    }

    private int publish(List<String> args) {
        boolean readOnly = args.contains("--read-only");
        List<String> positional = args.stream().filter(a -> !a.equals("--read-only")).toList();
        if (positional.size() != 3) {
            throw new IllegalArgumentException("usage: publish ID STAGING_DIR TARGET [--read-only]");
        }
        onEndpoint(node, "node", c -> node(c).nodePublishVolume(NodePublishVolumeRequest.newBuilder()
                .setVolumeId(positional.get(0)).setStagingTargetPath(positional.get(1))
                .setTargetPath(positional.get(2)).setReadonly(readOnly)
                .setVolumeCapability(mountCapability(readOnly)).build()));
        Map<String, Object> row = ordered("published", positional.get(0), "at", positional.get(2),
                "readOnly", readOnly);
        print(row, List.of(row));
        return 0;
    }

    private int unpublish(List<String> args) {
        if (args.size() != 2) {
            throw new IllegalArgumentException("usage: unpublish ID TARGET");
        }
        onEndpoint(node, "node", c -> node(c).nodeUnpublishVolume(NodeUnpublishVolumeRequest.newBuilder()
                .setVolumeId(args.get(0)).setTargetPath(args.get(1)).build()));
        Map<String, Object> row = ordered("unpublished", args.get(0), "from", args.get(1));
        print(row, List.of(row));
        return 0;
    }

    private int unstage(List<String> args) {
        if (args.size() != 2) {
            throw new IllegalArgumentException("usage: unstage ID STAGING_DIR");
        }
        onEndpoint(node, "node", c -> node(c).nodeUnstageVolume(NodeUnstageVolumeRequest.newBuilder()
                .setVolumeId(args.get(0)).setStagingTargetPath(args.get(1)).build()));
        Map<String, Object> row = ordered("unstaged", args.get(0), "from", args.get(1));
        print(row, List.of(row));
        return 0;
    }

    @SuppressWarnings("deprecation")
    private int stats(List<String> args) {
        if (args.size() != 2) {
            throw new IllegalArgumentException("usage: stats ID PATH");
        }
        NodeGetVolumeStatsResponse stats = onEndpoint(node, "node", c -> node(c).nodeGetVolumeStats(
                NodeGetVolumeStatsRequest.newBuilder().setVolumeId(args.get(0)).setVolumePath(args.get(1)).build()));
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", args.get(0));
        for (VolumeUsage usage : stats.getUsageList()) {
            String unit = usage.getUnit() == VolumeUsage.Unit.BYTES ? "bytes" : "inodes";
            row.put(unit + "Total", usage.getTotal());
            row.put(unit + "Used", usage.getUsed());
            row.put(unit + "Available", usage.getAvailable());
        }
        row.put("condition", stats.getVolumeCondition().getAbnormal()
                ? "abnormal: " + stats.getVolumeCondition().getMessage() : "ok");
        print(row, List.of(row));
        return 0;
    }

    /** Prints JSON of the whole answer, or a table of the rows. */
    private void print(Object whole, List<? extends Map<String, ?>> rows) {
        if (json) {
            out.println(Json.write(whole));
        } else {
            out.print(Table.render(rows));
        }
    }
}
