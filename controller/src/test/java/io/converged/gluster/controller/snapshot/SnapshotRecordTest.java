package io.converged.gluster.controller.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class SnapshotRecordTest {
    private static final Instant CREATED = Instant.parse("2026-03-04T05:06:07.891011121Z");

    @Test
    void aRecordReadsBackAsWrittenWhateverItsNamesHold() {
        SnapshotRecord copying = SnapshotRecord.copying("snap; state=ready", "pool/gcs-a", CREATED, 1L << 30);
        SnapshotRecord ready = copying.asReady(12345);

        assertThat(SnapshotRecord.parse(copying.render())).contains(copying);
        assertThat(SnapshotRecord.parse(ready.render())).contains(ready);
        assertThat(copying.render()).startsWith("v=1;request=snap%3B%20state%3Dready;source=pool%2Fgcs-a;")
                .contains(";state=copying").doesNotContain("used=");
        assertThat(ready.render()).endsWith(";state=ready;used=12345");
        assertThat(ready.usedBytes()).isEqualTo(OptionalLong.of(12345));
    }

    @Test
    void aCopyStartedAgainSaysWhenAndIsNotReady() {
        Instant later = CREATED.plusSeconds(60);
        SnapshotRecord again = SnapshotRecord.copying("s", "v", CREATED, 1).restartedAt(later);
        assertThat(again.created()).isEqualTo(later);
        assertThat(again.ready()).isFalse();
    }

    @Test
    void whatThisDriverDidNotWriteIsNoRecord() {
        for (String text : List.of("", "v=2;request=s;source=v;created=2026-01-01T00:00:00Z;size=1;state=ready",
                "v=1;request=s;source=v;created=yesterday;size=1;state=ready",
                "v=1;request=s;source=v;created=2026-01-01T00:00:00Z;size=1;state=half",
                "v=1;request=s;source=v;created=2026-01-01T00:00:00Z;state=ready",
                "v=1;request=s%;source=v;created=2026-01-01T00:00:00Z;size=1;state=ready", "garbage")) {
            assertThat(SnapshotRecord.parse(text)).as(text).isEmpty();
        }
    }

    @Test
    void aContentRecordNamesItsSourceAndWhetherTheCopyIsDone() {
        ContentRecord copying = ContentRecord.copying(new ContentSource.FromSnapshot(SnapshotId.forRequest("p", "s")));
        assertThat(ContentRecord.parse(copying.render())).contains(copying);
        assertThat(ContentRecord.parse(copying.asReady().render()).orElseThrow().ready()).isTrue();
        assertThat(copying.source()).isEqualTo("snapshot:p/.csi-snapshots/gcs-s");
        assertThat(ContentSource.parse(copying.source())).contains(new ContentSource.FromSnapshot(
                SnapshotId.forRequest("p", "s")));
        assertThat(ContentSource.parse("volume:pool/gcs-a")).contains(new ContentSource.FromVolume("pool/gcs-a"));
        assertThat(ContentSource.parse("volume:../x")).isEmpty();
        assertThat(ContentRecord.parse("v=1;state=ready")).isEmpty();
    }
}
