package io.converged.gluster.controller.gluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.converged.gluster.csi.exec.CommandException;
import io.converged.gluster.csi.exec.CommandResult;
import io.converged.gluster.csi.exec.CommandRunner;
import io.converged.gluster.csi.exec.CommandTimeoutException;
import io.converged.gluster.csi.exec.GlusterCliEnvironment;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The client's argv, its answers and its retry of lock contention, against a scripted runner. */
class GlusterCliTest {
    private static final List<String> PREFIX = List.of("gluster", "--mode=script", "--glusterd-sock=/s");
    private static final String LOCKED = GlusterXmlTest.resource("lock-another-transaction.xml");
    private static final String LOCKING_FAILED = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <cliOutput>
              <opRet>-1</opRet>
              <opErrno>30800</opErrno>
              <opErrstr>Locking failed on 127.1.9.2. Please check log file for details.</opErrstr>
            </cliOutput>
            """;
    private static final String SET_OK = GlusterXmlTest.resource("set-many.xml");
    private static final String LIMIT_SET = GlusterXmlTest.resource("limit.xml");
    private static final String LISTED_64_MIB = GlusterXmlTest.resource("quota-list-nolimit.xml")
            .replace("<hard_limit>N/A</hard_limit>", "<hard_limit>67108864</hard_limit>");

    /** Answers commands in order from a script; records argv. */
    static final class ScriptedRunner implements CommandRunner {
        final Deque<Object> answers = new ArrayDeque<>();
        final List<List<String>> calls = new ArrayList<>();
        final List<Map<String, String>> environments = new ArrayList<>();

        ScriptedRunner answer(String stdout) {
            answers.add(new CommandResult(List.of("x"), 0, stdout, "", Duration.ZERO));
            return this;
        }

        ScriptedRunner fail(int exit, String stderr) {
            answers.add(new CommandResult(List.of("x"), exit, "", stderr, Duration.ZERO));
            return this;
        }

        ScriptedRunner raise(CommandException e) {
            answers.add(e);
            return this;
        }

        @Override
        public CommandResult run(List<String> argv, Map<String, String> environment, Duration timeout)
                throws CommandException {
            environments.add(environment);
            return run(argv, timeout);
        }

        @Override
        public CommandResult run(List<String> argv, Duration timeout) throws CommandException {
            calls.add(argv);
            Object next = answers.poll();
            if (next == null) {
                throw new AssertionError("unexpected command " + argv);
            }
            if (next instanceof CommandException e) {
                throw e;
            }
            return (CommandResult) next;
        }

        @Override
        public String describe() {
            return "scripted";
        }
    }

    private final List<Duration> slept = new ArrayList<>();

    private GlusterCli cli(ScriptedRunner runner, RetryPolicy policy) {
        return new GlusterCli(runner, PREFIX, policy, Duration.ofSeconds(5), slept::add, new Random(7));
    }

    @Test
    void everyCallRunsWithGeoReplicationsPythonProbeAnsweredByTrue() throws Exception {
        ScriptedRunner runner = new ScriptedRunner().answer(LIMIT_SET)
                .answer(GlusterXmlTest.resource("quota-list-nolimit.xml")).answer(LIMIT_SET).answer(LISTED_64_MIB);

        cli(runner, RetryPolicy.NONE).setQuotaLimit("v", "/", 64L * 1024 * 1024);

        assertThat(runner.environments).hasSize(4).allSatisfy(env -> assertThat(env)
                .containsExactlyEntriesOf(Map.of("PYTHON", "/bin/true")).isEqualTo(GlusterCliEnvironment.VARIABLES));
        assertThat(runner.calls).allSatisfy(argv -> assertThat(argv).startsWith("gluster", "--mode=script"));
    }

    @Test
    void aLimitIsReadBackAndSetOnceMoreWhenGlusterShowsNone() throws Exception {
        ScriptedRunner runner = new ScriptedRunner().answer(LIMIT_SET)
                .answer(GlusterXmlTest.resource("quota-list-nolimit.xml")).answer(LIMIT_SET).answer(LISTED_64_MIB);

        cli(runner, RetryPolicy.NONE).setQuotaLimit("v", "/", 64L * 1024 * 1024);

        assertThat(runner.calls).hasSize(4);
    }

    @Test
    void aLimitACliCannotListAtAllIsTakenAsSetWithoutAnotherTry() throws Exception {
        // What gluster 10.3's CLI prints when it runs where glusterd's quota mount is not (measured in another
        // mount namespace than glusterd's): a line of N/A on stderr, and no limit line in the XML.
        ScriptedRunner runner = new ScriptedRunner().answer(LIMIT_SET).answer("<?xml version=\"1.0\" encoding=\"UTF-8\""
                + " standalone=\"yes\"?>\n<cliOutput>\n  <opRet>0</opRet>\n  <opErrno>0</opErrno>\n  <opErrstr/>\n"
                + "  <volQuota/>\n</cliOutput>\n");

        cli(runner, RetryPolicy.NONE).setQuotaLimit("v", "/", 64L * 1024 * 1024);

        assertThat(runner.calls).hasSize(2);
    }

    @Test
    void aCliThatHasListedLimitsBeforeAndNowListsNoLineSetsTheLimitOnceMoreAndThenFails() throws Exception {
        // A CLI that sees glusterd's quota mount (it listed a limit before) has no excuse for listing nothing.
        String noLine = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<cliOutput>\n"
                + "  <opRet>0</opRet>\n  <opErrno>0</opErrno>\n  <opErrstr/>\n  <volQuota/>\n</cliOutput>\n";
        ScriptedRunner runner = new ScriptedRunner().answer(LIMIT_SET).answer(LISTED_64_MIB).answer(LIMIT_SET)
                .answer(noLine).answer(LIMIT_SET).answer(noLine);
        GlusterCli cli = cli(runner, RetryPolicy.NONE);
        cli.setQuotaLimit("v", "/", 64L * 1024 * 1024);

        GlusterException failure = catchThrowableOfType(GlusterException.class,
                () -> cli.setQuotaLimit("v", "/", 64L * 1024 * 1024));

        assertThat(failure.is(GlusterException.Kind.LIMIT_NOT_SHOWN)).isTrue();
        assertThat(runner.calls).hasSize(6);
    }

    @Test
    void lockContentionIsRetriedUntilItClearsAndTheCallerSeesSuccess() throws Exception {
        ScriptedRunner runner = new ScriptedRunner().answer(LOCKED).answer(LOCKING_FAILED).answer(LOCKED)
                .answer(SET_OK);
        RetryPolicy policy = new RetryPolicy(5, Duration.ofMillis(100), Duration.ofMillis(250));

        cli(runner, policy).setOptions("v", Map.of("user.a", "1"));

        assertThat(runner.calls).hasSize(4).allMatch(argv -> argv.equals(runner.calls.get(0)));
        assertThat(slept).hasSize(3);
        assertThat(slept.get(0)).isBetween(Duration.ZERO, Duration.ofMillis(100));
        assertThat(slept.get(1)).isBetween(Duration.ZERO, Duration.ofMillis(200));
        assertThat(slept.get(2)).isBetween(Duration.ZERO, Duration.ofMillis(250));
    }

    @Test
    void lockContentionReachesTheCallerOnlyOnceRetriesAreSpent() {
        ScriptedRunner runner = new ScriptedRunner();
        for (int i = 0; i < 4; i++) {
            runner.answer(LOCKED);
        }
        RetryPolicy policy = new RetryPolicy(4, Duration.ofMillis(10), Duration.ofMillis(40));

        assertThatThrownBy(() -> cli(runner, policy).startVolume("v", false))
                .isInstanceOf(GlusterException.class)
                .hasFieldOrPropertyWithValue("kind", GlusterException.Kind.LOCK_CONTENTION)
                .hasMessageContaining("Another transaction is in progress")
                .hasMessageContaining("after 4 attempts");
        assertThat(runner.calls).hasSize(4);
        assertThat(slept).hasSize(3).allMatch(d -> d.compareTo(Duration.ofMillis(40)) <= 0);
    }

    @Test
    void otherFailuresAreNotRetried() {
        ScriptedRunner runner = new ScriptedRunner().answer(GlusterXmlTest.resource("create-exists.xml"));

        assertThatThrownBy(() -> cli(runner, RetryPolicy.DEFAULT).createVolume(
                VolumeLayout.replica("va", List.of("h1:/b/va", "h2:/b/va"), true)))
                .isInstanceOf(GlusterException.class)
                .hasFieldOrPropertyWithValue("kind", GlusterException.Kind.VOLUME_EXISTS);
        assertThat(runner.calls).hasSize(1);
        assertThat(slept).isEmpty();
    }

    @Test
    void jitterSpreadsTheWaitsAndStaysUnderTheCap() {
        RetryPolicy policy = RetryPolicy.DEFAULT;
        Random random = new Random(1);
        List<Duration> delays = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            delays.add(policy.delayAfter(10, random));
        }
        assertThat(delays).allMatch(d -> !d.isNegative() && d.compareTo(policy.maxDelay()) <= 0);
        assertThat(delays.stream().distinct().count()).isGreaterThan(50);
        assertThat(policy.delayAfter(1, random)).isLessThanOrEqualTo(policy.baseDelay());
    }

    @Test
    void createBuildsTheArgvForEachLayout() throws Exception {
        String ok = GlusterXmlTest.resource("create.xml");
        ScriptedRunner runner = new ScriptedRunner().answer(ok).answer(ok).answer(ok);
        GlusterCli cli = cli(runner, RetryPolicy.NONE);

        cli.createVolume(VolumeLayout.replica("r2", List.of("a:/m/r2/brick", "b:/m/r2/brick"), true));
        cli.createVolume(VolumeLayout.arbiter("ar", List.of("a:/m/ar/brick", "b:/m/ar/brick", "c:/m/ar/brick"), false));
        cli.createVolume(VolumeLayout.replica("one", List.of("a:/m/one/brick"), true));

        assertThat(runner.calls.get(0)).containsExactly("gluster", "--mode=script", "--glusterd-sock=/s", "volume",
                "create", "r2", "replica", "2", "a:/m/r2/brick", "b:/m/r2/brick", "force", "--xml");
        assertThat(runner.calls.get(1)).containsExactly("gluster", "--mode=script", "--glusterd-sock=/s", "volume",
                "create", "ar", "replica", "3", "arbiter", "1", "a:/m/ar/brick", "b:/m/ar/brick", "c:/m/ar/brick",
                "--xml");
        assertThat(runner.calls.get(2)).containsExactly("gluster", "--mode=script", "--glusterd-sock=/s", "volume",
                "create", "one", "a:/m/one/brick", "force", "--xml");
    }

    @Test
    void manyOptionsAreSetInOneCallInOrder() throws Exception {
        ScriptedRunner runner = new ScriptedRunner().answer(SET_OK);
        Map<String, String> options = new LinkedHashMap<>();
        options.put("user.csi.name", "pvc-1");
        options.put("user.csi.pvc", "claim with spaces");
        options.put("user.csi.capacity", "1073741824");
        options.put("user.csi.owner", "glusterfs.converged.io");

        cli(runner, RetryPolicy.NONE).setOptions("v", options);

        assertThat(runner.calls).singleElement().isEqualTo(List.of("gluster", "--mode=script", "--glusterd-sock=/s",
                "volume", "set", "v", "user.csi.name", "pvc-1", "user.csi.pvc", "claim with spaces",
                "user.csi.capacity", "1073741824", "user.csi.owner", "glusterfs.converged.io", "--xml"));
    }

    @Test
    void quotaCommandsNameTheRootPath() throws Exception {
        ScriptedRunner runner = new ScriptedRunner()
                .answer(GlusterXmlTest.resource("quota-enable.xml"))
                .answer(GlusterXmlTest.resource("quota-enable-again.xml"))
                .answer(GlusterXmlTest.resource("limit.xml"))
                .answer(GlusterXmlTest.resource("quota-list.xml"));
        GlusterCli cli = cli(runner, RetryPolicy.NONE);

        cli.quotaEnable("v");
        cli.quotaEnable("v"); // already enabled: success
        cli.quotaLimitUsage("v", "/", 2_147_483_648L);
        QuotaLimit limit = cli.quotaList("v", "/").orElseThrow();

        assertThat(runner.calls.get(2)).endsWith("volume", "quota", "v", "limit-usage", "/", "2147483648", "--xml");
        assertThat(runner.calls.get(3)).endsWith("volume", "quota", "v", "list", "/", "--xml");
        assertThat(limit.hardLimitBytes()).hasValue(2_147_483_648L);
    }

    @Test
    void aMissingVolumeIsAnEmptyInfoAndAProbeOfAKnownPeerIsSuccess() throws Exception {
        ScriptedRunner runner = new ScriptedRunner()
                .answer(GlusterXmlTest.resource("info-notfound.xml"))
                .answer(GlusterXmlTest.resource("probe-2-again.xml"))
                .answer(GlusterXmlTest.resource("probe-self.xml"));
        GlusterCli cli = cli(runner, RetryPolicy.NONE);

        assertThat(cli.volumeInfo("nosuch")).isEmpty();
        cli.peerProbe("127.1.9.2");
        cli.peerProbe("127.1.9.1");
        assertThat(runner.calls.get(1)).endsWith("peer", "probe", "127.1.9.2", "--xml");
    }

    @Test
    void aCommandThatCannotRunOrTimesOutIsGlusterdUnreachable() {
        ScriptedRunner runner = new ScriptedRunner()
                .raise(new CommandException("pod gluster/peer-0 is gone"))
                .raise(new CommandTimeoutException("gluster did not finish within 5000 ms"))
                .fail(1, GlusterXmlTest.resource("unreachable.txt"));
        GlusterCli cli = cli(runner, RetryPolicy.NONE);

        assertThatThrownBy(cli::volumeList).isInstanceOf(GlusterException.class)
                .hasFieldOrPropertyWithValue("kind", GlusterException.Kind.GLUSTERD_UNREACHABLE)
                .hasMessageContaining("pod gluster/peer-0 is gone");
        assertThatThrownBy(cli::volumeList).isInstanceOf(GlusterException.class)
                .hasFieldOrPropertyWithValue("kind", GlusterException.Kind.GLUSTERD_UNREACHABLE)
                .hasMessageContaining("did not finish");
        assertThatThrownBy(cli::poolList).isInstanceOf(GlusterException.class)
                .hasFieldOrPropertyWithValue("kind", GlusterException.Kind.GLUSTERD_UNREACHABLE)
                .hasMessageContaining("(exit 1)");
    }

    @Test
    void anExitZeroWithoutXmlIsNotSuccess() {
        ScriptedRunner runner = new ScriptedRunner().answer("volume list: success");
        assertThatThrownBy(() -> cli(runner, RetryPolicy.NONE).volumeList())
                .isInstanceOf(GlusterException.class).hasMessageContaining("no XML answer");
    }

    @Test
    void anIndexHealGlusterAnswersInPlainTextIsSuccessButAnyOtherPlainAnswerIsNot() throws Exception {
        ScriptedRunner runner = new ScriptedRunner().answer("Launching heal operation to perform index self heal on"
                + " volume v has been successful \nUse heal info commands to check status.\n")
                .answer("Volume heal failed.");
        GlusterCli cli = cli(runner, RetryPolicy.NONE);

        cli.healIndex("v");

        assertThat(runner.calls.get(0)).containsSubsequence("volume", "heal", "v", "--xml");
        assertThatThrownBy(() -> cli.healIndex("v")).isInstanceOf(GlusterException.class)
                .hasMessageContaining("no XML answer");
    }

    @Test
    void badNamesNeverReachACommandLine() {
        ScriptedRunner runner = new ScriptedRunner();
        GlusterCli cli = cli(runner, RetryPolicy.NONE);

        assertThatThrownBy(() -> cli.deleteVolume("v; rm -rf /")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> cli.startVolume("-v", false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> cli.volumeInfo("all")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> cli.peerProbe("--remote-host=x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> cli.setOptions("v", Map.of("user.a b", "x")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> cli.setOptions("v", Map.of("user.a", "-x")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> cli.setOptions("v", Map.of("user.a", "line\nbreak")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> cli.quotaLimitUsage("v", "/../etc", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> cli.quotaLimitUsage("v", "/", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> VolumeLayout.replica("v", List.of("h:/b", "h:/b"), true))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> VolumeLayout.replica("v", List.of("h:relative"), true))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> VolumeLayout.arbiter("v", List.of("a:/b", "b:/b"), true))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GlusterCli(runner, List.of("gluster"))).isInstanceOf(
                IllegalArgumentException.class);
        assertThat(runner.calls).isEmpty();
    }
}
