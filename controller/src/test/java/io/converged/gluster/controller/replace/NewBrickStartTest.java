package io.converged.gluster.controller.replace;

import static org.assertj.core.api.Assertions.assertThat;

import io.converged.gluster.controller.gluster.GlusterCli;
import io.converged.gluster.csi.exec.CommandResult;
import io.converged.gluster.csi.exec.CommandRunner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The check after {@code replace-brick} that the new brick runs, and the one start it gets when it does not. */
class NewBrickStartTest {
    private static final String STATUS = resource("status-r2.xml");
    private static final String STARTED = resource("start-r2.xml");
    /** A brick of status-r2.xml that is online there. */
    private static final String LISTED = brick(STATUS);
    private static final String NOT_LISTED = "127.1.9.9:/mnt/brick1/v2/brick";

    @Test
    void aNewBrickThatIsOnlineIsLeftAlone() {
        Scripted runner = new Scripted().answer(STATUS);
        assertThat(BrickMoves.awaitOnline(cli(runner), "v2", LISTED, Duration.ZERO)).isTrue();
        assertThat(runner.calls).hasSize(1).allMatch(argv -> argv.contains("status"));
    }

    @Test
    void aNewBrickNoGlusterdStartedIsStartedOnceWithVolumeStartForce() {
        String online = STATUS.replace(LISTED.substring(0, LISTED.indexOf(':')), "127.1.9.9")
                .replace(LISTED.substring(LISTED.indexOf(':') + 1), "/mnt/brick1/v2/brick");
        Scripted runner = new Scripted().answer(STATUS).answer(STARTED).answer(online);
        assertThat(BrickMoves.awaitOnline(cli(runner), "v2", NOT_LISTED, Duration.ZERO)).isTrue();
        assertThat(runner.calls).hasSize(3);
        assertThat(runner.calls.get(1)).containsSubsequence("volume", "start", "v2", "force");
    }

    @Test
    void aNewBrickThatStaysOfflineIsStartedOnlyOnceAndReported() {
        Scripted runner = new Scripted().answer(STATUS).answer(STARTED).answer(STATUS);
        assertThat(BrickMoves.awaitOnline(cli(runner), "v2", NOT_LISTED, Duration.ZERO)).isFalse();
        assertThat(runner.calls.stream().filter(argv -> argv.contains("start"))).hasSize(1);
    }

    private static GlusterCli cli(Scripted runner) {
        return new GlusterCli(runner, List.of("gluster", "--mode=script", "--glusterd-sock=/s"));
    }

    /** The first brick of the status listed online, as {@code host:path}. */
    private static String brick(String status) {
        String host = between(status, "<hostname>", "</hostname>");
        String path = between(status, "<path>", "</path>");
        return host + ":" + path;
    }

    private static String between(String text, String open, String close) {
        int start = text.indexOf(open) + open.length();
        return text.substring(start, text.indexOf(close, start));
    }

    private static String resource(String name) {
        try (InputStream in = NewBrickStartTest.class.getResourceAsStream("/gluster-xml/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Answers commands in order; records argv. */
    private static final class Scripted implements CommandRunner {
        final Deque<String> answers = new ArrayDeque<>();
        final List<List<String>> calls = new ArrayList<>();

        Scripted answer(String stdout) {
            answers.add(stdout);
            return this;
        }

        @Override
        public CommandResult run(List<String> argv, Duration timeout) {
            calls.add(argv);
            String next = answers.poll();
            if (next == null) {
                throw new AssertionError("unexpected command " + argv);
            }
            return new CommandResult(argv, 0, next, "", Duration.ZERO);
        }

        @Override
        public String describe() {
            return "scripted";
        }
    }
}
