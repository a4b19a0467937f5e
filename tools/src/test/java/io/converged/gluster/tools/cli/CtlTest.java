package io.converged.gluster.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.converged.gluster.csi.v1.ControllerExpandVolumeRequest;
import io.converged.gluster.csi.v1.CreateSnapshotRequest;
import io.converged.gluster.csi.v1.CreateVolumeRequest;
import io.converged.gluster.csi.v1.DeleteSnapshotRequest;
import io.converged.gluster.csi.v1.GetCapacityRequest;
import io.converged.gluster.csi.v1.DeleteVolumeRequest;
import io.converged.gluster.csi.v1.ListSnapshotsRequest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

class CtlTest {
    private static final List<String> COMMANDS = List.of("probe", "info", "volumes", "pools", "create", "describe",
            "expand", "health", "delete", "snapshots", "stage", "publish", "unpublish", "unstage", "stats", "peers",
            "peer", "completion", "snapshot");
    /** The line deploy/local/run takes the new volume's id from: sed -n 's/^  "id": "\(.*\)",$/\1/p'. */
    private static final Pattern RUN_READS_THE_ID = Pattern.compile("(?m)^  \"id\": \"(.*)\",$");

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final Ctl ctl = new Ctl(new PrintWriter(out, true), new PrintWriter(err, true));

    @TempDir
    Path dir;
    private FakeController controller;

    @BeforeEach
    void startController() throws Exception {
        controller = FakeController.on(dir.resolve("controller.sock"));
    }

    @AfterEach
    void stopController() throws Exception {
        controller.close();
    }

    private int run(String... args) {
        return ctl.run(args);
    }

    private String out() {
        return out.toString();
    }

    private String err() {
        return err.toString();
    }

    @Test
    void helpExitsZeroAndListsEveryCommand() {
        assertThat(run("--help")).isZero();
        assertThat(out()).startsWith("Usage: gluster-csi-ctl").contains("--controller", "--node", "--output");
        assertThat(out()).contains(COMMANDS.stream().map(c -> "\n  " + c + " ").toList());
        assertThat(err()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"probe", "info", "volumes", "create", "describe", "expand", "delete", "stage", "publish",
        "unpublish", "unstage", "stats", "completion", "snapshots", "snapshot", "snapshot create", "snapshot delete"})
    void helpOfEachCommandExitsZeroAndCallsNothing(String command) {
        List<String> args = new java.util.ArrayList<>(List.of("--controller", controller.url()));
        args.addAll(List.of(command.split(" ")));
        args.add("--help");
        assertThat(run(args.toArray(String[]::new))).isZero();
        assertThat(out()).startsWith("Usage: gluster-csi-ctl " + command);
        assertThat(controller.requests()).isEmpty();
    }

    @Test
    void anUnknownOptionExitsTwoWithAMessageAndCallsNothing() {
        assertThat(run("--controller", controller.url(), "volumes", "--frobnicate")).isEqualTo(2);
        assertThat(err()).contains("Unknown option: '--frobnicate'", "Usage: gluster-csi-ctl volumes");
        assertThat(out()).isEmpty();
        assertThat(controller.requests()).isEmpty();
    }

    @Test
    void anUnknownCommandExitsTwoWithAMessage() {
        assertThat(run("--controller", controller.url(), "frobnicate")).isEqualTo(2);
        assertThat(err()).contains("Unmatched argument at index 2: 'frobnicate'");
        assertThat(controller.requests()).isEmpty();
    }

    @Test
    void aMissingArgumentExitsTwoWithAMessageAndCallsNothing() {
        assertThat(run("--controller", controller.url(), "delete")).isEqualTo(2);
        assertThat(err()).contains("Missing required parameter: 'ID'");
        assertThat(run("--controller", controller.url(), "expand", "gcs-a")).isEqualTo(2);
        assertThat(err()).contains("Missing required parameter: 'SIZE'");
        assertThat(run("--controller", controller.url(), "create", "--size")).isEqualTo(2);
        assertThat(err()).contains("Missing required parameter for option '--size'");
        assertThat(run("volumes", "--controller")).isEqualTo(2);
        assertThat(err()).contains("Missing required parameter for option '--controller'");
        assertThat(controller.requests()).isEmpty();
    }

    @Test
    void badValuesExitTwoWithTheirReasonAndCallNothing() {
        String url = controller.url();
        assertThat(run("--controller", "http://127.0.0.1:1", "volumes")).isEqualTo(2);
        assertThat(err()).contains("Invalid value for option '--controller'", "unix://", "tcp://HOST:PORT");
        assertThat(run("--controller", url, "-o", "yaml", "volumes")).isEqualTo(2);
        assertThat(err()).contains("Invalid value for option '--output'", "yaml");
        assertThat(run("--controller", url, "create", "demo", "--size", "lots")).isEqualTo(2);
        assertThat(err()).contains("Invalid value for option '--size'", "'lots'");
        assertThat(run("--controller", url, "create", "demo", "--pvc", "demo")).isEqualTo(2);
        assertThat(err()).contains("Invalid value for option '--pvc'", "NAMESPACE/NAME");
        assertThat(run("--controller", url, "create", "demo", "--param", "replica")).isEqualTo(2);
        assertThat(err()).contains("KEY=VALUE");
        assertThat(run("--controller", url, "expand", "gcs-a", "0")).isEqualTo(2);
        assertThat(err()).contains("a size must be positive");
        assertThat(controller.requests()).isEmpty();
    }

    @Test
    void withoutAControllerEndpointACommandThatNeedsOneIsBadUsage() {
        // An empty --controller is no endpoint, whatever CSI_CONTROLLER_ENDPOINT says.
        assertThat(run("--controller", "", "volumes")).isEqualTo(2);
        assertThat(err()).contains("no controller endpoint: give --controller URL or set CSI_CONTROLLER_ENDPOINT");
        assertThat(run("--controller", "", "--node", "", "probe")).isEqualTo(2);
        assertThat(err()).contains("no endpoint given");
    }

    @Test
    void aServerThatIsNotThereIsAFailedCallNotACrash() {
        assertThat(run("--controller", "unix:///nonexistent/csi.sock", "volumes")).isEqualTo(1);
        assertThat(err()).startsWith("error: UNAVAILABLE: ");
    }

    @Test
    void aFailedCallExitsOneWithItsCodeAndDescription() {
        assertThat(run("--controller", controller.url(), "delete", FakeController.MISSING)).isEqualTo(1);
        assertThat(err()).isEqualTo("error: NOT_FOUND: no volume " + FakeController.MISSING + "\n");
        assertThat(controller.requests()).hasSize(1);
    }

    @Test
    void poolsListsEachSharedPoolWithItsClaimsTheirPromisedSizesAndTheRoomLeft() {
        assertThat(run("--controller", controller.url(), "pools")).isZero();
        assertThat(out()).isEqualTo("""
                POOL   CLAIMS   PROMISED   FREE   BRICKS
                p1     2        1536Mi     10Gi   a:/p1,b:/p1,c:/p1
                """);
        GetCapacityRequest asked = (GetCapacityRequest) controller.requests().get(1);
        assertThat(asked.getParametersMap()).containsEntry("pool", "p1").containsEntry("replica", "3")
                .containsEntry("brickRoot", "/mnt/brick1");
    }

    @Test
    void volumesOfOnePoolListsItsClaimsOnly() {
        assertThat(run("--controller", controller.url(), "volumes", "--pool", "p1", "-o", "json")).isZero();
        assertThat(out()).contains("\"p1/gcs-c1\"", "\"p1/gcs-c2\"").doesNotContain("gcs-a");
    }

    @Test
    void globalOptionsWorkBeforeAndAfterTheCommand() {
        assertThat(run("volumes", "--controller", controller.url(), "-o", "json")).isZero();
        assertThat(run("-o", "json", "--controller", controller.url(), "volumes")).isZero();
        assertThat(out()).startsWith("[\n  {\n    \"id\": \"gcs-a\",");
        assertThat(controller.requests()).hasSize(2);
    }

    @Test
    void createSendsTheStorageClassParametersThenTheOverridesAndTheClaim() {
        assertThat(run("--controller", controller.url(), "create", "demo", "--size", "2Gi",
                "--storage-class", "../storageclass-examples/replica3.yaml", "--param", "replica=2",
                "--pvc", "default/demo")).isZero();
        CreateVolumeRequest request = (CreateVolumeRequest) controller.requests().get(0);
        assertThat(request.getName()).isEqualTo("demo");
        assertThat(request.getCapacityRange().getRequiredBytes()).isEqualTo(2L << 30);
        assertThat(request.getParametersMap()).containsEntry("replica", "2").containsEntry("brickRoot", "/mnt/brick1")
                .containsEntry("csi.storage.k8s.io/pvc/namespace", "default")
                .containsEntry("csi.storage.k8s.io/pvc/name", "demo");
        assertThat(out()).isEqualTo("""
                ID         CAPACITY   REPLICA   BRICKS
                gcs-demo   2Gi        3         a:/b1,b:/b1,c:/b1
                """);
    }

    @Test
    void createFromASnapshotOrAVolumeSendsItsSourceAndWaitsWhileTheVolumeIsFilled() {
        assertThat(run("--controller", controller.url(), "create", "restored", "--from-snapshot",
                "snapshots/.csi-snapshots/gcs-s1")).isZero();
        assertThat(run("--controller", controller.url(), "create", "cloned", "--from-volume", "gcs-a")).isZero();
        assertThat(((CreateVolumeRequest) controller.requests().get(0)).getVolumeContentSource().getSnapshot()
                .getSnapshotId()).isEqualTo("snapshots/.csi-snapshots/gcs-s1");
        assertThat(((CreateVolumeRequest) controller.requests().get(1)).getVolumeContentSource().getVolume()
                .getVolumeId()).isEqualTo("gcs-a");

        assertThat(run("--controller", controller.url(), "create", "x", "--from-volume", "gcs-a", "--from-snapshot",
                "s")).isEqualTo(2);
        assertThat(err()).contains("not both");
        assertThat(controller.requests()).hasSize(2);
    }

    @Test
    void snapshotCreateSendsTheClassParametersAndWithWaitAsksAgainUntilReady() {
        controller.copyingAnswers = 1;
        assertThat(run("--controller", controller.url(), "snapshot", "create", "nightly", "--source", "gcs-a",
                "--snapshot-class", "../storageclass-examples/snapshots/volumesnapshotclass.yaml", "--param",
                "replica=2", "--wait")).isZero();

        assertThat(controller.requests()).hasSize(2).allSatisfy(r -> {
            CreateSnapshotRequest request = (CreateSnapshotRequest) r;
            assertThat(request.getName()).isEqualTo("nightly");
            assertThat(request.getSourceVolumeId()).isEqualTo("gcs-a");
            assertThat(request.getParametersMap()).containsEntry("pool", "snapshots").containsEntry("replica", "2");
        });
        assertThat(out()).isEqualTo("""
                ID                                     SOURCE   SIZE   CREATED                READY
                snapshots/.csi-snapshots/gcs-nightly   gcs-a    1Gi    2026-09-21T14:13:20Z   true
                """);
    }

    @Test
    void snapshotsListsEveryPageAndBySourceAndSnapshotDeleteSendsTheId() {
        assertThat(run("--controller", controller.url(), "snapshots")).isZero();
        assertThat(out()).contains("gcs-s1", "gcs-s2", "gcs-s3").contains("false");
        assertThat(controller.requests()).hasSize(2);

        assertThat(run("--controller", controller.url(), "-o", "json", "snapshots", "--source", "gcs-b")).isZero();
        assertThat(((ListSnapshotsRequest) controller.requests().get(2)).getSourceVolumeId()).isEqualTo("gcs-b");
        assertThat(run("--controller", controller.url(), "snapshot", "delete", "snapshots/.csi-snapshots/gcs-s1"))
                .isZero();
        assertThat(((DeleteSnapshotRequest) controller.requests().get(3)).getSnapshotId())
                .isEqualTo("snapshots/.csi-snapshots/gcs-s1");
        assertThat(run("--controller", controller.url(), "snapshot", "create", "x")).isEqualTo(2);
        assertThat(err()).contains("Missing required option: '--source=VOLUME_ID'");
        assertThat(controller.requests()).hasSize(4);
    }

    @Test
    void createAsJsonHasTheIdLineDeployLocalRunReads() {
        assertThat(run("--controller", controller.url(), "create", "demo", "-o", "json")).isZero();
        Matcher id = RUN_READS_THE_ID.matcher(out());
        assertThat(id.find()).as("a line deploy/local/run's sed matches in:%n%s", out()).isTrue();
        assertThat(id.group(1)).isEqualTo("gcs-demo");
        assertThat(((CreateVolumeRequest) controller.requests().get(0)).getCapacityRange().getRequiredBytes())
                .as("the default size").isEqualTo(1L << 30);
    }

    @Test
    void expandAndDeleteAnswerWithARow() {
        assertThat(run("--controller", controller.url(), "expand", "gcs-a", "3Gi")).isZero();
        assertThat(run("--controller", controller.url(), "delete", "gcs-a")).isZero();
        assertThat(((ControllerExpandVolumeRequest) controller.requests().get(0)).getCapacityRange()
                .getRequiredBytes()).isEqualTo(3L << 30);
        assertThat(((DeleteVolumeRequest) controller.requests().get(1)).getVolumeId()).isEqualTo("gcs-a");
        assertThat(out()).isEqualTo("ID      CAPACITY\ngcs-a   3Gi\nDELETED\ngcs-a\n");
    }

    @Test
    void completionPrintsABashScriptNamingEveryCommand() {
        assertThat(run("completion")).isZero();
        assertThat(out()).startsWith("#!/usr/bin/env bash").contains("complete -F _complete_gluster-csi-ctl")
                .contains(COMMANDS).contains("--controller", "--storage-class", "--read-only");
        assertThat(err()).isEmpty();
    }

    @Test
    void jsonOfARowIsWhatJacksonWritesAndReadsBackToTheSameMap() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", "a\"b\n");
        row.put("n", 3);
        row.put("readOnly", true);
        row.put("list", List.of("x", "y"));
        row.put("context", Map.of("replica", "3"));
        row.put("empty", Map.of());
        String json = Printer.json(row);
        assertThat(json).isEqualTo("""
                {
                  "id": "a\\"b\\n",
                  "n": 3,
                  "readOnly": true,
                  "list": [
                    "x",
                    "y"
                  ],
                  "context": {
                    "replica": "3"
                  },
                  "empty": {}
                }""");
        assertThat(JsonMapper.shared().readValue(json, new TypeReference<Map<String, Object>>() { }))
                .containsExactlyEntriesOf(row);
    }

    @Test
    void sizesReadAndPrintLikeKubernetes() {
        assertThat(Sizes.parse("1Gi")).isEqualTo(1L << 30);
        assertThat(Sizes.parse("512Mi")).isEqualTo(512L << 20);
        assertThat(Sizes.parse("10G")).isEqualTo(10_000_000_000L);
        assertThat(Sizes.parse("4096")).isEqualTo(4096);
        assertThat(Sizes.format(1L << 30)).isEqualTo("1Gi");
        assertThat(Sizes.format(96L << 20)).isEqualTo("96Mi");
        assertThat(Sizes.format(1000)).isEqualTo("1000");
    }

    @Test
    void theSizeConverterRejectsWhatIsNotASize() {
        Sizes.Converter converter = new Sizes.Converter();
        assertThat(converter.convert("1Gi")).isEqualTo(1L << 30);
        assertThatThrownBy(() -> converter.convert("1Qi")).isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("'1Qi'");
        assertThatThrownBy(() -> converter.convert("0")).isInstanceOf(TypeConversionException.class);
        assertThatThrownBy(() -> converter.convert("99999999999Ti")).isInstanceOf(TypeConversionException.class);
    }

    @Test
    void tablesAlignColumnsUnderCapitalHeaders() {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("id", "gcs-a");
        a.put("capacity", "1Gi");
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("id", "gcs-longer-name");
        b.put("capacity", "96Mi");
        assertThat(Table.render(List.of(a, b))).isEqualTo(
                "ID                CAPACITY\ngcs-a             1Gi\ngcs-longer-name   96Mi\n");
        assertThat(Table.render(List.of())).isEqualTo("No resources found.\n");
    }

    @Test
    void theDefaultStorageClassExampleGivesItsParametersAsWritten() throws Exception {
        // That the controller accepts them is StorageClassExamplesTest's (controller module) to prove.
        Map<String, String> parameters = VolumeCommands.storageClassParameters(
                Path.of("../storageclass-examples/replica3.yaml"));
        assertThat(parameters).containsEntry("replica", "3").containsEntry("brickRoot", "/mnt/brick1");
    }

    @Test
    void healthShowsTheControllersGaugesAsTablesAndJson() throws Exception {
        String metrics = """
                # HELP gluster_csi_volume_bricks Bricks
                gluster_csi_volume_bricks{gluster_volume="gcs-pvc-a"} 3.0
                gluster_csi_volume_bricks_online{gluster_volume="gcs-pvc-a"} 2.0
                gluster_csi_volume_heal_pending_entries{gluster_volume="gcs-pvc-a"} 6.0
                gluster_csi_volume_split_brain_entries{gluster_volume="gcs-pvc-a"} 0.0
                gluster_csi_volume_bricks{gluster_volume="shared"} 3.0
                gluster_csi_volume_bricks_online{gluster_volume="shared"} 3.0
                gluster_csi_volume_quota_used_bytes{gluster_volume="gcs-pvc-a",volume="gcs-pvc-a"} 1048576.0
                gluster_csi_volume_quota_limit_bytes{gluster_volume="gcs-pvc-a",volume="gcs-pvc-a"} 6.7108864E7
                gluster_csi_volume_quota_used_bytes{gluster_volume="shared",volume="shared/gcs-pvc-b"} 0.0
                gluster_csi_peer_connected{peer="10.0.0.1"} 1.0
                gluster_csi_peer_connected{peer="10.0.0.3"} 0.0
                """;
        com.sun.net.httpserver.HttpServer http = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/metrics", exchange -> {
            byte[] body = metrics.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        http.start();
        try {
            String url = "http://127.0.0.1:" + http.getAddress().getPort() + "/metrics";
            assertThat(run("health", "--metrics", url)).isZero();
            assertThat(out()).containsPattern("gcs-pvc-a\\s+3\\s+2\\s+6\\s+0")
                    .containsPattern("shared\\s+3\\s+3\\s+-\\s+-")
                    .containsPattern("gcs-pvc-a\\s+gcs-pvc-a\\s+1Mi\\s+64Mi")
                    .containsPattern("shared/gcs-pvc-b\\s+shared\\s+0\\s+NONE")
                    .containsPattern("10.0.0.3\\s+NO");
            out.getBuffer().setLength(0);
            assertThat(run("-o", "json", "health", "--metrics", url)).isZero();
            Map<String, Object> json = new JsonMapper().readValue(out(), new TypeReference<Map<String, Object>>() { });
            assertThat(json).containsOnlyKeys("volumes", "quotas", "peers");
        } finally {
            http.stop(0);
        }
    }
}
