package io.converged.gluster.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CtlTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Ctl ctl = new Ctl(new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    @Test
    void helpListsEveryCommand() {
        assertThat(ctl.run(new String[] {"--help"})).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("probe", "volumes", "create", "describe", "expand",
                "delete", "stage", "publish", "unpublish", "unstage", "stats");
    }

    @Test
    void badUsageExitsTwoWithAMessage() {
        assertThat(ctl.run(new String[] {"frobnicate"})).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown command 'frobnicate'");
        assertThat(ctl.run(new String[] {"--controller", "tcp://127.0.0.1:1", "volumes"})).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unix://");
        assertThat(ctl.run(new String[] {"-o", "yaml", "volumes"})).isEqualTo(2);
    }

    @Test
    void aServerThatIsNotThereIsAFailedCallNotACrash() {
        assertThat(ctl.run(new String[] {"--controller", "unix:///nonexistent/csi.sock", "volumes"})).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("UNAVAILABLE");
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
    void jsonEscapesAndNests() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", "a\"b\n");
        row.put("n", 3);
        row.put("list", List.of("x", true));
        assertThat(Json.write(row)).isEqualTo("{\n  \"id\": \"a\\\"b\\n\",\n  \"n\": 3,\n  \"list\": [\n    \"x\",\n"
                + "    true\n  ]\n}");
        assertThat(Json.write(Map.of())).isEqualTo("{}");
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
        Map<String, String> parameters = Ctl.storageClassParameters(Path.of("../storageclass-examples/replica3.yaml"));
        assertThat(parameters).containsEntry("replica", "3").containsEntry("brickRoot", "/mnt/brick1");
    }
}
