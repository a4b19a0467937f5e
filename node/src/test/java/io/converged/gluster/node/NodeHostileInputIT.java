package io.converged.gluster.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.converged.gluster.csi.runtime.Endpoint;
import io.converged.gluster.csi.runtime.UnixChannel;
import io.converged.gluster.csi.testing.GrpcCodes;
import io.converged.gluster.csi.testing.JarProcess;
import io.converged.gluster.csi.v1.IdentityGrpc;
import io.converged.gluster.csi.v1.NodeGetVolumeStatsRequest;
import io.converged.gluster.csi.v1.NodeGrpc;
import io.converged.gluster.csi.v1.NodePublishVolumeRequest;
import io.converged.gluster.csi.v1.NodeStageVolumeRequest;
import io.converged.gluster.csi.v1.NodeUnpublishVolumeRequest;
import io.converged.gluster.csi.v1.NodeUnstageVolumeRequest;
import io.converged.gluster.csi.v1.ProbeRequest;
import io.converged.gluster.csi.v1.VolumeCapability;
import io.grpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded random and hostile node requests to the node jar over its socket, at
 * {@code --log-level debug}, each carrying secrets: every answer has a CSI code (never UNKNOWN, and
 * INTERNAL only for a well-formed stage that mount.glusterfs itself failed), the server stays up,
         no mount and no stage record is left, mount options outside the
 * glusterfs FUSE allowlist are refused, and no secret value reaches the log. No gluster answers at
 * the servers named, so even a well-formed stage fails to mount.
 * {@code -Dreliability.seed=S} and {@code -Dreliability.requests=N} (default 300) size the run.
 */
class NodeHostileInputIT {
    private static final long SEED = Long.getLong("reliability.seed", 20261127L);
    private static final int REQUESTS = Integer.getInteger("reliability.requests", 300);
    private static final Set<Status.Code> NEVER = Set.of(Status.Code.UNKNOWN, Status.Code.INTERNAL,
            Status.Code.UNIMPLEMENTED, Status.Code.DATA_LOSS);
    private static final List<String> HOSTILE = List.of("", " ", "..", "-o", "--force", "--help", "a;rm -rf /",
            "$(touch /tmp/pwned)", "`id`", "a|b", "a\nb", "a\u0000b", "a b", "'", "*", "~", "a,b", "a=b",
            "x".repeat(300), "y".repeat(5000), "\u202e", "127.0.0.1;id", "-oevil", "127.0.0.1 -o x", "gv0");
    private static final List<String> MOUNT_FLAGS = List.of("ro", "noatime", "log-level=DEBUG", "remount",
            "bind", "rw,remount", "log-file=/etc/passwd", "backup-volfile-servers=127.0.0.9", "xlator-option=a=b",
            "fuse-mountopts=allow_other", "subdir-mount=/..", "volfile-id=other", "-o", "--force", "ro,-o x",
            "log-level=DEBUG -o x", "attribute-timeout=1;id", "direct-io-mode=yes\nx", "acl", "user_xattr",
            "volume-name=x", "transport=unix", "oom-score-adj=-1000", "lru-limit=99999999999");

    @TempDir
    Path dir;

    private final List<String> secrets = new ArrayList<>();
    private Random random;
    private Path victim;
    private Path full;

    @Test
    void randomAndHostileRequestsGetACsiCodeMountNothingAndLeakNoSecret() throws Exception {
        random = new Random(SEED);
        Path socket = dir.resolve("csi.sock");
        Path state = dir.resolve("state");
        Path work = Files.createDirectories(dir.resolve("work"));
        victim = Files.writeString(work.resolve("victim.txt"), "precious");
        full = Files.createDirectories(work.resolve("full"));
        Files.writeString(full.resolve("data"), "kept");
        Map<Status.Code, Integer> codes = new EnumMap<>(Status.Code.class);
        Map<String, Integer> kinds = new TreeMap<>();
        List<String> bad = new ArrayList<>();
        try (JarProcess node = JarProcess.start(JarProcess.jar("gluster-csi-node.jar"), dir.resolve("node.log"),
                "--endpoint", "unix://" + socket, "--state-dir", state.toString(), "--client-log-dir",
                dir.resolve("logs").toString(), "--node-id", "hostile", "--mount-timeout", "5", "--log-level",
                "debug", "--kubelet-dir", dir.toString())) {
            node.awaitSocket(socket, Duration.ofSeconds(30));
            try (UnixChannel channel = UnixChannel.open(new Endpoint(socket))) {
                NodeGrpc.NodeBlockingStub stub = NodeGrpc.newBlockingStub(channel.channel());
                IdentityGrpc.IdentityBlockingStub identity = IdentityGrpc.newBlockingStub(channel.channel());
                for (int i = 0; i < REQUESTS; i++) {
                    NodeGrpc.NodeBlockingStub call = stub.withDeadlineAfter(60, TimeUnit.SECONDS);
                    switch (random.nextInt(5)) {
                        case 0, 1 -> {
                            NodeStageVolumeRequest.Builder request = NodeStageVolumeRequest.newBuilder()
                                    .setVolumeId(id()).setStagingTargetPath(path(work))
                                    .putAllVolumeContext(context()).putSecrets("password", secret())
                                    .putSecrets(pick(), secret());
                            if (random.nextInt(6) > 0) {
                                request.setVolumeCapability(capability());
                            }
                            record(codes, bad, "NodeStageVolume " + request, () -> call.nodeStageVolume(request
                                    .build()));
                            kinds.merge("NodeStageVolume", 1, Integer::sum);
                        }
                        case 2 -> {
                            NodePublishVolumeRequest.Builder request = NodePublishVolumeRequest.newBuilder()
                                    .setVolumeId(id()).setStagingTargetPath(path(work)).setTargetPath(path(work))
                                    .setReadonly(random.nextBoolean()).putAllVolumeContext(context())
                                    .putSecrets("token", secret());
                            if (random.nextInt(6) > 0) {
                                request.setVolumeCapability(capability());
                            }
                            record(codes, bad, "NodePublishVolume " + request,
                                    () -> call.nodePublishVolume(request.build()));
                            kinds.merge("NodePublishVolume", 1, Integer::sum);
                        }
                        case 3 -> {
                            if (random.nextBoolean()) {
                                NodeUnpublishVolumeRequest request = NodeUnpublishVolumeRequest.newBuilder()
                                        .setVolumeId(id()).setTargetPath(path(work)).build();
                                record(codes, bad, "NodeUnpublishVolume " + request,
                                        () -> call.nodeUnpublishVolume(request));
                                kinds.merge("NodeUnpublishVolume", 1, Integer::sum);
                            } else {
                                NodeUnstageVolumeRequest request = NodeUnstageVolumeRequest.newBuilder()
                                        .setVolumeId(id()).setStagingTargetPath(path(work)).build();
                                record(codes, bad, "NodeUnstageVolume " + request, () -> call
                                        .nodeUnstageVolume(request));
                                kinds.merge("NodeUnstageVolume", 1, Integer::sum);
                            }
                        }
                        default -> {
                            NodeGetVolumeStatsRequest request = NodeGetVolumeStatsRequest.newBuilder().setVolumeId(id())
                                    .setVolumePath(path(work)).build();
                            record(codes, bad, "NodeGetVolumeStats " + request, () -> call.nodeGetVolumeStats(request));
                            kinds.merge("NodeGetVolumeStats", 1, Integer::sum);
                        }
                    }
                    if (i % 50 == 49) {
                        assertThat(node.alive()).as("node alive after " + (i + 1) + " requests").isTrue();
                        assertThat(identity.probe(ProbeRequest.getDefaultInstance()).getReady().getValue()).isTrue();
                    }
                }
            }
            assertThat(bad).as("answers without a proper CSI code").isEmpty();
            assertThat(node.alive()).isTrue();
            assertThat(LocalMounts.under(dir)).as("mounts left by rejected requests").isEmpty();
            if (Files.isDirectory(state)) {
                try (Stream<Path> records = Files.list(state)) {
                    assertThat(records.toList()).as("stage records left by rejected requests").isEmpty();
                }
            }
            String log = node.output();
            assertThat(log).contains("NodeStageVolume request:");
            assertThat(secrets.stream().filter(log::contains).toList()).as("secret values in the debug log").isEmpty();
            assertThat(victim).as("a file named as a target path is never deleted").hasContent("precious");
            assertThat(full.resolve("data")).as("a non-empty directory is kept").hasContent("kept");
            System.out.printf("hostile node input (seed %d): %d requests %s; codes %s; no mount, no record; %d"
                    + " secrets, none in %d bytes of debug log%n", SEED, REQUESTS, kinds, new TreeMap<>(codes),
                    secrets.size(), log.length());
        } finally {
            LocalMounts.unmountAllUnder(dir);
        }
    }

    private static void record(Map<Status.Code, Integer> codes, List<String> bad, String what, Runnable call) {
        Status status = GrpcCodes.status(call);
        Status.Code code = status.getCode();
        String description = String.valueOf(status.getDescription());
        codes.merge(code, 1, Integer::sum);
        // A well-formed stage whose servers do not answer fails in mount.glusterfs itself: INTERNAL is its honest code.
        boolean mountFailed = code == Status.Code.INTERNAL && description.startsWith("mounting gluster volume ")
                && description.contains("Mounting glusterfs on");
        if (NEVER.contains(code) && !mountFailed) {
            bad.add(what + " -> " + code + ": " + description);
        }
    }

    private String pick() {
        return HOSTILE.get(random.nextInt(HOSTILE.size()));
    }

    private String secret() {
        byte[] bytes = new byte[12];
        random.nextBytes(bytes);
        String secret = "S3CR3T" + HexFormat.of().formatHex(bytes);
        secrets.add(secret);
        return secret;
    }

    private String id() {
        return random.nextInt(3) == 0 ? "gv-" + random.nextInt(5) : pick();
    }

    /** Paths inside the test directory (with {@code ..}, spaces, newlines, long names), or not paths at all. */
    private String path(Path work) {
        return switch (random.nextInt(6)) {
            case 0 -> pick();
            case 1 -> work.resolve("a").resolve("..").resolve("p" + random.nextInt(4)).toString();
            case 2 -> work + "/" + pick();
            case 3 -> random.nextBoolean() ? "relative/p" + random.nextInt(3) : victim.toString();
            case 4 -> random.nextBoolean() ? full.toString() : work.resolve("p" + random.nextInt(4)).toString();
            default -> work.resolve("p" + random.nextInt(4)).toString();
        };
    }

    private Map<String, String> context() {
        Map<String, String> context = new HashMap<>();
        if (random.nextInt(5) > 0) {
            context.put("glusterVolume", random.nextBoolean() ? "gv" + random.nextInt(3) : pick());
        }
        if (random.nextInt(5) > 0) {
            context.put("servers", random.nextBoolean() ? "127.0.0.1,127.0.0.2" : pick() + "," + pick());
        }
        if (random.nextInt(4) == 0) {
            context.put(pick(), pick());
        }
        return context;
    }

    private VolumeCapability capability() {
        VolumeCapability.Builder capability = VolumeCapability.newBuilder();
        if (random.nextInt(8) == 0) {
            capability.setBlock(VolumeCapability.BlockVolume.getDefaultInstance());
        } else {
            VolumeCapability.MountVolume.Builder mount = VolumeCapability.MountVolume.newBuilder()
                    .setFsType(random.nextInt(4) == 0 ? pick() : "");
            for (int n = random.nextInt(3); n > 0; n--) {
                mount.addMountFlags(MOUNT_FLAGS.get(random.nextInt(MOUNT_FLAGS.size())));
            }
            capability.setMount(mount);
        }
        VolumeCapability.AccessMode.Mode[] modes = VolumeCapability.AccessMode.Mode.values();
        return capability.setAccessMode(VolumeCapability.AccessMode.newBuilder()
                .setMode(modes[random.nextInt(modes.length - 1)])).build();
    }
}
