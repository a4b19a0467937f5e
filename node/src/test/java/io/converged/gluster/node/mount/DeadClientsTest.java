package io.converged.gluster.node.mount;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A FUSE client found dead: counted once, logged with the volume and targets, and its targets stay abnormal. */
class DeadClientsTest {
    @TempDir
    Path dir;

    private final AtomicInteger deaths = new AtomicInteger();
    private final List<String> warnings = new ArrayList<>();
    private final Logger logger = Logger.getLogger(DeadClients.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            warnings.add(record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private FakeMounter mounter;
    private VolumeMounts volumes;
    private Path staging;
    private Path writer;
    private Path reader;

    @BeforeEach
    void setUp() throws Exception {
        logger.addHandler(capture);
        mounter = new FakeMounter();
        volumes = new VolumeMounts(mounter, new StageRecords(dir.resolve("state")),
                new DeadClients(deaths::incrementAndGet));
        staging = Files.createDirectories(dir.resolve("plugins/vol1/globalmount"));
        writer = dir.resolve("pods/writer/mount");
        reader = dir.resolve("pods/reader/mount");
        volumes.stage("vol1", GlusterMount.of("vol1", List.of("127.1.9.1", "127.1.9.2"), MountOptions.none(),
                dir.resolve("logs/vol1.log")), staging);
        volumes.publish("vol1", staging, writer, false);
        volumes.publish("vol1", staging, reader, true);
    }

    @AfterEach
    void tearDown() {
        logger.removeHandler(capture);
    }

    @Test
    void statsFindTheDeathCountItOnceLogTheTargetsAndRemountTheStagingPath() throws Exception {
        mounter.killClientAt(staging);

        VolumeMounts.Usage first = volumes.usage("vol1", writer);

        assertThat(first.abnormal()).isTrue();
        assertThat(first.message()).contains("Transport endpoint is not connected", "remounted",
                "until it is restarted");
        assertThat(deaths).hasValue(1);
        assertThat(warnings).singleElement().asString().contains("vol1", staging.toString(), writer.toString(),
                reader.toString(), "must be restarted");
        assertThat(mounter.count("gluster ")).as("re-mounted at the staging path").isEqualTo(2);
        assertThat(volumes.usage("vol1", staging).abnormal()).as("the staging path is whole again").isFalse();
        assertThat(volumes.usage("vol1", reader)).satisfies(usage -> {
            assertThat(usage.abnormal()).as("the reader's pod still holds the dead mount").isTrue();
            assertThat(usage.stats()).isPresent();
            assertThat(usage.message()).contains("died", "restarted");
        });
        assertThat(deaths).as("one death, one count").hasValue(1);
    }

    @Test
    void aNewPublishAfterTheDeathIsNormalAndUnpublishingForgetsTheStaleTarget() throws Exception {
        mounter.killClientAt(staging);
        Path newPod = dir.resolve("pods/new/mount");

        volumes.publish("vol1", staging, newPod, false);

        assertThat(deaths).hasValue(1);
        assertThat(volumes.usage("vol1", newPod).abnormal()).isFalse();
        assertThat(volumes.usage("vol1", writer).abnormal()).isTrue();
        volumes.unpublish("vol1", writer);
        volumes.publish("vol1", staging, writer, false);
        assertThat(volumes.usage("vol1", writer).abnormal()).as("a pod restarted at the same path").isFalse();
    }

    @Test
    void aHealthyVolumeCountsNothing() throws Exception {
        assertThat(volumes.usage("vol1", writer).abnormal()).isFalse();
        volumes.heal(new StageRecords(dir.resolve("state")).find("vol1").orElseThrow());

        assertThat(deaths).hasValue(0);
        assertThat(warnings).isEmpty();
    }
}
