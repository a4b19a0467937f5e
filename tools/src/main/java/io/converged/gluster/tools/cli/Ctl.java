package io.converged.gluster.tools.cli;

import io.converged.gluster.csi.admin.v1.AdminGrpc;
import io.converged.gluster.csi.admin.v1.GetPoolRequest;
import io.converged.gluster.csi.admin.v1.GetPoolResponse;
import io.converged.gluster.csi.admin.v1.Peer;
import io.converged.gluster.csi.admin.v1.UuidClash;
import io.converged.gluster.csi.runtime.Driver;
import io.converged.gluster.csi.v1.CapacityRange;
import io.converged.gluster.csi.v1.ControllerExpandVolumeRequest;
import io.converged.gluster.csi.v1.ControllerGetVolumeRequest;
import io.converged.gluster.csi.v1.ControllerGetVolumeResponse;
import io.converged.gluster.csi.v1.ControllerGrpc;
import io.converged.gluster.csi.v1.CreateSnapshotRequest;
import io.converged.gluster.csi.v1.CreateVolumeRequest;
import io.converged.gluster.csi.v1.DeleteSnapshotRequest;
import io.converged.gluster.csi.v1.DeleteVolumeRequest;
import io.converged.gluster.csi.v1.GetPluginCapabilitiesRequest;
import io.converged.gluster.csi.v1.GetCapacityRequest;
import io.converged.gluster.csi.v1.GetPluginInfoRequest;
import io.converged.gluster.csi.v1.IdentityGrpc;
import io.converged.gluster.csi.v1.ListSnapshotsRequest;
import io.converged.gluster.csi.v1.ListSnapshotsResponse;
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
import io.converged.gluster.csi.v1.Snapshot;
import io.converged.gluster.csi.v1.Volume;
import io.converged.gluster.csi.v1.VolumeCapability;
import io.converged.gluster.csi.v1.VolumeContentSource;
import io.converged.gluster.csi.v1.VolumeUsage;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.util.DefaultIndenter;
import tools.jackson.core.util.DefaultPrettyPrinter;
import tools.jackson.core.util.Separators;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * {@code gluster-csi-ctl}: an operator's client for the CSI sockets, for what the sidecars cannot
 * answer by hand — list volumes, create (from a snapshot or a volume too), delete, expand, stage and
 * publish, stats, probe; list, take and delete snapshots. Tables by
 * default, {@code -o json} for scripts. It is the main class of the tools jar:
 * {@code java -jar tools/target/gluster-csi-tools.jar --help}. Exit codes: 0 ok, 1 a call failed,
 * 2 bad usage (picocli's answer to an unknown option or a missing argument).
 */
@Command(name = "gluster-csi-ctl", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT,
        versionProvider = Ctl.Version.class, sortOptions = false,
        description = "A client of the gluster-csi sockets: list, create, describe, expand and delete volumes; "
                + "list, take and delete snapshots; stage, publish and their undoing; stats and probe; the storage"
                + " peers, and moving bricks off them.",
        subcommands = PeerCommand.class,
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:ok", "1:a call failed (error: CODE: description)", "2:bad usage"})
public final class Ctl {
    /** Netty warns that unix sockets have no SO_KEEPALIVE: noise for a command-line tool. Held strongly,
     * as the JDK keeps loggers only weakly and would forget the level. */
    private static final Logger NETTY_BOOTSTRAP = Logger.getLogger("io.grpc.netty.shaded.io.netty.bootstrap");
    /** JSON as scripts read it: {@code "key": value}, two spaces a level, one array element a line. */
    private static final ObjectWriter JSON = JsonMapper.shared().writer().with(new DefaultPrettyPrinter(
            Separators.createDefaultInstance().withObjectNameValueSpacing(Separators.Spacing.AFTER)
                    .withObjectEmptySeparator("").withArrayEmptySeparator(""))
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n")));

    /** How answers are printed. */
    enum Output {
        TABLE, JSON;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The claim a volume is for, as the external-provisioner passes it. */
    record Claim(String namespace, String name) {
        static Claim parse(String text) {
            String[] parts = text.split("/", 2);
            if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
                throw new TypeConversionException("expected NAMESPACE/NAME but was '" + text + "'");
            }
            return new Claim(parts[0], parts[1]);
        }
    }

    /** {@code --version}: the project version the jar was built from. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"gluster-csi-ctl " + Driver.version()};
        }
    }

    private final PrintWriter out;
    private final PrintWriter err;

    @Spec
    private CommandSpec spec;

    @Option(names = "--controller", paramLabel = "URL", scope = ScopeType.INHERIT,
            defaultValue = "${env:CSI_CONTROLLER_ENDPOINT}",
            description = "the controller's socket, unix:///path/csi.sock, or its admin address tcp://HOST:PORT"
                    + " (default: $CSI_CONTROLLER_ENDPOINT)")
    private Target controller;

    @Option(names = "--node", paramLabel = "URL", scope = ScopeType.INHERIT,
            defaultValue = "${env:CSI_NODE_ENDPOINT}",
            description = "the node server's socket, unix:///path/csi.sock (default: $CSI_NODE_ENDPOINT)")
    private Target node;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", scope = ScopeType.INHERIT, defaultValue = "table",
            description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    private Output output;

    Ctl(PrintWriter out, PrintWriter err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        NETTY_BOOTSTRAP.setLevel(Level.SEVERE);
        System.exit(new Ctl(new PrintWriter(System.out, true), new PrintWriter(System.err, true)).run(args));
    }

    /** Runs one command; returns the exit code (0 ok, 1 failed call, 2 bad usage). */
    int run(String... args) {
        CommandLine line = new CommandLine(this);
        line.addSubcommand(new CommandLine(new SnapshotCommands()));
        line.setOut(out)
                .setErr(err)
                .setCaseInsensitiveEnumValuesAllowed(true)
                .registerConverter(Target.class, Ctl::target)
                .registerConverter(Claim.class, Claim::parse)
                .setExecutionExceptionHandler(this::failedCall);
        try {
            return line.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    private static Target target(String url) {
        if (url.isBlank()) {
            return null;
        }
        try {
            return Target.parse(url);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }

    /** A call that failed is exit code 1 with its gRPC code; anything else is a bug and keeps its stack trace. */
    private int failedCall(Exception e, CommandLine line, ParseResult parsed) throws Exception {
        if (e instanceof StatusRuntimeException call) {
            err.println("error: " + call.getStatus().getCode() + ": " + call.getStatus().getDescription());
            return 1;
        }
        if (e instanceof NoSuchFileException missing) {
            err.println("error: no such file: " + missing.getFile());
            return 1;
        }
        if (e instanceof IOException || e instanceof JacksonException) {
            err.println("error: " + e.getMessage());
            return 1;
        }
        throw e;
    }

    /** Bad usage found after parsing (exit code 2), shown with the help of the command that was run. */
    ParameterException usage(String message) {
        List<CommandLine> parsed = spec.commandLine().getParseResult().asCommandLineList();
        return new ParameterException(parsed.get(parsed.size() - 1), message);
    }

    /** A row whose columns keep the order given: key, value, key, value... */
    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
            row.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return row;
    }

    interface Call<T> {
        T call(Target.Connection channel);
    }

    <T> T onEndpoint(Target endpoint, String which, Call<T> call) {
        if (endpoint == null) {
            throw usage("no " + which + " endpoint: give --" + which + " URL or set CSI_"
                    + which.toUpperCase(Locale.ROOT) + "_ENDPOINT");
        }
        try (Target.Connection channel = endpoint.open()) {
            return call.call(channel);
        }
    }

    /** Where progress lines go: stderr, so stdout holds only the answer (a table, or JSON). */
    PrintWriter progress() {
        return err;
    }

    /** Runs the call on the controller's endpoint. */
    <T> T onController(Call<T> call) {
        return onEndpoint(controller, "controller", call);
    }

    private ControllerGrpc.ControllerBlockingStub controller(Target.Connection c) {
        return ControllerGrpc.newBlockingStub(c.channel()).withDeadlineAfter(10, TimeUnit.MINUTES);
    }

    private NodeGrpc.NodeBlockingStub node(Target.Connection c) {
        return NodeGrpc.newBlockingStub(c.channel()).withDeadlineAfter(5, TimeUnit.MINUTES);
    }

    /** The endpoints given, controller first, by name. */
    private Map<String, Target> endpointsGiven() {
        Map<String, Target> given = new LinkedHashMap<>();
        if (controller != null) {
            given.put("controller", controller);
        }
        if (node != null) {
            given.put("node", node);
        }
        if (given.isEmpty()) {
            throw usage("no endpoint given; use --controller and/or --node");
        }
        return given;
    }

    @Command(name = "probe", description = "Probe every endpoint given; exit 0 when all are ready.")
    int probe() {
        Map<String, Object> result = new LinkedHashMap<>();
        boolean allReady = true;
        for (Map.Entry<String, Target> endpoint : endpointsGiven().entrySet()) {
            boolean ready;
            try {
                ready = onEndpoint(endpoint.getValue(), endpoint.getKey(), c -> IdentityGrpc.newBlockingStub(
                        c.channel()).withDeadlineAfter(10, TimeUnit.SECONDS).probe(ProbeRequest.getDefaultInstance())
                        .getReady().getValue());
            } catch (StatusRuntimeException e) {
                ready = false;
            }
            result.put(endpoint.getKey(), ready ? "ready" : "not ready");
            allReady &= ready;
        }
        print(result, List.of(result));
        return allReady ? 0 : 1;
    }

    @Command(name = "info", description = "Plugin name, version and capabilities of each endpoint given.")
    int info() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Map.Entry<String, Target> endpoint : endpointsGiven().entrySet()) {
            rows.add(onEndpoint(endpoint.getValue(), endpoint.getKey(), c -> {
                var identity = IdentityGrpc.newBlockingStub(c.channel()).withDeadlineAfter(10, TimeUnit.SECONDS);
                var info = identity.getPluginInfo(GetPluginInfoRequest.getDefaultInstance());
                var caps = identity.getPluginCapabilities(GetPluginCapabilitiesRequest.getDefaultInstance());
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("endpoint", endpoint.getKey());
                row.put("name", info.getName());
                row.put("version", info.getVendorVersion());
                row.put("capabilities", caps.getCapabilitiesList().stream().map(cap -> cap.hasService()
                        ? cap.getService().getType().name() : "EXPANSION_" + cap.getVolumeExpansion().getType())
                        .toList());
                if (endpoint.getKey().equals("controller")) {
                    poolFacts(c).ifPresent(row::putAll);
                }
                return row;
            }));
        }
        print(rows, rows);
        return 0;
    }

    /**
     * What the controller's admin API says about the trusted storage pool, for {@code info}: peers
     * that share a UUID (and the fix), and the automatic replacement of lost peers. Empty from a
     * controller without the admin API.
     */
    private Optional<Map<String, Object>> poolFacts(Target.Connection c) {
        GetPoolResponse pool;
        try {
            pool = AdminGrpc.newBlockingStub(c.channel()).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .getPool(GetPoolRequest.getDefaultInstance());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
                return Optional.empty();
            }
            return Optional.of(Map.of("pool", "cannot be read: " + e.getStatus().getCode() + ": "
                    + e.getStatus().getDescription()));
        }
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("peers", pool.getPeersCount() + " (" + pool.getPeersList().stream().filter(Peer::getConnected)
                .count() + " connected)");
        facts.put("uuidClashes", pool.getUuidClashesList().isEmpty() ? List.of()
                : pool.getUuidClashesList().stream().map(UuidClash::getFix).toList());
        facts.put("autoReplace", pool.getAutoReplace().getStatus());
        if (!pool.getUuidClashesList().isEmpty()) {
            pool.getUuidClashesList().forEach(clash -> err.println("warning: " + clash.getFix()));
        }
        return Optional.of(facts);
    }

    @Command(name = "peers", description = "The storage peers of the trusted pool: address, UUID, state, where the"
            + " controller discovers them, bricks; peers that share a UUID, and the automatic replacement.")
    int peers() {
        GetPoolResponse pool = onController(c -> AdminGrpc.newBlockingStub(c.channel())
                .withDeadlineAfter(2, TimeUnit.MINUTES).getPool(GetPoolRequest.getDefaultInstance()));
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Peer peer : pool.getPeersList()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("address", peer.getAddress());
            row.put("uuid", peer.getUuid());
            row.put("state", peer.getConnected() ? "connected" : "disconnected"
                    + (peer.getDisconnectedSeconds() > 0 ? " " + peer.getDisconnectedSeconds() + "s" : ""));
            row.put("name", peer.getDiscovered() ? peer.getName() : "(not discovered)");
            row.put("node", peer.getNode());
            row.put("zone", peer.getZone());
            row.put("bricks", peer.getBricks());
            rows.add(row);
        }
        Map<String, Object> whole = new LinkedHashMap<>();
        whole.put("peers", rows);
        whole.put("uuidClashes", pool.getUuidClashesList().stream().map(clash -> ordered("uuid", clash.getUuid(),
                "addresses", clash.getAddressesList(), "fix", clash.getFix())).toList());
        whole.put("autoReplace", ordered("enabled", pool.getAutoReplace().getEnabled(), "afterSeconds",
                pool.getAutoReplace().getAfterSeconds(), "status", pool.getAutoReplace().getStatus()));
        print(whole, rows);
        if (output != Output.JSON) {
            pool.getUuidClashesList().forEach(clash -> err.println("warning: " + clash.getFix()));
            err.println("automatic replacement of lost peers: " + pool.getAutoReplace().getStatus());
        }
        return 0;
    }

    @SuppressWarnings("deprecation")
    @Command(name = "volumes", description = "This driver's volumes with capacity, replica, bricks and condition.")
    int volumes(@Option(names = "--pool", paramLabel = "POOL", description = "only the claims of this shared pool")
            String pool) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (ListVolumesResponse.Entry entry : onEndpoint(controller, "controller", this::listAll)) {
            if (pool != null && !pool.equals(entry.getVolume().getVolumeContextMap().get("pool"))) {
                continue;
            }
            Map<String, Object> row = volumeRow(entry.getVolume());
            var condition = entry.getStatus().getVolumeCondition();
            row.put("condition", condition.getAbnormal() ? "abnormal: " + condition.getMessage() : "ok");
            rows.add(row);
        }
        print(rows, rows);
        return 0;
    }

    /** Every volume, page by page. */
    private List<ListVolumesResponse.Entry> listAll(Target.Connection c) {
        List<ListVolumesResponse.Entry> all = new ArrayList<>();
        String token = "";
        do {
            ListVolumesResponse page = controller(c).listVolumes(ListVolumesRequest.newBuilder()
                    .setMaxEntries(100).setStartingToken(token).build());
            all.addAll(page.getEntriesList());
            token = page.getNextToken();
        } while (!token.isEmpty());
        return all;
    }

    @Command(name = "pools", description = "Shared pools: how many claims each holds, the sizes promised to them "
            + "(limits may add up past the disks), and the room the pool has left.")
    int pools() {
        List<Map<String, Object>> rows = onEndpoint(controller, "controller", c -> {
            Map<String, List<Volume>> byPool = new TreeMap<>();
            for (ListVolumesResponse.Entry entry : listAll(c)) {
                String pool = entry.getVolume().getVolumeContextMap().get("pool");
                if (pool != null) {
                    byPool.computeIfAbsent(pool, p -> new ArrayList<>()).add(entry.getVolume());
                }
            }
            List<Map<String, Object>> found = new ArrayList<>();
            byPool.forEach((pool, claims) -> {
                Map<String, String> context = claims.get(0).getVolumeContextMap();
                long free = controller(c).getCapacity(GetCapacityRequest.newBuilder().putParameters("pool", pool)
                        .putParameters("replica", context.getOrDefault("replica", "3"))
                        .putParameters("arbiter", context.getOrDefault("arbiter", "false"))
                        .putParameters("brickRoot", context.getOrDefault("brickRoot", "/mnt/brick1")).build())
                        .getAvailableCapacity();
                long promised = claims.stream().mapToLong(Volume::getCapacityBytes).sum();
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("pool", pool);
                row.put("claims", claims.size());
                row.put("promised", Sizes.format(promised));
                row.put("free", Sizes.format(free));
                row.put("bricks", context.getOrDefault("bricks", ""));
                found.add(row);
            });
            return found;
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

    private static Map<String, Object> volumeWithContext(Volume volume) {
        Map<String, Object> row = volumeRow(volume);
        row.put("context", new TreeMap<>(volume.getVolumeContextMap()));
        return row;
    }

    @Command(name = "health", description = "What the controller last saw of gluster (its /metrics): bricks online,"
            + " heal backlog and split-brain entries per gluster volume, quota used and limit per volume, and"
            + " whether each peer is connected.")
    int health(@Option(names = "--metrics", paramLabel = "URL", defaultValue = "${env:CSI_CONTROLLER_METRICS}",
            description = "the controller's metrics, e.g. http://127.0.0.1:9809/metrics (its --metrics-address;"
                    + " default: $CSI_CONTROLLER_METRICS)") String url) {
        if (url == null || url.isBlank()) {
            throw usage("no metrics URL: give --metrics http://HOST:PORT/metrics (the controller's"
                    + " --metrics-address) or set CSI_CONTROLLER_METRICS");
        }
        String text;
        try {
            java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                            .timeout(java.time.Duration.ofSeconds(10)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new CommandLine.ExecutionException(spec.commandLine(), url + " answered HTTP "
                        + response.statusCode());
            }
            text = response.body();
        } catch (java.io.IOException e) {
            throw new CommandLine.ExecutionException(spec.commandLine(), "cannot read " + url + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandLine.ExecutionException(spec.commandLine(), "interrupted reading " + url);
        }
        HealthFigures.Parsed parsed = HealthFigures.parse(text);
        if (output == Output.JSON) {
            out.println(json(Map.of("volumes", parsed.volumes(), "quotas", parsed.quotas(), "peers",
                    parsed.peers())));
        } else {
            out.print(Table.render(parsed.volumes()));
            out.println();
            out.print(Table.render(parsed.quotas()));
            out.println();
            out.print(Table.render(parsed.peers()));
        }
        return 0;
    }

    @Command(name = "create", description = "CreateVolume with a StorageClass's parameters (and overrides).")
    int create(
            @Parameters(paramLabel = "NAME", description = "the volume's name (a claim's, in Kubernetes)")
            String name,
            @Option(names = "--size", paramLabel = "SIZE", defaultValue = "1Gi", converter = Sizes.Converter.class,
                    description = "capacity: 1Gi, 512Mi, 10G or bytes (default: ${DEFAULT-VALUE})")
            long size,
            @Option(names = "--storage-class", paramLabel = "FILE",
                    description = "a StorageClass YAML whose parameters the volume gets")
            Path storageClass,
            @Option(names = "--param", paramLabel = "KEY=VALUE",
                    description = "a parameter, over the StorageClass's; repeatable")
            Map<String, String> overrides,
            @Option(names = "--pvc", paramLabel = "NAMESPACE/NAME",
                    description = "the claim, passed as the external-provisioner passes it")
            Claim claim,
            @Option(names = "--from-snapshot", paramLabel = "SNAPSHOT_ID",
                    description = "fill the volume from this snapshot (at least the snapshot's size)")
            String fromSnapshot,
            @Option(names = "--from-volume", paramLabel = "VOLUME_ID",
                    description = "fill the volume with a copy of this volume (a clone)")
            String fromVolume,
            @Option(names = "--wait", description = "with --from-*: call again, as the provisioner does, until the"
                    + " volume is full (the controller answers ABORTED while it copies)")
            boolean wait) throws IOException, InterruptedException {
        if (fromSnapshot != null && fromVolume != null) {
            throw usage("give --from-snapshot or --from-volume, not both");
        }
        Map<String, String> parameters = new TreeMap<>();
        if (storageClass != null) {
            parameters.putAll(storageClassParameters(storageClass));
        }
        if (overrides != null) {
            parameters.putAll(overrides);
        }
        if (claim != null) {
            parameters.put("csi.storage.k8s.io/pvc/namespace", claim.namespace());
            parameters.put("csi.storage.k8s.io/pvc/name", claim.name());
        }
        CreateVolumeRequest.Builder request = CreateVolumeRequest.newBuilder().setName(name)
                .putAllParameters(parameters).addVolumeCapabilities(mountCapability(false))
                .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(size));
        if (fromSnapshot != null) {
            request.setVolumeContentSource(VolumeContentSource.newBuilder().setSnapshot(
                    VolumeContentSource.SnapshotSource.newBuilder().setSnapshotId(fromSnapshot)));
        } else if (fromVolume != null) {
            request.setVolumeContentSource(VolumeContentSource.newBuilder().setVolume(
                    VolumeContentSource.VolumeSource.newBuilder().setVolumeId(fromVolume)));
        }
        Volume volume = wait ? untilFilled(request.build())
                : onEndpoint(controller, "controller", c -> controller(c).createVolume(request.build()).getVolume());
        print(volumeWithContext(volume), List.of(volumeRow(volume)));
        return 0;
    }

    /** CreateVolume again every second while the controller answers ABORTED (the copy is under way). */
    private Volume untilFilled(CreateVolumeRequest request) throws InterruptedException {
        while (true) {
            try {
                return onEndpoint(controller, "controller", c -> controller(c).createVolume(request).getVolume());
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.ABORTED) {
                    throw e;
                }
                err.println(e.getStatus().getDescription());
                err.flush();
            }
            Thread.sleep(WAIT_POLL_MILLIS);
        }
    }

    /** How often {@code --wait} asks again. */
    private static final long WAIT_POLL_MILLIS = 1000;

    /** {@code snapshot create} and {@code snapshot delete}; {@code snapshots} lists them. */
    @Command(name = "snapshot", description = "Take or delete a snapshot (CreateSnapshot, DeleteSnapshot).",
            synopsisSubcommandLabel = "(create | delete)")
    final class SnapshotCommands {
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
                parameters.putAll(storageClassParameters(snapshotClass));
            }
            if (overrides != null) {
                parameters.putAll(overrides);
            }
            CreateSnapshotRequest request = CreateSnapshotRequest.newBuilder().setName(name).setSourceVolumeId(source)
                    .putAllParameters(parameters).build();
            Snapshot snapshot = onEndpoint(controller, "controller", c -> controller(c).createSnapshot(request)
                    .getSnapshot());
            while (wait && !snapshot.getReadyToUse()) {
                Thread.sleep(WAIT_POLL_MILLIS);
                snapshot = onEndpoint(controller, "controller", c -> controller(c).createSnapshot(request)
                        .getSnapshot());
            }
            Map<String, Object> row = snapshotRow(snapshot);
            print(row, List.of(row));
            return 0;
        }

        @Command(name = "delete", description = "DeleteSnapshot.")
        int delete(@Parameters(paramLabel = "ID") String id) {
            onEndpoint(controller, "controller", c -> controller(c).deleteSnapshot(
                    DeleteSnapshotRequest.newBuilder().setSnapshotId(id).build()));
            Map<String, Object> row = ordered("deleted", id);
            print(row, List.of(row));
            return 0;
        }
    }

    @Command(name = "snapshots", description = "Snapshots with their source, size, creation time and readiness.")
    int snapshots(@Option(names = "--source", paramLabel = "VOLUME_ID", description = "only the snapshots of this"
            + " volume") String source) {
        List<Map<String, Object>> rows = onEndpoint(controller, "controller", c -> {
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
        print(rows, rows);
        return 0;
    }

    private static Map<String, Object> snapshotRow(Snapshot snapshot) {
        return ordered("id", snapshot.getSnapshotId(), "source", snapshot.getSourceVolumeId(),
                "size", Sizes.format(snapshot.getSizeBytes()),
                "created", Instant.ofEpochSecond(snapshot.getCreationTime().getSeconds(),
                        snapshot.getCreationTime().getNanos()).truncatedTo(ChronoUnit.SECONDS).toString(),
                "ready", snapshot.getReadyToUse());
    }

    static Map<String, String> storageClassParameters(Path file) throws IOException {
        JsonNode parameters = new YAMLMapper().readTree(Files.readString(file)).path("parameters");
        Map<String, String> result = new TreeMap<>();
        parameters.properties().forEach(e -> result.put(e.getKey(), e.getValue().asString()));
        return result;
    }

    @Command(name = "describe", description = "The volume as `kubectl describe pv` shows it.")
    int describe(@Parameters(paramLabel = "ID") String id) {
        ControllerGetVolumeResponse answer = onEndpoint(controller, "controller", c -> controller(c)
                .controllerGetVolume(ControllerGetVolumeRequest.newBuilder().setVolumeId(id).build()));
        if (output == Output.JSON) {
            out.println(json(volumeWithContext(answer.getVolume())));
        } else {
            out.print(PvDescription.render(answer.getVolume(), answer));
        }
        return 0;
    }

    @Command(name = "expand", description = "ControllerExpandVolume to SIZE (1Gi, 512Mi, 10G or bytes).")
    int expand(@Parameters(paramLabel = "ID") String id,
            @Parameters(paramLabel = "SIZE", converter = Sizes.Converter.class) long size) {
        var answer = onEndpoint(controller, "controller", c -> controller(c).controllerExpandVolume(
                ControllerExpandVolumeRequest.newBuilder().setVolumeId(id)
                        .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(size)).build()));
        Map<String, Object> row = ordered("id", id, "capacity", Sizes.format(answer.getCapacityBytes()));
        print(row, List.of(row));
        return 0;
    }

    @Command(name = "delete", description = "DeleteVolume.")
    int delete(@Parameters(paramLabel = "ID") String id) {
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

    @Command(name = "stage", description = "NodeStageVolume, with the volume context read from the controller.")
    int stage(@Parameters(paramLabel = "ID") String id, @Parameters(paramLabel = "STAGING_DIR") String staging) {
        Map<String, String> context = onEndpoint(controller, "controller", c -> controller(c).controllerGetVolume(
                ControllerGetVolumeRequest.newBuilder().setVolumeId(id).build()).getVolume().getVolumeContextMap());
        onEndpoint(node, "node", c -> node(c).nodeStageVolume(NodeStageVolumeRequest.newBuilder()
                .setVolumeId(id).setStagingTargetPath(staging).putAllVolumeContext(context)
                .setVolumeCapability(mountCapability(false)).build()));
        Map<String, Object> row = ordered("staged", id, "at", staging);
        print(row, List.of(row));
        return 0;
    }

    @Command(name = "publish", description = "NodePublishVolume: bind the staged volume to TARGET.")
    int publish(@Parameters(paramLabel = "ID") String id, @Parameters(paramLabel = "STAGING_DIR") String staging,
            @Parameters(paramLabel = "TARGET") String target,
            @Option(names = "--read-only", description = "publish read-only") boolean readOnly) {
        onEndpoint(node, "node", c -> node(c).nodePublishVolume(NodePublishVolumeRequest.newBuilder()
                .setVolumeId(id).setStagingTargetPath(staging).setTargetPath(target).setReadonly(readOnly)
                .setVolumeCapability(mountCapability(readOnly)).build()));
        Map<String, Object> row = ordered("published", id, "at", target, "readOnly", readOnly);
        print(row, List.of(row));
        return 0;
    }

    @Command(name = "unpublish", description = "NodeUnpublishVolume.")
    int unpublish(@Parameters(paramLabel = "ID") String id, @Parameters(paramLabel = "TARGET") String target) {
        onEndpoint(node, "node", c -> node(c).nodeUnpublishVolume(NodeUnpublishVolumeRequest.newBuilder()
                .setVolumeId(id).setTargetPath(target).build()));
        Map<String, Object> row = ordered("unpublished", id, "from", target);
        print(row, List.of(row));
        return 0;
    }

    @Command(name = "unstage", description = "NodeUnstageVolume.")
    int unstage(@Parameters(paramLabel = "ID") String id, @Parameters(paramLabel = "STAGING_DIR") String staging) {
        onEndpoint(node, "node", c -> node(c).nodeUnstageVolume(NodeUnstageVolumeRequest.newBuilder()
                .setVolumeId(id).setStagingTargetPath(staging).build()));
        Map<String, Object> row = ordered("unstaged", id, "from", staging);
        print(row, List.of(row));
        return 0;
    }

    @SuppressWarnings("deprecation")
    @Command(name = "stats", description = "NodeGetVolumeStats: bytes, inodes and condition.")
    int stats(@Parameters(paramLabel = "ID") String id, @Parameters(paramLabel = "PATH") String path) {
        NodeGetVolumeStatsResponse stats = onEndpoint(node, "node", c -> node(c).nodeGetVolumeStats(
                NodeGetVolumeStatsRequest.newBuilder().setVolumeId(id).setVolumePath(path).build()));
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", id);
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

    @Command(name = "completion", description = {"A bash completion script for ${ROOT-COMMAND-NAME}.",
        "With an alias: alias ${ROOT-COMMAND-NAME}='java -jar .../gluster-csi-tools.jar'; "
                + "source <(${ROOT-COMMAND-NAME} completion)"})
    int completion() {
        out.print(AutoComplete.bash(spec.name(), spec.commandLine()));
        return 0;
    }

    /** The JSON {@code -o json} prints for an answer. */
    static String json(Object value) {
        return JSON.writeValueAsString(value);
    }

    /** Prints JSON of the whole answer, or a table of the rows. */
    void print(Object whole, List<? extends Map<String, ?>> rows) {
        if (output == Output.JSON) {
            out.println(json(whole));
        } else {
            out.print(Table.render(rows));
        }
    }
}
