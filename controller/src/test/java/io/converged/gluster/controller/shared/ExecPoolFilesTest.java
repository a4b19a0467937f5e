package io.converged.gluster.controller.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.converged.gluster.csi.exec.CommandException;
import io.converged.gluster.csi.exec.CommandFailedException;
import io.converged.gluster.csi.exec.CommandResult;
import io.converged.gluster.csi.exec.CommandRunner;
import io.converged.gluster.csi.exec.CommandTimeoutException;
import io.converged.gluster.csi.runtime.CsiException;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A pool's files through commands on a peer: the exact argv of each operation, and how their
 * answers read, a mount that is gone (not FUSE, a dead client, a pod that is gone) above all.
 */
class ExecPoolFilesTest {
    private static final String ROOT = "/run/gluster-csi/pools/shared";
    private static final Duration TIMEOUT = Duration.ofSeconds(7);
    private static final String RECORD = "v=1;request=pvc-1;capacity=1073741824;onDelete=delete";
    private static final String ENOTCONN = "Transport endpoint is not connected";

    /** Answers commands in the order a test scripts them, and keeps every argv and timeout it got. */
    static final class ScriptedRunner implements CommandRunner {
        final Deque<Object> answers = new ArrayDeque<>();
        final List<List<String>> calls = new ArrayList<>();
        final List<Duration> timeouts = new ArrayList<>();

        ScriptedRunner answer(String stdout) {
            answers.add(new CommandResult(List.of("x"), 0, stdout, "", Duration.ZERO));
            return this;
        }

        ScriptedRunner answer(int exit, String stdout, String stderr) {
            answers.add(new CommandResult(List.of("x"), exit, stdout, stderr, Duration.ZERO));
            return this;
        }

        ScriptedRunner fail(int exit, String stderr) {
            return answer(exit, "", stderr);
        }

        ScriptedRunner raise(CommandException e) {
            answers.add(e);
            return this;
        }

        @Override
        public CommandResult run(List<String> argv, Duration timeout) throws CommandException {
            calls.add(List.copyOf(argv));
            timeouts.add(timeout);
            Object next = answers.poll();
            if (next == null) {
                throw new AssertionError("unexpected command " + argv);
            }
            if (next instanceof CommandException e) {
                throw e;
            }
            CommandResult result = (CommandResult) next;
            return new CommandResult(argv, result.exitCode(), result.stdout(), result.stderr(), Duration.ZERO);
        }

        @Override
        public String describe() {
            return "scripted";
        }
    }

    private final ScriptedRunner runner = new ScriptedRunner();
    private final ExecPoolFiles files = new ExecPoolFiles(ROOT, runner, TIMEOUT, "the mount of pool shared on p1");

    private static List<String> stat() {
        return List.of("stat", "-f", "-c", "%t %a %b %S", "--", ROOT);
    }

    // ---------------------------------------------------------------- the mount and its room

    @Test
    void spaceRunsStatOfTheRootAndReadsFreeAndTotalBlocksOfAFuseMount() throws Exception {
        runner.answer("65735546 250 1000 4096\n");

        PoolFiles.Space space = files.space();

        assertThat(runner.calls).containsExactly(stat());
        assertThat(space).isEqualTo(new PoolFiles.Space(250L * 4096, 1000L * 4096));
        assertThat(runner.timeouts).containsExactly(TIMEOUT);
    }

    @Test
    void theBricksAMountIsNotConnectedToAreReadWithOneGrepOfItsClientsAndAClientNotInTheGraphIsOne()
            throws Exception {
        String graph = ROOT + "/.meta/graphs/active/";
        // grep exits 2 when one of its files is missing, and still prints what it found in the others.
        runner.answer(2, graph + "shared-client-0/private:connected = 1\n" + graph
                + "shared-client-1/private:connected = 0\n", "grep: " + graph + "shared-client-2/private: No such file"
                + " or directory");

        List<String> missing = files.disconnectedBricks("shared", 3);

        assertThat(runner.calls).containsExactly(List.of("grep", "-H", "^connected = ", "--",
                graph + "shared-client-0/private", graph + "shared-client-1/private",
                graph + "shared-client-2/private"));
        assertThat(missing).containsExactly("shared-client-1", "shared-client-2");
    }

    @Test
    void verifyIsTheSameStatOfAFuseMount() throws Exception {
        runner.answer("65735546 250 1000 4096\n");

        files.verify();

        assertThat(runner.calls).containsExactly(stat());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ef53 20736124 66053021 4096", "1021994 6170913 6170913 4096", "", "65735546 250"})
    void aRootThatIsNotAFuseMountIsMountGone(String statOutput) {
        runner.answer(statOutput + "\n");

        MountGoneException gone = catchThrowableOfType(MountGoneException.class, files::space);

        assertThat(gone).isNotNull().hasMessageContaining("the mount of pool shared on p1")
                .hasMessageContaining("is not mounted");
        assertThat(gone.code()).isEqualTo(Status.Code.UNAVAILABLE);
    }

    @Test
    void aRootOnExt4SaysWhichFilesystemItFound() {
        runner.answer("ef53 20736124 66053021 4096\n");

        assertThat(catchThrowableOfType(MountGoneException.class, files::verify))
                .hasMessageContaining("filesystem type ef53");
    }

    @Test
    void aDeadFuseClientIsMountGone() {
        runner.fail(1, "stat: cannot read file system information for '" + ROOT + "': " + ENOTCONN);

        assertThat(catchThrowableOfType(MountGoneException.class, files::space)).hasMessageContaining(ENOTCONN);
    }

    @Test
    void aMountPointThatIsNotThereIsMountGone() {
        runner.fail(1, "stat: cannot read file system information for '" + ROOT + "': No such file or directory");

        assertThat(catchThrowableOfType(MountGoneException.class, files::verify))
                .hasMessageContaining("No such file or directory");
    }

    @Test
    void aFuseMountWhoseNumbersDoNotReadIsInternal() {
        runner.answer("65735546 many 1000 4096\n");

        CsiException failure = catchThrowableOfType(CsiException.class, files::space);

        assertThat(failure).isNotInstanceOf(MountGoneException.class).hasMessageContaining("unreadable statfs");
        assertThat(failure.code()).isEqualTo(Status.Code.INTERNAL);
    }

    // ---------------------------------------------------------------- directories and records

    @Test
    void makeDirectoryRunsMkdirWithMode755AndIsTrueWhenItMadeIt() throws Exception {
        runner.answer("");

        assertThat(files.makeDirectory("gcs-pvc-1")).isTrue();
        assertThat(runner.calls).containsExactly(List.of("mkdir", "-m", "755", "--", ROOT + "/gcs-pvc-1"));
    }

    @Test
    void makeDirectoryIsFalseWhenTheDirectoryIsThereAlready() throws Exception {
        runner.fail(1, "mkdir: cannot create directory '" + ROOT + "/gcs-pvc-1': File exists");

        assertThat(files.makeDirectory("gcs-pvc-1")).isFalse();
    }

    @Test
    void makeDirectoryThatFailsOtherwiseIsInternalWithTheCommandsWords() {
        runner.fail(1, "mkdir: cannot create directory '" + ROOT + "/gcs-pvc-1': Disk quota exceeded");

        CommandFailedException failure = catchThrowableOfType(CommandFailedException.class,
                () -> files.makeDirectory("gcs-pvc-1"));

        assertThat(failure).hasMessageContaining("making gcs-pvc-1").hasMessageContaining("Disk quota exceeded");
        assertThat(failure.code()).isEqualTo(Status.Code.INTERNAL);
    }

    @Test
    void shareWithGroupRunsChgrpThenChmod2775() throws Exception {
        runner.answer("").answer("");

        files.shareWithGroup("gcs-pvc-1", 2001);

        assertThat(runner.calls).containsExactly(List.of("chgrp", "2001", "--", ROOT + "/gcs-pvc-1"),
                List.of("chmod", "2775", "--", ROOT + "/gcs-pvc-1"));
    }

    @Test
    void shareWithGroupStopsAtAChgrpThatFails() {
        runner.fail(1, "chgrp: changing group of '" + ROOT + "/gcs-pvc-1': Operation not permitted");

        assertThat(catchThrowableOfType(CommandFailedException.class, () -> files.shareWithGroup("gcs-pvc-1", 2001)))
                .hasMessageContaining("setting the group of gcs-pvc-1");
        assertThat(runner.calls).hasSize(1);
    }

    @Test
    void readRunsGetfattrOfTheRecordOnlyAndReturnsItsValue() throws Exception {
        runner.answer(RECORD);

        PoolFiles.Entry entry = files.read("gcs-pvc-1");

        assertThat(runner.calls).containsExactly(List.of("getfattr", "--only-values", "-n", "user.csi.claim", "--",
                ROOT + "/gcs-pvc-1"));
        assertThat(entry).isEqualTo(new PoolFiles.Entry(true, Optional.of(RECORD)));
    }

    @Test
    void readOfADirectoryWithoutARecordSaysItExistsWithNone() throws Exception {
        runner.fail(1, ROOT + "/gcs-pvc-1: user.csi.claim: No such attribute");

        assertThat(files.read("gcs-pvc-1")).isEqualTo(new PoolFiles.Entry(true, Optional.empty()));
    }

    @Test
    void readOfADirectoryThatIsNotThereIsAbsent() throws Exception {
        runner.fail(1, "getfattr: " + ROOT + "/gcs-pvc-1: No such file or directory");

        assertThat(files.read("gcs-pvc-1")).isEqualTo(PoolFiles.Entry.ABSENT);
    }

    @Test
    void readThatFailsOtherwiseIsAnErrorNotAnAnswer() {
        runner.fail(1, "getfattr: " + ROOT + "/gcs-pvc-1: Input/output error");

        assertThat(catchThrowableOfType(CommandFailedException.class, () -> files.read("gcs-pvc-1")))
                .hasMessageContaining("reading the record of gcs-pvc-1").hasMessageContaining("Input/output error");
    }

    @Test
    void writeRecordRunsSetfattrWithTheValueAsOneWord() throws Exception {
        runner.answer("");

        files.writeRecord("gcs-pvc-1", RECORD);

        assertThat(runner.calls).containsExactly(List.of("setfattr", "-n", "user.csi.claim", "-v", RECORD, "--",
                ROOT + "/gcs-pvc-1"));
    }

    @Test
    void writeRecordThatFailsIsInternal() {
        runner.fail(1, "setfattr: " + ROOT + "/gcs-pvc-1: Operation not supported");

        assertThat(catchThrowableOfType(CommandFailedException.class, () -> files.writeRecord("gcs-pvc-1", RECORD))
                .code()).isEqualTo(Status.Code.INTERNAL);
    }

    @Test
    void removeIfEmptyRunsRmdirAndIsTrueWhenItRemovedTheDirectory() throws Exception {
        runner.answer("");

        assertThat(files.removeIfEmpty("gcs-pvc-1")).isTrue();
        assertThat(runner.calls).containsExactly(List.of("rmdir", "--", ROOT + "/gcs-pvc-1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Directory not empty", "No such file or directory"})
    void removeIfEmptyIsFalseForADirectoryThatHoldsSomethingOrIsNotThere(String reason) throws Exception {
        runner.fail(1, "rmdir: failed to remove '" + ROOT + "/gcs-pvc-1': " + reason);

        assertThat(files.removeIfEmpty("gcs-pvc-1")).isFalse();
    }

    // ---------------------------------------------------------------- moving aside

    @Test
    void moveAsideRenamesInsideTheRootToTheHiddenNameWithMvT() throws Exception {
        runner.answer("");

        files.moveAside("gcs-pvc-1", ".csi-trash", "gcs-pvc-1.20250102T030405.000Z");

        assertThat(runner.calls).containsExactly(List.of("mv", "-T", "--", ROOT + "/gcs-pvc-1",
                ROOT + "/.csi-trash.gcs-pvc-1.20250102T030405.000Z"));
    }

    @Test
    void moveAsideThatCannotRenameIsInternal() {
        runner.fail(1, "mv: cannot move '" + ROOT + "/gcs-pvc-1': No such file or directory");

        assertThat(catchThrowableOfType(CommandFailedException.class,
                () -> files.moveAside("gcs-pvc-1", ".csi-trash", "x"))).hasMessageContaining("moving gcs-pvc-1 aside");
    }

    @Test
    void listAsideFindsTheHiddenNamesInTheRootAndWhatAnOlderVersionMovedIntoTheHiddenDirectory() throws Exception {
        runner.answer(".csi-trash.gcs-a.20250102T030405.000Z\n.csi-trash.gcs-b.20250102T030406.000Z\n")
                .answer("gcs-c.20250101T000000.000Z\n");

        List<String> names = files.listAside(".csi-trash");

        assertThat(runner.calls).containsExactly(List.of("find", ROOT, "-mindepth", "1", "-maxdepth", "1", "-name",
                ".csi-trash.*", "-printf", "%f\\n"), List.of("find", ROOT + "/.csi-trash", "-mindepth", "1",
                "-maxdepth", "1", "-printf", "%f\\n"));
        assertThat(names).containsExactly("gcs-a.20250102T030405.000Z", "gcs-b.20250102T030406.000Z",
                "gcs-c.20250101T000000.000Z");
    }

    @Test
    void listAsideWithoutTheOlderHiddenDirectoryIsWhatTheRootHolds() throws Exception {
        runner.answer("").fail(1, "find: '" + ROOT + "/.csi-trash': No such file or directory");

        assertThat(files.listAside(".csi-trash")).isEmpty();
    }

    @Test
    void removeAsideRunsRmRfOnOneFileSystemOnlyOfThatEntryInEitherPlace() throws Exception {
        runner.answer("");

        files.removeAside(".csi-trash", "gcs-a.20250102T030405.000Z");

        assertThat(runner.calls).containsExactly(List.of("rm", "-rf", "--one-file-system", "--",
                ROOT + "/.csi-trash.gcs-a.20250102T030405.000Z", ROOT + "/.csi-trash/gcs-a.20250102T030405.000Z"));
    }

    // ---------------------------------------------------------------- every record

    private static List<String> find() {
        return List.of("find", ROOT, "-mindepth", "1", "-maxdepth", "1", "-type", "d", "!", "-name", ".*", "-printf",
                "%f\\n");
    }

    @Test
    void recordsListsTheVisibleDirectoriesThenReadsTheirRecordsInOneGetfattr() throws Exception {
        String dump = """
                # file: %1$s/gcs-a
                user.csi.claim="v=1;request=pvc-a;capacity=1;onDelete=delete"

                # file: %1$s/gcs-c
                user.csi.claim="v=1;request=pvc-c;capacity=2;onDelete=retain;state=retained"

                """.formatted(ROOT);
        runner.answer("gcs-a\ngcs-b\ngcs-c\n")
                .answer(1, dump, ROOT + "/gcs-b: user.csi.claim: No such attribute\n");

        Map<String, Optional<String>> records = files.records();

        assertThat(runner.calls).containsExactly(find(), List.of("getfattr", "--absolute-names", "-n",
                "user.csi.claim", "--", ROOT + "/gcs-a", ROOT + "/gcs-b", ROOT + "/gcs-c"));
        assertThat(records).containsExactly(
                Map.entry("gcs-a", Optional.of("v=1;request=pvc-a;capacity=1;onDelete=delete")),
                Map.entry("gcs-b", Optional.empty()),
                Map.entry("gcs-c", Optional.of("v=1;request=pvc-c;capacity=2;onDelete=retain;state=retained")));
    }

    @Test
    void recordsOfAnEmptyPoolRunsNoGetfattr() throws Exception {
        runner.answer("");

        assertThat(files.records()).isEmpty();
        assertThat(runner.calls).containsExactly(find());
    }

    @Test
    void recordsReadsALongListInBatchesSoNoArgvGrowsWithoutBound() throws Exception {
        List<String> names = IntStream.range(0, 450).mapToObj(i -> "gcs-%03d".formatted(i)).toList();
        runner.answer(String.join("\n", names) + "\n");
        for (int batch = 0; batch < 3; batch++) {
            StringBuilder dump = new StringBuilder();
            for (int i = batch * 200; i < Math.min(450, batch * 200 + 200); i++) {
                dump.append("# file: ").append(ROOT).append("/gcs-%03d\n".formatted(i))
                        .append("user.csi.claim=\"v=1;request=r").append(i).append(";capacity=1\"\n\n");
            }
            runner.answer(dump.toString());
        }

        Map<String, Optional<String>> records = files.records();

        assertThat(runner.calls).hasSize(4);
        assertThat(runner.calls.subList(1, 4)).extracting(argv -> argv.size() - 5).containsExactly(200, 200, 50);
        assertThat(runner.calls.get(3).subList(0, 6)).containsExactly("getfattr", "--absolute-names", "-n",
                "user.csi.claim", "--", ROOT + "/gcs-400");
        assertThat(records).hasSize(450).allSatisfy((name, value) -> assertThat(value).isPresent());
        assertThat(records.get("gcs-449")).contains("v=1;request=r449;capacity=1");
    }

    @Test
    void aDumpLineOfAnotherAttributeOrOutsideAFileBlockIsNoRecord() {
        Map<String, Optional<String>> records = new TreeMap<>();
        records.put("gcs-a", Optional.empty());

        files.parseDump("""
                user.csi.claim="v=1;request=stray;capacity=1"
                # file: %1$s/gcs-a
                user.other="v=1;request=other;capacity=1"
                """.formatted(ROOT), records);

        assertThat(records).containsExactly(Map.entry("gcs-a", Optional.empty()));
    }

    @Test
    void recordsThatGetfattrCouldNotReadAreAnErrorNotMissingRecords() {
        runner.answer("gcs-a\ngcs-b\n")
                .answer(1, "", ROOT + "/gcs-a: user.csi.claim: No such attribute\n"
                        + "getfattr: " + ROOT + "/gcs-b: Input/output error\n");

        assertThat(catchThrowableOfType(CommandFailedException.class, files::records))
                .hasMessageContaining("reading the claim records").hasMessageContaining("Input/output error");
    }

    @Test
    void recordsOfAPoolWhoseListingFailsIsAnError() {
        runner.fail(1, "find: '" + ROOT + "': Permission denied");

        assertThat(catchThrowableOfType(CommandFailedException.class, files::records))
                .hasMessageContaining("listing the claims");
    }

    // ---------------------------------------------------------------- a mount or a pod that is gone

    interface Operation {
        void run(PoolFiles files) throws CsiException;
    }

    static Stream<Arguments> everyOperation() {
        return Stream.of(
                Arguments.of("verify", (Operation) PoolFiles::verify),
                Arguments.of("space", (Operation) PoolFiles::space),
                Arguments.of("makeDirectory", (Operation) f -> f.makeDirectory("d")),
                Arguments.of("shareWithGroup", (Operation) f -> f.shareWithGroup("d", 1)),
                Arguments.of("read", (Operation) f -> f.read("d")),
                Arguments.of("writeRecord", (Operation) f -> f.writeRecord("d", RECORD)),
                Arguments.of("removeIfEmpty", (Operation) f -> f.removeIfEmpty("d")),
                Arguments.of("moveAside", (Operation) f -> f.moveAside("d", ".csi-trash", "d.1")),
                Arguments.of("listAside", (Operation) f -> f.listAside(".csi-trash")),
                Arguments.of("removeAside", (Operation) f -> f.removeAside(".csi-trash", "d.1")),
                Arguments.of("records", (Operation) PoolFiles::records));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyOperation")
    void aRunnerThatCannotRunTheCommandBecauseThePodIsGoneMakesEveryOperationMountGone(String name,
            Operation operation) {
        runner.raise(new CommandException("pod gluster/p1 is gone"));

        MountGoneException gone = catchThrowableOfType(MountGoneException.class, () -> operation.run(files));

        assertThat(gone).isNotNull().hasMessageContaining("pod gluster/p1 is gone")
                .hasCauseInstanceOf(CommandException.class);
        assertThat(runner.calls).hasSize(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyOperation")
    void aDeadFuseClientMakesEveryOperationMountGone(String name, Operation operation) {
        runner.fail(1, "cannot access '" + ROOT + "/d': " + ENOTCONN);

        assertThat(catchThrowableOfType(MountGoneException.class, () -> operation.run(files)))
                .hasMessageContaining(ENOTCONN);
    }

    @Test
    void aCommandThatRunsOutOfTimeIsMountGoneSoTheMountIsMadeAgain() {
        runner.raise(new CommandTimeoutException("getfattr ran out of time"));

        assertThat(catchThrowableOfType(MountGoneException.class, () -> files.read("d")))
                .hasCauseInstanceOf(CommandTimeoutException.class);
    }
}
