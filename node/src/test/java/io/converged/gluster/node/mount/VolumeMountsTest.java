package io.converged.gluster.node.mount;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VolumeMountsTest {
    @TempDir
    Path dir;

    private FakeMounter mounter;
    private StageRecords records;
    private VolumeMounts volumes;
    private Path staging;
    private Path target1;
    private Path target2;
    private GlusterMount vol1;

    @BeforeEach
    void setUp() throws Exception {
        mounter = new FakeMounter();
        records = new StageRecords(dir.resolve("state"));
        volumes = new VolumeMounts(mounter, records);
        staging = Files.createDirectories(dir.resolve("plugins/vol1/globalmount"));
        target1 = dir.resolve("pods/a/mount");
        target2 = dir.resolve("pods/b/mount");
        vol1 = mount("vol1", MountOptions.none());
    }

    private GlusterMount mount(String volume, MountOptions options) throws MountException {
        return GlusterMount.of(volume, List.of("127.1.9.1", "127.1.9.2", "127.1.9.3"), options,
                dir.resolve("logs/" + volume + ".log"));
    }

    private Path device(Path path) {
        return Path.of(mounter.mounts().at(path).orElseThrow().device());
    }

    @Test
    void stageMountsOnceAndRecordsTheVolumeNextToTheStagingPath() throws Exception {
        volumes.stage("vol1", vol1, staging);
        volumes.stage("vol1", vol1, staging);

        assertThat(mounter.count("gluster ")).isEqualTo(1);
        assertThat(mounter.calls().get(0)).contains("127.1.9.1:/vol1", "backup-volfile-servers=127.1.9.2:127.1.9.3",
                "log-file=" + dir.resolve("logs/vol1.log"));
        assertThat(StageRecords.recordPath(staging)).isRegularFile();
        assertThat(records.find("vol1")).hasValueSatisfying(record -> {
            assertThat(record.stagingPath()).isEqualTo(staging);
            assertThat(record.mount()).isEqualTo(vol1);
        });
        assertThat(dir.resolve("logs")).isDirectory();
    }

    @Test
    void stageCreatesAMissingStagingDirectory() throws Exception {
        Path missing = dir.resolve("plugins/vol9/globalmount");
        volumes.stage("vol9", mount("vol9", MountOptions.none()), missing);
        assertThat(mounter.mounts().at(missing)).isPresent();
    }

    @Test
    void stagingAnotherVolumeAtAStagedPathIsAConflict() throws Exception {
        volumes.stage("vol1", vol1, staging);
        assertThatThrownBy(() -> volumes.stage("vol2", mount("vol2", MountOptions.none()), staging))
                .isInstanceOfSatisfying(MountException.class,
                        e -> assertThat(e.reason()).isEqualTo(MountException.Reason.CONFLICT))
                .hasMessageContaining("127.1.9.1:/vol1");
    }

    @Test
    void stagingOverAForeignMountIsAConflict() throws Exception {
        mounter.mountForeign(staging, "tmpfs", "tmpfs");
        assertThatThrownBy(() -> volumes.stage("vol1", vol1, staging))
                .isInstanceOfSatisfying(MountException.class,
                        e -> assertThat(e.reason()).isEqualTo(MountException.Reason.CONFLICT));
    }

    @Test
    void stagingAgainWithOtherMountOptionsIsAConflict() throws Exception {
        volumes.stage("vol1", vol1, staging);
        GlusterMount other = mount("vol1", MountOptions.parse(List.of("acl")));
        assertThatThrownBy(() -> volumes.stage("vol1", other, staging))
                .isInstanceOfSatisfying(MountException.class,
                        e -> assertThat(e.reason()).isEqualTo(MountException.Reason.CONFLICT))
                .hasMessageContaining("acl");
    }

    @Test
    void stagingAVolumeAtASecondPathWhileTheFirstIsMountedIsRefused() throws Exception {
        volumes.stage("vol1", vol1, staging);
        Path second = Files.createDirectories(dir.resolve("plugins/other/globalmount"));
        assertThatThrownBy(() -> volumes.stage("vol1", vol1, second))
                .isInstanceOfSatisfying(MountException.class,
                        e -> assertThat(e.reason()).isEqualTo(MountException.Reason.IN_USE));
    }

    @Test
    void aFailedMountLeavesNoRecord() throws Exception {
        mounter.failNextGlusterMount(new MountException(MountException.Reason.FAILED, "Mount failed"));
        assertThatThrownBy(() -> volumes.stage("vol1", vol1, staging)).hasMessage("Mount failed");
        assertThat(records.find("vol1")).isEmpty();
        assertThat(StageRecords.recordPath(staging)).doesNotExist();
    }

    @Test
    void publishBindsTheStagingMountReadOnlyWhenAskedAndOnlyOnce() throws Exception {
        volumes.stage("vol1", vol1, staging);
        volumes.publish("vol1", staging, target1, false);
        volumes.publish("vol1", staging, target2, true);
        volumes.publish("vol1", staging, target2, true);

        assertThat(mounter.count("bind ")).isEqualTo(2);
        assertThat(mounter.mounts().at(target1).orElseThrow().readOnly()).isFalse();
        assertThat(mounter.mounts().at(target2).orElseThrow().readOnly()).isTrue();
        assertThat(device(target2)).isEqualTo(device(staging));
        assertThat(records.find("vol1").orElseThrow().targets()).containsEntry(target1, false)
                .containsEntry(target2, true);
    }

    @Test
    void publishingInTheOtherModeAtAPublishedTargetIsAConflict() throws Exception {
        volumes.stage("vol1", vol1, staging);
        volumes.publish("vol1", staging, target1, false);
        assertThatThrownBy(() -> volumes.publish("vol1", staging, target1, true))
                .isInstanceOfSatisfying(MountException.class,
                        e -> assertThat(e.reason()).isEqualTo(MountException.Reason.CONFLICT))
                .hasMessageContaining("read-write");
    }

    @Test
    void publishingOverAnotherMountIsAConflict() throws Exception {
        volumes.stage("vol1", vol1, staging);
        Files.createDirectories(target1);
        mounter.mountForeign(target1, "tmpfs", "tmpfs");
        assertThatThrownBy(() -> volumes.publish("vol1", staging, target1, false))
                .isInstanceOfSatisfying(MountException.class,
                        e -> assertThat(e.reason()).isEqualTo(MountException.Reason.CONFLICT));
    }

    @Test
    void publishingAnUnstagedVolumeIsRefused() {
        assertThatThrownBy(() -> volumes.publish("vol1", staging, target1, false))
                .isInstanceOfSatisfying(MountException.class,
                        e -> assertThat(e.reason()).isEqualTo(MountException.Reason.NOT_STAGED));
        assertThat(target1).doesNotExist();
    }

    @Test
    void unpublishUnmountsAndRemovesTheTargetAndIsHarmlessTwice() throws Exception {
        volumes.stage("vol1", vol1, staging);
        volumes.publish("vol1", staging, target1, false);
        volumes.unpublish("vol1", target1);
        volumes.unpublish("vol1", target1);

        assertThat(mounter.mounts().at(target1)).isEmpty();
        assertThat(target1).doesNotExist();
        assertThat(records.find("vol1").orElseThrow().targets()).doesNotContainKey(target1);
        assertThat(mounter.count("umount ")).isEqualTo(1);
    }

    @Test
    void aBusyTargetIsReportedAndStaysMounted() throws Exception {
        volumes.stage("vol1", vol1, staging);
        volumes.publish("vol1", staging, target1, false);
        mounter.makeBusy(target1);
        assertThatThrownBy(() -> volumes.unpublish("vol1", target1))
                .isInstanceOfSatisfying(MountException.class,
                        e -> assertThat(e.reason()).isEqualTo(MountException.Reason.IN_USE));
        assertThat(mounter.mounts().at(target1)).isPresent();
        assertThat(records.find("vol1").orElseThrow().targets()).containsKey(target1);
    }

    @Test
    void unstageIsRefusedWhilePublishedThenForgetsTheVolume() throws Exception {
        volumes.stage("vol1", vol1, staging);
        volumes.publish("vol1", staging, target1, false);
        assertThatThrownBy(() -> volumes.unstage("vol1", staging))
                .isInstanceOfSatisfying(MountException.class,
                        e -> assertThat(e.reason()).isEqualTo(MountException.Reason.IN_USE))
                .hasMessageContaining(target1.toString());

        volumes.unpublish("vol1", target1);
        volumes.unstage("vol1", staging);
        volumes.unstage("vol1", staging);

        assertThat(mounter.mounts().all()).isEmpty();
        assertThat(staging).doesNotExist();
        assertThat(StageRecords.recordPath(staging)).doesNotExist();
        assertThat(records.find("vol1")).isEmpty();
        assertThat(records.all()).isEmpty();
    }

    @Test
    void usageReportsTheVolumeFigures() throws Exception {
        volumes.stage("vol1", vol1, staging);
        volumes.publish("vol1", staging, target1, false);

        VolumeMounts.Usage usage = volumes.usage("vol1", target1);

        assertThat(usage.abnormal()).isFalse();
        assertThat(usage.stats()).contains(FakeMounter.VOLUME);
    }

    @Test
    void usageOfAPathThatIsNoVolumeIsNotFound() throws Exception {
        volumes.stage("vol1", vol1, staging);
        assertThatThrownBy(() -> volumes.usage("vol1", dir.resolve("elsewhere")))
                .isInstanceOfSatisfying(MountException.class,
                        e -> assertThat(e.reason()).isEqualTo(MountException.Reason.NOT_FOUND));
        assertThatThrownBy(() -> volumes.usage("vol1", target1))
                .isInstanceOfSatisfying(MountException.class,
                        e -> assertThat(e.reason()).isEqualTo(MountException.Reason.NOT_FOUND));
    }

    @Test
    void aDeadClientTurnsUsageAbnormalAndIsHealedAtStagingAndEveryTarget() throws Exception {
        volumes.stage("vol1", vol1, staging);
        volumes.publish("vol1", staging, target1, false);
        volumes.publish("vol1", staging, target2, true);
        Path before = device(staging);
        mounter.killClientAt(staging);

        VolumeMounts.Usage usage = volumes.usage("vol1", target1);

        assertThat(usage.abnormal()).isTrue();
        assertThat(usage.message()).contains("Transport endpoint is not connected", "healed",
                "remounted", target2.toString());
        assertThat(device(staging)).isNotEqualTo(before);
        assertThat(device(target1)).isEqualTo(device(staging));
        assertThat(device(target2)).isEqualTo(device(staging));
        assertThat(mounter.mounts().at(target2).orElseThrow().readOnly()).isTrue();
        assertThat(mounter.mounts().all()).hasSize(3);
        assertThat(volumes.usage("vol1", staging).abnormal()).isFalse();
        assertThat(volumes.usage("vol1", target1)).as("a pod on the dead mount must restart").satisfies(again -> {
            assertThat(again.abnormal()).isTrue();
            assertThat(again.stats()).isPresent();
            assertThat(again.message()).contains("until it is restarted");
        });
    }

    @Test
    void aVanishedTargetMountIsAbnormalAndReBound() throws Exception {
        volumes.stage("vol1", vol1, staging);
        volumes.publish("vol1", staging, target1, true);
        mounter.unmount(target1);

        VolumeMounts.Usage usage = volumes.usage("vol1", target1);

        assertThat(usage.abnormal()).isTrue();
        assertThat(usage.message()).contains("is gone", "re-bound");
        assertThat(mounter.mounts().at(target1).orElseThrow().readOnly()).isTrue();
    }

    @Test
    void aHungMountIsAbnormalAndLeftAlone() throws Exception {
        volumes.stage("vol1", vol1, staging);
        mounter.makeHung(staging);

        VolumeMounts.Usage usage = volumes.usage("vol1", staging);

        assertThat(usage.abnormal()).isTrue();
        assertThat(usage.stats()).isEmpty();
        assertThat(mounter.count("umount ")).isZero();
    }

    @Test
    void healingThatFailsIsReportedInTheCondition() throws Exception {
        volumes.stage("vol1", vol1, staging);
        mounter.killClientAt(staging);
        mounter.failNextGlusterMount(new MountException(MountException.Reason.FAILED, "no server answered"));

        VolumeMounts.Usage usage = volumes.usage("vol1", staging);

        assertThat(usage.abnormal()).isTrue();
        assertThat(usage.message()).contains("healing failed", "no server answered");
    }

    @Test
    void theNextPublishHealsADeadClient() throws Exception {
        volumes.stage("vol1", vol1, staging);
        volumes.publish("vol1", staging, target1, false);
        mounter.killClientAt(staging);

        volumes.publish("vol1", staging, target2, false);

        assertThat(device(target1)).isEqualTo(device(staging));
        assertThat(device(target2)).isEqualTo(device(staging));
        assertThat(volumes.usage("vol1", target2).abnormal()).isFalse();
        assertThat(volumes.usage("vol1", target1).abnormal()).as("published before the client died").isTrue();
    }

    @Test
    void theNextStageHealsADeadClient() throws Exception {
        volumes.stage("vol1", vol1, staging);
        volumes.publish("vol1", staging, target1, false);
        mounter.killClientAt(staging);

        volumes.stage("vol1", vol1, staging);

        assertThat(mounter.count("gluster ")).isEqualTo(2);
        assertThat(device(target1)).isEqualTo(device(staging));
    }

    @Test
    void aRestartedServerHealsEveryRecordedVolumeFromDisk() throws Exception {
        volumes.stage("vol1", vol1, staging);
        volumes.publish("vol1", staging, target1, true);
        mounter.killClientAt(staging);

        StageRecords reread = new StageRecords(dir.resolve("state"));
        VolumeMounts restarted = new VolumeMounts(mounter, reread);
        List<StageRecord> all = reread.all();
        assertThat(all).hasSize(1);
        VolumeMounts.HealReport report = restarted.heal(all.get(0));

        assertThat(report.remounted()).isTrue();
        assertThat(report.rebound()).containsExactly(target1);
        assertThat(device(target1)).isEqualTo(device(staging));
        assertThat(restarted.heal(all.get(0)).changedAnything()).isFalse();
    }

    @Test
    void healingForgetsTargetsWhoseDirectoryIsGone() throws Exception {
        volumes.stage("vol1", vol1, staging);
        volumes.publish("vol1", staging, target1, false);
        mounter.unmount(target1);
        Files.delete(target1);

        VolumeMounts.HealReport report = volumes.heal(records.find("vol1").orElseThrow());

        assertThat(report.dropped()).containsExactly(target1);
        assertThat(records.find("vol1").orElseThrow().targets()).isEmpty();
        assertThat(target1).doesNotExist();
    }
}
