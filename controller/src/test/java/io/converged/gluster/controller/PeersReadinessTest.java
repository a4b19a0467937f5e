package io.converged.gluster.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The controller's readiness follows the peers, asks gluster at most once per period and logs each change once. */
class PeersReadinessTest {
    private final AtomicInteger peers = new AtomicInteger(3);
    private final AtomicInteger asked = new AtomicInteger();
    private final AtomicLong now = new AtomicLong();
    private final PeersReadiness readiness = new PeersReadiness(() -> {
        asked.incrementAndGet();
        return peers.get();
    }, () -> "peers file /etc/peers", Duration.ofSeconds(2), now::get);
    private final List<String> log = new ArrayList<>();
    private final Logger logger = Logger.getLogger(PeersReadiness.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            log.add(record.getLevel() + " " + record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void listen() {
        logger.addHandler(capture);
    }

    @AfterEach
    void stopListening() {
        logger.removeHandler(capture);
    }

    private void later() {
        now.addAndGet(Duration.ofSeconds(3).toNanos());
    }

    @Test
    void readyWhilePeersAnswerNotReadyWithTheReasonWhenNoneDoesAndEachChangeIsLoggedOnce() {
        assertThat(readiness.check().ready()).isTrue();
        later();
        assertThat(readiness.check().ready()).isTrue();

        peers.set(0);
        for (int i = 0; i < 5; i++) {
            later();
            assertThat(readiness.check().ready()).isFalse();
        }
        assertThat(readiness.check().reason()).isEqualTo("no gluster peer answers (peers file /etc/peers)");

        peers.set(1);
        later();
        assertThat(readiness.check().ready()).isTrue();
        later();
        readiness.check();

        assertThat(log).hasSize(3);
        assertThat(log.get(0)).startsWith("INFO ready: 3 gluster peer(s) answer");
        assertThat(log.get(1)).startsWith("WARNING not ready: no gluster peer answers (peers file /etc/peers)")
                .contains("Probe still answers ready");
        assertThat(log.get(2)).startsWith("INFO ready: 1 gluster peer(s) answer");
    }

    @Test
    void checksWithinThePeriodShareOneAnswer() {
        for (int i = 0; i < 10; i++) {
            readiness.check();
        }
        assertThat(asked).hasValue(1);
        later();
        readiness.check();
        assertThat(asked).hasValue(2);
    }

    @Test
    void theGaugeCountsThePeersThatAnswer() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        readiness.register(registry);

        assertThat(scrape(registry)).contains("gluster_csi_peers_answering 3.0");
        peers.set(0);
        later();
        assertThat(scrape(registry)).contains("gluster_csi_peers_answering 0.0");
        assertThat(readiness.check().ready()).isFalse();
    }

    private static String scrape(PrometheusRegistry registry) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }
}
