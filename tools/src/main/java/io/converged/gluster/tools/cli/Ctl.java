package io.converged.gluster.tools.cli;

import io.converged.gluster.csi.runtime.Driver;
import io.converged.gluster.csi.v1.ControllerGrpc;
import io.converged.gluster.csi.v1.NodeGrpc;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.nio.file.NoSuchFileException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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

/**
 * {@code gluster-csi-ctl}: an operator's client for the CSI sockets, for what the sidecars cannot
 * answer by hand — list volumes, create (from a snapshot or a volume too), delete, expand, stage and
 * publish, stats, probe; list, take and delete snapshots. Tables by
 * default, {@code -o json} for scripts. It is the main class of the tools jar:
 * {@code java -jar tools/target/gluster-csi-tools.jar --help}. Exit codes: 0 ok, 1 a call failed,
 * 2 bad usage (picocli's answer to an unknown option or a missing argument).
 *
 * <p>This class is the command line: the options every command inherits ({@code --controller},
 * {@code --node}, {@code -o}), the declaration of each command without subcommands (its options,
 * parameters and help), the endpoints, and how a failed call becomes an exit code. The work of the
 * commands lives in groups by what they ask: {@link StatusCommands} (probe, info, peers, health),
 * {@link VolumeCommands} (the CSI Controller service's volumes), {@link SnapshotCommands} (with the
 * {@code snapshot} command) and {@link NodeCommands} (the CSI Node service); {@code peer} is
 * {@link PeerCommand}. {@link Printer} prints the answers.
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

    /** {@code --version}: the project version the jar was built from. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"gluster-csi-ctl " + Driver.version()};
        }
    }

    private final PrintWriter out;
    private final PrintWriter err;
    private final Printer printer;
    private final StatusCommands status;
    private final VolumeCommands volumes;
    private final SnapshotCommands snapshots;
    private final NodeCommands nodes;

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
    private Printer.Format output;

    Ctl(PrintWriter out, PrintWriter err) {
        this.out = out;
        this.err = err;
        this.printer = new Printer(out, () -> output);
        this.status = new StatusCommands(this);
        this.volumes = new VolumeCommands(this);
        this.snapshots = new SnapshotCommands(this);
        this.nodes = new NodeCommands(this);
    }

    public static void main(String[] args) {
        NETTY_BOOTSTRAP.setLevel(Level.SEVERE);
        System.exit(new Ctl(new PrintWriter(System.out, true), new PrintWriter(System.err, true)).run(args));
    }

    /** Runs one command; returns the exit code (0 ok, 1 failed call, 2 bad usage). */
    int run(String... args) {
        CommandLine line = new CommandLine(this);
        line.addSubcommand(new CommandLine(snapshots.snapshotCommand()));
        line.setOut(out)
                .setErr(err)
                .setCaseInsensitiveEnumValuesAllowed(true)
                .registerConverter(Target.class, Ctl::target)
                .registerConverter(VolumeCommands.Claim.class, VolumeCommands.Claim::parse)
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

    /** A command that could not do its work for a reason that is no gRPC status (an HTTP answer, say). */
    CommandLine.ExecutionException failure(String message) {
        return new CommandLine.ExecutionException(spec.commandLine(), message);
    }

    /** What a command does with one open connection. */
    interface Call<T> {
        T call(Target.Connection channel);
    }

    /** Runs the call on {@code endpoint}, bad usage when it was not given; {@code which} names it. */
    <T> T onEndpoint(Target endpoint, String which, Call<T> call) {
        if (endpoint == null) {
            throw usage("no " + which + " endpoint: give --" + which + " URL or set CSI_"
                    + which.toUpperCase(Locale.ROOT) + "_ENDPOINT");
        }
        try (Target.Connection channel = endpoint.open()) {
            return call.call(channel);
        }
    }

    /** Runs the call on the controller's endpoint. */
    <T> T onController(Call<T> call) {
        return onEndpoint(controller, "controller", call);
    }

    /** Runs the call on the node server's endpoint. */
    <T> T onNode(Call<T> call) {
        return onEndpoint(node, "node", call);
    }

    /** The CSI Controller service on a connection; long enough for a create that makes a gluster volume. */
    static ControllerGrpc.ControllerBlockingStub controller(Target.Connection c) {
        return ControllerGrpc.newBlockingStub(c.channel()).withDeadlineAfter(10, TimeUnit.MINUTES);
    }

    /** The CSI Node service on a connection. */
    static NodeGrpc.NodeBlockingStub node(Target.Connection c) {
        return NodeGrpc.newBlockingStub(c.channel()).withDeadlineAfter(5, TimeUnit.MINUTES);
    }

    /** The endpoints given, controller first, by name. */
    Map<String, Target> endpointsGiven() {
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

    /** Where answers go: stdout, as a table or {@code -o json}. */
    Printer printer() {
        return printer;
    }

    /** Where progress lines go: stderr, so stdout holds only the answer (a table, or JSON). */
    PrintWriter progress() {
        return err;
    }

    // The commands without subcommands of their own. Picocli calls a command method on the object of the command
    // above it, so they are declared here, with their options and help, and do their work in their group.

    @Command(name = "probe", description = "Probe every endpoint given; exit 0 when all are ready.")
    int probe() {
        return status.probe();
    }

    @Command(name = "info", description = "Plugin name, version and capabilities of each endpoint given.")
    int info() {
        return status.info();
    }

    @Command(name = "peers", description = "The storage peers of the trusted pool: address, UUID, state, where the"
            + " controller discovers them, bricks; peers that share a UUID, and the automatic replacement.")
    int peers() {
        return status.peers();
    }

    @Command(name = "health", description = "What the controller last saw of gluster (its /metrics): bricks online,"
            + " heal backlog and split-brain entries per gluster volume, quota used and limit per volume, and"
            + " whether each peer is connected.")
    int health(@Option(names = "--metrics", paramLabel = "URL", defaultValue = "${env:CSI_CONTROLLER_METRICS}",
            description = "the controller's metrics, e.g. http://127.0.0.1:9809/metrics (its --metrics-address;"
                    + " default: $CSI_CONTROLLER_METRICS)") String url) {
        return status.health(url);
    }

    @Command(name = "volumes", description = "This driver's volumes with capacity, replica, bricks and condition.")
    int volumes(@Option(names = "--pool", paramLabel = "POOL", description = "only the claims of this shared pool")
            String pool) {
        return volumes.volumes(pool);
    }

    @Command(name = "pools", description = "Shared pools: how many claims each holds, the sizes promised to them "
            + "(limits may add up past the disks), and the room the pool has left.")
    int pools() {
        return volumes.pools();
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
            VolumeCommands.Claim claim,
            @Option(names = "--from-snapshot", paramLabel = "SNAPSHOT_ID",
                    description = "fill the volume from this snapshot (at least the snapshot's size)")
            String fromSnapshot,
            @Option(names = "--from-volume", paramLabel = "VOLUME_ID",
                    description = "fill the volume with a copy of this volume (a clone)")
            String fromVolume,
            @Option(names = "--wait", description = "with --from-*: call again, as the provisioner does, until the"
                    + " volume is full (the controller answers ABORTED while it copies)")
            boolean wait) throws IOException, InterruptedException {
        return volumes.create(name, size, storageClass, overrides, claim, fromSnapshot, fromVolume, wait);
    }

    @Command(name = "describe", description = "The volume as `kubectl describe pv` shows it.")
    int describe(@Parameters(paramLabel = "ID") String id) {
        return volumes.describe(id);
    }

    @Command(name = "expand", description = "ControllerExpandVolume to SIZE (1Gi, 512Mi, 10G or bytes).")
    int expand(@Parameters(paramLabel = "ID") String id,
            @Parameters(paramLabel = "SIZE", converter = Sizes.Converter.class) long size) {
        return volumes.expand(id, size);
    }

    @Command(name = "delete", description = "DeleteVolume.")
    int delete(@Parameters(paramLabel = "ID") String id) {
        return volumes.delete(id);
    }

    @Command(name = "snapshots", description = "Snapshots with their source, size, creation time and readiness.")
    int snapshots(@Option(names = "--source", paramLabel = "VOLUME_ID", description = "only the snapshots of this"
            + " volume") String source) {
        return snapshots.snapshots(source);
    }

    @Command(name = "stage", description = "NodeStageVolume, with the volume context read from the controller.")
    int stage(@Parameters(paramLabel = "ID") String id, @Parameters(paramLabel = "STAGING_DIR") String staging) {
        return nodes.stage(id, staging);
    }

    @Command(name = "publish", description = "NodePublishVolume: bind the staged volume to TARGET.")
    int publish(@Parameters(paramLabel = "ID") String id, @Parameters(paramLabel = "STAGING_DIR") String staging,
            @Parameters(paramLabel = "TARGET") String target,
            @Option(names = "--read-only", description = "publish read-only") boolean readOnly) {
        return nodes.publish(id, staging, target, readOnly);
    }

    @Command(name = "unpublish", description = "NodeUnpublishVolume.")
    int unpublish(@Parameters(paramLabel = "ID") String id, @Parameters(paramLabel = "TARGET") String target) {
        return nodes.unpublish(id, target);
    }

    @Command(name = "unstage", description = "NodeUnstageVolume.")
    int unstage(@Parameters(paramLabel = "ID") String id, @Parameters(paramLabel = "STAGING_DIR") String staging) {
        return nodes.unstage(id, staging);
    }

    @Command(name = "stats", description = "NodeGetVolumeStats: bytes, inodes and condition.")
    int stats(@Parameters(paramLabel = "ID") String id, @Parameters(paramLabel = "PATH") String path) {
        return nodes.stats(id, path);
    }

    @Command(name = "completion", description = {"A bash completion script for ${ROOT-COMMAND-NAME}.",
        "With an alias: alias ${ROOT-COMMAND-NAME}='java -jar .../gluster-csi-tools.jar'; "
                + "source <(${ROOT-COMMAND-NAME} completion)"})
    int completion() {
        out.print(AutoComplete.bash(spec.name(), spec.commandLine()));
        return 0;
    }
}
