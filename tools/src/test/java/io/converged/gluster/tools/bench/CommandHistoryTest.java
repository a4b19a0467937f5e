package io.converged.gluster.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandHistoryTest {
    @TempDir
    Path dir;

    @Test
    void eachVolumesQuotaEnableRunsFromItsStartFinishingToItsEnableFinishing() throws Exception {
        Path log = Files.writeString(dir.resolve("cmd_history.log"), """
                [2026-12-01 16:06:22.101000 +0000]  : volume create gcs-a replica 3 h:/b force : SUCCESS
                [2026-12-01 16:06:22.301000 +0000]  : volume start gcs-a : SUCCESS
                [2026-12-01 16:06:24.501000 +0000]  : volume quota gcs-a enable : SUCCESS
                [2026-12-01 16:06:24.601000 +0000]  : volume quota gcs-a limit-usage / 1073741824 : SUCCESS
                [2026-12-01 16:06:27.000000 +0000]  : volume start raw-a : SUCCESS
                [2026-12-01 16:06:28.200000 +0000]  : volume quota raw-a enable : SUCCESS
                [2026-12-01 16:06:29.000000 +0000]  : volume start lonely : SUCCESS
                [2026-12-01 16:06:30.000000 +0000]  : volume quota failed enable : FAILED : Quota is disabled
                """);

        Map<String, Double> enables = CommandHistory.quotaEnableMillis(log);

        assertThat(enables).containsOnlyKeys("gcs-a", "raw-a");
        assertThat(enables.get("gcs-a")).isEqualTo(2200.0);
        assertThat(enables.get("raw-a")).isEqualTo(1200.0);
    }
}
