package io.converged.gluster.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.converged.gluster.tools.bench.Report.Row;
import org.junit.jupiter.api.Test;

class ReportTest {
    @Test
    void formatsMillisecondsSecondsRatiosAndMissingValues() {
        assertThat(Report.millis(14.4)).isEqualTo("14 ms");
        assertThat(Report.millis(2912.0)).isEqualTo("2.91 s");
        assertThat(Report.millis(Double.NaN)).isEqualTo("-");
        assertThat(Report.times(1.0449)).isEqualTo("1.04x");
        assertThat(Report.times(Double.NaN)).isEqualTo("-");
        assertThat(Report.verdict(true)).isEqualTo("yes");
        assertThat(Report.verdict(false)).isEqualTo("NO");
    }

    @Test
    void rendersAlignedColumnsNamingEachSectionOnceWithABlankLineBetweenSections() {
        Report report = new Report();
        report.add(new Row("provisioning", "CreateVolume median", "3.00 s", "2.90 s", "1.03x", "<= 1.1x", "yes"));
        report.add(new Row("provisioning", "CreateVolume p95", "3.20 s", "3.00 s", "1.07x", "", ""));
        report.add(new Row("node", "NodePublishVolume median", "9 ms", "", "", "<= 20 ms", "yes"));

        assertThat(report.render()).isEqualTo("""
                SECTION       WHAT                      MEASURED  RAW FLOOR  RATIO  TARGET    MET
                provisioning  CreateVolume median       3.00 s    2.90 s     1.03x  <= 1.1x   yes
                              CreateVolume p95          3.20 s    3.00 s     1.07x

                node          NodePublishVolume median  9 ms                        <= 20 ms  yes
                """);
    }

    @Test
    void markdownHasOneRowPerFigureAndEscapesPipes() {
        Report report = new Report();
        report.add(new Row("scale", "a | b", "1", "", "", "", ""));

        assertThat(report.markdown()).isEqualTo("""
                | Section | What | Measured | Raw floor | Ratio | Target | Met |
                |---|---|---|---|---|---|---|
                | scale | a \\| b | 1 |  |  |  |  |
                """);
    }
}
