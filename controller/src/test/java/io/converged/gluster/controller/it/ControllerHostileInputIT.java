package io.converged.gluster.controller.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.converged.gluster.controller.gluster.GlusterCli;
import io.converged.gluster.csi.exec.LocalCommandRunner;
import io.converged.gluster.csi.runtime.Endpoint;
import io.converged.gluster.csi.runtime.UnixChannel;
import io.converged.gluster.csi.testing.GlusterPoolExtension;
import io.converged.gluster.csi.testing.GrpcCodes;
import io.converged.gluster.csi.testing.JarProcess;
import io.converged.gluster.csi.testing.LocalGlusterPool;
import io.converged.gluster.csi.v1.CapacityRange;
import io.converged.gluster.csi.v1.ControllerExpandVolumeRequest;
import io.converged.gluster.csi.v1.ControllerGetVolumeRequest;
import io.converged.gluster.csi.v1.ControllerGrpc;
import io.converged.gluster.csi.v1.CreateSnapshotRequest;
import io.converged.gluster.csi.v1.CreateVolumeRequest;
import io.converged.gluster.csi.v1.DeleteSnapshotRequest;
import io.converged.gluster.csi.v1.DeleteVolumeRequest;
import io.converged.gluster.csi.v1.GetCapacityRequest;
import io.converged.gluster.csi.v1.IdentityGrpc;
import io.converged.gluster.csi.v1.ListSnapshotsRequest;
import io.converged.gluster.csi.v1.ListVolumesRequest;
import io.converged.gluster.csi.v1.ProbeRequest;
import io.converged.gluster.csi.v1.ValidateVolumeCapabilitiesRequest;
import io.converged.gluster.csi.v1.VolumeCapability;
import io.converged.gluster.csi.v1.VolumeContentSource;
import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded random and hostile CSI requests to the controller jar over its socket, at
 * {@code --log-level debug}, each carrying secrets: every answer has a CSI code (never UNKNOWN, and
 * INTERNAL only for a driver fault, which none of these is), the server stays up, only accepted
 * creates leave anything on the peers, and no secret value reaches the log.
 * {@code -Dreliability.seed=S} and {@code -Dreliability.requests=N} (default 400) size the run.
 */
class ControllerHostileInputIT {
    @RegisterExtension
    static final GlusterPoolExtension POOL = GlusterPoolExtension.formed(3);

    private static final long SEED = Long.getLong("reliability.seed", 20261127L);
    private static final int REQUESTS = Integer.getInteger("reliability.requests", 400);
    private static final String ROOT = ControllerCrashIT.ROOT;
    private static final Set<Status.Code> NEVER = Set.of(Status.Code.UNKNOWN, Status.Code.INTERNAL,
            Status.Code.UNIMPLEMENTED, Status.Code.DATA_LOSS);

    /** Strings built to break out of a name, a path or an argv. */
    static final List<String> HOSTILE = List.of("", " ", "..", "../..", "/etc", "/etc/passwd", "/", "-o", "--force",
            "--help", "-rf", "a;rm -rf /", "$(touch /tmp/pwned)", "`id`", "a|b", "a&b", "a>b", "a\nb", "a\rb",
                    "a\u0000b",
            "a b", "\t", "'", "\"", "*", "?", "~", "a,b", "a=b", "%2e%2e", "../../etc/shadow", "/mnt/../etc",
            "/mnt/brick1/../../etc", "force", "replica", "start", "volume", "x".repeat(300), "y".repeat(5000),
            "é", "\u202e", "gcs-keeper", "GCS-UPPER", "-", "_", "a/b", "a\\b", "a:b", "127.0.0.1:/x", "0", "-1",
            "99999999999999999999", "NaN", "true", "on");

    @TempDir
    static Path dir;

    static JarProcess controller;
    static UnixChannel channel;
    static ControllerGrpc.ControllerBlockingStub stub;
    static IdentityGrpc.IdentityBlockingStub identity;
    static GlusterCli gluster;
    static final List<String> SECRETS = new ArrayList<>();
    private static int kept;

    @BeforeAll
    static void startControllerAtDebug() throws Exception {
        LocalGlusterPool pool = POOL.pool();
        for (LocalGlusterPool.Peer peer : pool.peers()) {
            Files.createDirectories(peer.local(ROOT));
        }
        Path peersFile = dir.resolve("peers");
        Files.writeString(peersFile, pool.peersFileText());
        Path socket = dir.resolve("controller.sock");
        controller = JarProcess.start(JarProcess.jar("gluster-csi-controller.jar"), dir.resolve("controller.log"),
                "--endpoint", "unix://" + socket, "--peers-file", peersFile.toString(), "--allowed-brick-roots",
                "/mnt/brick1", "--log-level", "debug");
        controller.awaitSocket(socket, Duration.ofSeconds(30));
        channel = UnixChannel.open(new Endpoint(socket));
        stub = ControllerGrpc.newBlockingStub(channel.channel());
        identity = IdentityGrpc.newBlockingStub(channel.channel());
        gluster = new GlusterCli(new LocalCommandRunner(), pool.peer(1).cli());
    }

    @AfterAll
    static void stop() {
        if (channel != null) {
            channel.close();
        }
        if (controller != null) {
            controller.close();
        }
    }

    private static ControllerGrpc.ControllerBlockingStub call() {
        return stub.withDeadlineAfter(3, TimeUnit.MINUTES);
    }

    /** Every file and directory under the peers' roots (a few levels deep), to prove a rejected request made none. */
    private static Set<String> peerTree() throws IOException {
        Set<String> tree = new TreeSet<>();
        for (LocalGlusterPool.Peer peer : POOL.pool().peers()) {
            Path base = peer.brickPrefix();
            try (Stream<Path> walk = Files.walk(base, 4)) {
                walk.filter(p -> !p.toString().contains("/brick/")).forEach(p -> tree.add(p.toString()));
            }
        }
        return tree;
    }

    /** Removes the bricks that onDelete=retain or archive kept for a volume; returns how many there were. */
    private static int removeKeptBricks(String id) throws IOException {
        int found = 0;
        for (LocalGlusterPool.Peer peer : POOL.pool().peers()) {
            try (Stream<Path> entries = Files.list(peer.local(ROOT))) {
                for (Path entry : entries.toList()) {
                    String name = entry.getFileName().toString();
                    if (name.equals(id) || name.startsWith(".archived-" + id + "-")) {
                        found++;
                        try (Stream<Path> walk = Files.walk(entry)) {
                            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                                Files.delete(p);
                            }
                        }
                    }
                }
            }
        }
        return found;
    }

    private static Status.Code codeOf(Runnable call, Map<Status.Code, Integer> codes, List<String> bad, String what) {
        Status status = GrpcCodes.status(call);
        Status.Code code = status.getCode();
        String description = String.valueOf(status.getDescription());
        codes.merge(code, 1, Integer::sum);
        if (NEVER.contains(code)) {
            bad.add(what + " -> " + code + ": " + description);
        }
        return code;
    }

    /** Names the CSI spec allows that a guard, a command line or a record could choke on. */
    static final List<String> SPEC_NAMES = List.of("--force", "-o", "a=b,c d", "'quoted' \"too\"", "é-ü-名前",
            "pvc=1,2 3;'x'", "-" + "é".repeat(70), "x".repeat(200));

    /**
     * Dedicated volumes cost seconds each: the names that broke (or could break) the stored metadata.
     * SharedPoolIT makes claims of every name in {@link #SPEC_NAMES}.
     */
    @Test
    void namesThatStartWithADashOrHoldQuotesOrRunPast128BytesAreDedicatedVolumesMadeRetriedAndDeleted()
            throws Exception {
        Set<String> treeBefore = peerTree();
        List<String> ids = new ArrayList<>();
        for (String name : List.of("--force", "'quoted' \"too\", a=b", "-" + "é".repeat(70))) {
            CreateVolumeRequest request = CreateVolumeRequest.newBuilder().setName(name)
                    .addVolumeCapabilities(ControllerIT.RWX).putParameters("replica", "2")
                    .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(16L << 20)).build();
            String id = call().createVolume(request).getVolume().getVolumeId();
            assertThat(call().createVolume(request).getVolume().getVolumeId()).as("the retry of " + name)
                    .isEqualTo(id);
            assertThat(call().controllerGetVolume(ControllerGetVolumeRequest.newBuilder().setVolumeId(id).build())
                    .getVolume().getVolumeId()).isEqualTo(id);
            ids.add(id);
        }
        assertThat(call().listVolumes(ListVolumesRequest.getDefaultInstance()).getEntriesList())
                .extracting(e -> e.getVolume().getVolumeId()).containsAll(ids);
        assertThat(PoolAudit.problems(POOL.pool(), gluster, ROOT)).isEmpty();
        for (String id : ids) {
            call().deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId(id).build());
        }
        assertThat(peerTree()).as("nothing left on the peers").isEqualTo(treeBefore);
        System.out.printf("hostile names: %d dedicated volumes made, retried, found, listed and deleted%n", ids.size());
    }

    @Test
    void randomAndHostileRequestsGetACsiCodeChangeNothingAndLeakNoSecret() throws Exception {
        Generator gen = new Generator(new Random(SEED));
        String keeper = call().createVolume(CreateVolumeRequest.newBuilder().setName("keeper")
                .addVolumeCapabilities(ControllerIT.RWX).putSecrets("token", gen.secret())
                .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(16L << 20)).build()).getVolume()
                .getVolumeId();
        Set<String> treeBefore = peerTree();
        Map<Status.Code, Integer> codes = new EnumMap<>(Status.Code.class);
        Map<String, Integer> kinds = new TreeMap<>();
        List<String> bad = new ArrayList<>();
        List<String> accepted = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            int kind = gen.random.nextInt(10);
            switch (kind) {
                case 0, 1, 2, 3 -> {
                    CreateVolumeRequest request = gen.create();
                    Status.Code code = codeOf(() -> call().createVolume(request), codes, bad, "CreateVolume "
                            + request);
                    if (code == Status.Code.OK) {
                        accepted.add(request.getName());
                        String id = call().createVolume(request).getVolume().getVolumeId();
                        call().deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId(id).build());
                        String onDelete = request.getParametersOrDefault("onDelete", "delete");
                        if (!onDelete.equals("delete")) {
                            // Kept as the StorageClass asked: found, then cleared for the tree comparison.
                            assertThat(removeKeptBricks(id)).as("bricks kept by onDelete=" + onDelete)
                                    .isEqualTo(Integer.parseInt(request.getParametersOrDefault("replica", "3")
                                    .strip()));
                            kept++;
                        }
                    }
                    kinds.merge("CreateVolume", 1, Integer::sum);
                }
                case 4 -> {
                    DeleteVolumeRequest request = DeleteVolumeRequest.newBuilder().setVolumeId(gen.id())
                            .putSecrets(gen.pick(), gen.secret()).build();
                    codeOf(() -> call().deleteVolume(request), codes, bad, "DeleteVolume " + request);
                    kinds.merge("DeleteVolume", 1, Integer::sum);
                }
                case 5 -> {
                    ControllerExpandVolumeRequest.Builder request = ControllerExpandVolumeRequest.newBuilder()
                            .setVolumeId(gen.id()).putSecrets("key", gen.secret());
                    if (gen.random.nextBoolean()) {
                        request.setCapacityRange(gen.capacity());
                    }
                    if (gen.random.nextBoolean()) {
                        request.setVolumeCapability(gen.capability());
                    }
                    codeOf(() -> call().controllerExpandVolume(request.build()), codes, bad, "Expand " + request);
                    kinds.merge("ControllerExpandVolume", 1, Integer::sum);
                }
                case 6 -> {
                    ValidateVolumeCapabilitiesRequest.Builder request = ValidateVolumeCapabilitiesRequest.newBuilder()
                            .setVolumeId(gen.random.nextInt(4) == 0 ? keeper : gen.id()).putSecrets("pw", gen.secret())
                            .putAllParameters(gen.parameters()).putAllVolumeContext(gen.parameters());
                    for (int c = gen.random.nextInt(3); c > 0; c--) {
                        request.addVolumeCapabilities(gen.capability());
                    }
                    codeOf(() -> call().validateVolumeCapabilities(request.build()), codes, bad, "Validate " + request);
                    kinds.merge("ValidateVolumeCapabilities", 1, Integer::sum);
                }
                case 7 -> {
                    GetCapacityRequest request = GetCapacityRequest.newBuilder().putAllParameters(gen.parameters())
                            .addVolumeCapabilities(gen.capability()).build();
                    codeOf(() -> call().getCapacity(request), codes, bad, "GetCapacity " + request);
                    kinds.merge("GetCapacity", 1, Integer::sum);
                }
                case 8 -> {
                    ControllerGetVolumeRequest request = ControllerGetVolumeRequest.newBuilder().setVolumeId(gen.id())
                            .build();
                    codeOf(() -> call().controllerGetVolume(request), codes, bad, "GetVolume " + request);
                    kinds.merge("ControllerGetVolume", 1, Integer::sum);
                }
                default -> {
                    switch (gen.random.nextInt(4)) {
                        case 0 -> {
                            ListVolumesRequest request = ListVolumesRequest.newBuilder()
                                    .setMaxEntries(gen.random.nextInt(7) - 2).setStartingToken(gen.random.nextBoolean()
                                            ? gen.pick() : "").build();
                            codeOf(() -> call().listVolumes(request), codes, bad, "ListVolumes " + request);
                            kinds.merge("ListVolumes", 1, Integer::sum);
                        }
                        case 1 -> {
                            // Never of the keeper: a snapshot of it would rightly make a pool.
                            String source = gen.id();
                            CreateSnapshotRequest request = CreateSnapshotRequest.newBuilder().setName(gen.name())
                                    .setSourceVolumeId(source.equals(keeper) ? "gcs-none" : source)
                                    .putAllParameters(gen.parameters()).putSecrets("key", gen.secret()).build();
                            codeOf(() -> call().createSnapshot(request), codes, bad, "CreateSnapshot " + request);
                            kinds.merge("CreateSnapshot", 1, Integer::sum);
                        }
                        case 2 -> {
                            DeleteSnapshotRequest request = DeleteSnapshotRequest.newBuilder()
                                    .setSnapshotId(gen.random.nextBoolean() ? gen.pick() : "snapshots/.csi-snapshots/"
                                            + gen.pick()).putSecrets("key", gen.secret()).build();
                            codeOf(() -> call().deleteSnapshot(request), codes, bad, "DeleteSnapshot " + request);
                            kinds.merge("DeleteSnapshot", 1, Integer::sum);
                        }
                        default -> {
                            ListSnapshotsRequest request = ListSnapshotsRequest.newBuilder()
                                    .setMaxEntries(gen.random.nextInt(7) - 2).setStartingToken(gen.random.nextBoolean()
                                            ? gen.pick() : "").setSnapshotId(gen.random.nextBoolean() ? gen.pick()
                                            : "").setSourceVolumeId(gen.random.nextBoolean() ? gen.id() : "")
                                    .build();
                            codeOf(() -> call().listSnapshots(request), codes, bad, "ListSnapshots " + request);
                            kinds.merge("ListSnapshots", 1, Integer::sum);
                        }
                    }
                }
            }
            if (i % 50 == 49) {
                assertThat(controller.alive()).as("controller alive after " + (i + 1) + " requests").isTrue();
                assertThat(identity.probe(ProbeRequest.getDefaultInstance()).getReady().getValue()).isTrue();
            }
        }
        assertThat(bad).as("answers without a proper CSI code").isEmpty();
        assertThat(controller.alive()).isTrue();
        assertThat(identity.probe(ProbeRequest.getDefaultInstance()).getReady().getValue()).isTrue();
        assertThat(PoolAudit.volumes(gluster)).as("only the keeper is left").containsExactly(keeper);
        assertThat(PoolAudit.problems(POOL.pool(), gluster, ROOT)).isEmpty();
        assertThat(peerTree()).as("nothing new on the peers").isEqualTo(treeBefore);

        call().deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId(keeper).build());
        String log = controller.output();
        assertThat(log).as("the server logged requests at debug").contains("CreateVolume request:");
        List<String> leaked = SECRETS.stream().filter(log::contains).toList();
        assertThat(leaked).as("secret values in the debug log").isEmpty();
        System.out.printf("hostile controller input (seed %d): %d requests %s; codes %s; %d accepted creates (made and"
                + " deleted, %d with bricks kept as onDelete asked); %d secrets, none in %d bytes of debug log%n", SEED,
                REQUESTS, kinds, new TreeMap<>(codes),
                accepted.size(), kept, SECRETS.size(), log.length());
    }

    /** Seeded request parts: mostly hostile, sometimes valid, so both paths are exercised. */
    static final class Generator {
        final Random random;

        Generator(Random random) {
            this.random = random;
        }

        String secret() {
            byte[] bytes = new byte[12];
            random.nextBytes(bytes);
            String secret = "S3CR3T" + HexFormat.of().formatHex(bytes);
            SECRETS.add(secret);
            return secret;
        }

        String pick() {
            return HOSTILE.get(random.nextInt(HOSTILE.size()));
        }

        String name() {
            return switch (random.nextInt(4)) {
                case 0 -> pick();
                case 1 -> "pvc-" + Long.toHexString(random.nextLong());
                case 2 -> pick() + pick();
                default -> randomString(1 + random.nextInt(80));
            };
        }

        String id() {
            return random.nextInt(3) == 0 ? "gcs-" + pick() : name();
        }

        String randomString(int length) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < length; i++) {
                text.appendCodePoint(random.nextInt(5) == 0 ? random.nextInt(0x3000) : 32 + random.nextInt(95));
            }
            return text.toString();
        }

        Map<String, String> parameters() {
            Map<String, String> parameters = new HashMap<>();
            List<String> keys = List.of("replica", "arbiter", "brickRoot", "volumeNamePrefix", "volumeOptions",
                    "spread",
                    "gidMin", "gidMax", "onDelete", "csi.storage.k8s.io/pvc/name", "csi.storage.k8s.io/pvc/namespace",
                    "csi.storage.k8s.io/pv/name");
            for (int n = random.nextInt(4); n > 0; n--) {
                String key = random.nextInt(6) == 0 ? pick() : keys.get(random.nextInt(keys.size()));
                parameters.put(key, value(key));
            }
            return parameters;
        }

        private String value(String key) {
            if (random.nextInt(3) == 0) {
                return pick();
            }
            return switch (key) {
                case "replica" -> Integer.toString(random.nextInt(6) - 1);
                case "arbiter" -> random.nextBoolean() ? "true" : "yes";
                case "brickRoot" -> List.of("/mnt/brick1", "/mnt/brick1/sub", "/mnt", "/etc", "/mnt/brick1/../../etc",
                        "mnt/brick1", "/mnt/brick1/", "/var/lib/glusterd", "/mnt/brick1/-o").get(random.nextInt(9));
                case "volumeNamePrefix" -> List.of("gcs", "x", "-o", "UPPER", "a".repeat(17), "ok-1")
                        .get(random.nextInt(6));
                case "volumeOptions" -> List.of("performance.cache-size=32MB", "features.quota=off",
                        "user.csi.driver=evil", "auth.allow=*", "cluster.brick-multiplex=on", "storage.owner-uid=0",
                        "a=-o", "performance.cache-size=--force", "performance.cache-size=1 2",
                        "performance.nonexistent-option=1", "nfs.disable=on,nfs.disable=off",
                        "server.manage-gids=on", "performance.cache-size=$(id)", "--force=1", "-o=x",
                        "features.read-only=on", "network.ping-timeout=10\nx=y").get(random.nextInt(17));
                case "spread" -> random.nextBoolean() ? "zone" : "node";
                case "gidMin", "gidMax" -> Integer.toString(random.nextInt(70000) - 100);
                case "onDelete" -> List.of("delete", "retain", "archive", "shred").get(random.nextInt(4));
                default -> randomString(random.nextInt(20));
            };
        }

        CapacityRange capacity() {
            long[] sizes = {0, 1, -1, 16L << 20, 1L << 20, 1L << 50, Long.MAX_VALUE, Long.MIN_VALUE, 32L << 20};
            return CapacityRange.newBuilder().setRequiredBytes(sizes[random.nextInt(sizes.length)])
                    .setLimitBytes(random.nextBoolean() ? 0 : sizes[random.nextInt(sizes.length)]).build();
        }

        VolumeCapability capability() {
            VolumeCapability.Builder capability = VolumeCapability.newBuilder();
            switch (random.nextInt(4)) {
                case 0 -> capability.setBlock(VolumeCapability.BlockVolume.getDefaultInstance());
                case 1 -> { }
                default -> capability.setMount(VolumeCapability.MountVolume.newBuilder()
                        .setFsType(random.nextBoolean() ? "" : pick()).addMountFlags(pick()));
            }
            VolumeCapability.AccessMode.Mode[] modes = VolumeCapability.AccessMode.Mode.values();
            VolumeCapability.AccessMode.Mode mode = modes[random.nextInt(modes.length - 1)];
            return capability.setAccessMode(VolumeCapability.AccessMode.newBuilder().setMode(mode)).build();
        }

        CreateVolumeRequest create() {
            CreateVolumeRequest.Builder request = CreateVolumeRequest.newBuilder().setName(name())
                    .putAllParameters(parameters()).putSecrets("password", secret()).putSecrets(pick(), secret());
            for (int c = random.nextInt(3); c > 0; c--) {
                request.addVolumeCapabilities(random.nextInt(3) == 0 ? capability() : ControllerIT.RWX);
            }
            if (random.nextBoolean()) {
                request.setCapacityRange(capacity());
            }
            if (random.nextInt(10) == 0) {
                request.setVolumeContentSource(VolumeContentSource.newBuilder().setSnapshot(
                        VolumeContentSource.SnapshotSource.newBuilder().setSnapshotId(pick())));
            }
            return request.build();
        }
    }
}
