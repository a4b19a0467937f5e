package io.converged.gluster.controller.replace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MoveRecordTest {
    @Test
    void theRecordReadsBackAsWritten() {
        MoveRecord record = new MoveRecord("10.0.0.3:/mnt/brick1/v/brick", "10.0.0.4:/mnt/brick1/v/brick");
        assertThat(MoveRecord.of(Map.of(MoveRecord.KEY, record.value()))).contains(record);
        assertThat(MoveRecord.host(record.toBrick())).isEqualTo("10.0.0.4");
    }

    @Test
    void anAbsentOrUnreadableRecordIsNone() {
        assertThat(MoveRecord.of(Map.of())).isEmpty();
        assertThat(MoveRecord.of(Map.of(MoveRecord.KEY, "garbage"))).isEmpty();
        assertThat(MoveRecord.of(Map.of(MoveRecord.KEY, ">x"))).isEmpty();
        assertThat(MoveRecord.of(Map.of(MoveRecord.KEY, "x>"))).isEmpty();
    }
}
