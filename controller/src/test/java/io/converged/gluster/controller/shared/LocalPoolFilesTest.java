package io.converged.gluster.controller.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.converged.gluster.controller.gluster.Brick;
import io.converged.gluster.controller.gluster.VolumeInfo;
import io.converged.gluster.controller.peer.Peer;
import io.converged.gluster.controller.peer.PeerSource;
import io.converged.gluster.controller.provision.BrickCarver;
import io.converged.gluster.controller.provision.FakeTrustedPool;
import io.converged.gluster.controller.provision.StorageClassParameters;
import io.converged.gluster.controller.provision.Step;
import io.converged.gluster.controller.provision.TrustedPool;
import io.converged.gluster.controller.provision.VolumeRequest;
import io.converged.gluster.csi.exec.CommandException;
import io.converged.gluster.csi.exec.CommandResult;
import io.converged.gluster.csi.exec.CommandRunner;
import io.converged.gluster.csi.exec.LocalCommandRunner;
import io.converged.gluster.csi.runtime.CsiException;
import io.grpc.Status;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pool mounted on this machine, its files worked on in this process. A directory that is not a
 * mount point must never be taken for the pool. The other operations run on a stand-in for a mount:
 * a directory of /dev/shm (a tmpfs) reached through a link on the root file system, so the pool's root
 * is on another device than its parent, as a mount point's is. No root, no gluster, no FUSE.
 */
class LocalPoolFilesTest {
    private static final Path SHM = Path.of("/dev/shm");
    /** A bound, not an expectation: every operation here takes microseconds. */
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String RECORD = "v=1;request=pvc-1;capacity=1073741824;onDelete=delete";

    @TempDir
    Path temp;
    /** The directory on the tmpfs that holds the pool's files. */
    private Path onTmpfs;
    /** The pool's mount point as the controller knows it: a link to {@link #onTmpfs}. */
    private Path root;
    private LocalPoolFiles files;
    /** Files whose extended attributes work: {@link #files}, or on the root file system if the tmpfs has none. */
    private LocalPoolFiles recorded;
    private Path recordedRoot;

    @BeforeEach
    void standInForAMount() throws IOException {
        assertThat(SHM).as("these tests need /dev/shm, a tmpfs, to stand in for a mounted pool; this machine has"
                + " none").isDirectory();
        onTmpfs = Files.createTempDirectory(SHM, "local-pool-files-");
        root = Files.createSymbolicLink(Files.createDirectories(temp.resolve("pools")).resolve("shared"), onTmpfs);
        assertThat(Files.getAttribute(root, "unix:dev"))
                .as("the stand-in pool %s (on %s) must be on another device than its parent %s", root, onTmpfs,
                        root.getParent())
                .isNotEqualTo(Files.getAttribute(root.getParent(), "unix:dev"));
        files = local(root);
        if (userAttributesWork(onTmpfs)) {
            recorded = files;
            recordedRoot = onTmpfs;
        } else {
            // Older kernels' tmpfs has no user attributes; ext4 (the root file system) has.
            recordedRoot = Files.createDirectories(temp.resolve("recorded"));
            recorded = local(recordedRoot);
        }
    }

    @AfterEach
    void removeTheStandIn() throws IOException {
        if (onTmpfs != null) {
            try (Stream<Path> all = Files.walk(onTmpfs)) {
                for (Path path : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }

    private static LocalPoolFiles local(Path root) {
        return new LocalPoolFiles(root, new LocalCommandRunner(), TIMEOUT, "the test's pool at " + root);
    }

    private static boolean userAttributesWork(Path dir) throws IOException {
        try {
            view(dir).write("probe", ByteBuffer.wrap(new byte[] {1}));
            view(dir).delete("probe");
            return true;
        } catch (FileSystemException e) {
            if (String.valueOf(e.getReason()).contains("Operation not supported")) {
                return false;
            }
            throw e;
        }
    }

    private static UserDefinedFileAttributeView view(Path dir) {
        return Files.getFileAttributeView(dir, UserDefinedFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    }

    private static Optional<String> attribute(Path dir, String name) throws IOException {
        if (!view(dir).list().contains(name)) {
            return Optional.empty();
        }
        ByteBuffer value = ByteBuffer.allocate(view(dir).size(name));
        view(dir).read(name, value);
        return Optional.of(new String(value.array(), 0, value.position(), StandardCharsets.UTF_8));
    }

    private static List<String> namesIn(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    // ---------------------------------------------------------------- a pool that is not mounted

    @Test
    void aDirectoryThatIsNotAMountPointIsNotTakenForThePool() throws IOException {
        LocalPoolFiles unmounted = local(Files.createDirectories(temp.resolve("pools").resolve("unmounted")));

        assertThat(catchThrowableOfType(MountGoneException.class, unmounted::verify))
                .hasMessageContaining("not mounted");
        assertThat(catchThrowableOfType(MountGoneException.class, unmounted::space))
                .hasMessageContaining("not mounted");
    }

    @Test
    void aMountPointNotMadeYetIsMountGoneSoItIsMadeAndMounted() {
        LocalPoolFiles missing = local(temp.resolve("pools").resolve("never-made"));

        MountGoneException gone = catchThrowableOfType(MountGoneException.class, missing::verify);

        assertThat(gone).as("verify() of a missing mount point must be MountGoneException, so PoolMounts mounts")
                .isNotNull();
        assertThat(gone.code()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(catchThrowableOfType(MountGoneException.class, missing::space)).isNotNull();
    }

    @Test
    void theBricksAMountIsNotConnectedToAreReadFromItsClientsMetaFilesAndAClientNotInTheGraphYetIsOne()
            throws Exception {
        Path graph = Files.createDirectories(onTmpfs.resolve(".meta/graphs/active"));
        Files.createDirectories(graph.resolve("pool-client-0"));
        Files.writeString(graph.resolve("pool-client-0/private"), "fd.0.remote_fd = 0\nconnected = 1\n");
        Files.createDirectories(graph.resolve("pool-client-1"));
        Files.writeString(graph.resolve("pool-client-1/private"), "connected = 0\n");

        assertThat(files.disconnectedBricks("pool", 3)).containsExactly("pool-client-1", "pool-client-2");
        assertThat(files.disconnectedBricks("pool", 1)).isEmpty();
    }

    @Test
    void aPoolFirstMountedOnThisMachineIsMountedThoughItsMountPointWasNotMadeYet() throws Exception {
        List<List<String>> ran = new ArrayList<>();
        CommandRunner here = new CommandRunner() {
            @Override
            public CommandResult run(List<String> argv, Duration timeout) throws CommandException {
                ran.add(argv);
                if (argv.get(0).equals("mkdir")) {
                    return new LocalCommandRunner().run(argv, timeout);
                }
                if (argv.get(0).equals("mount")) {
                    // The stand-in for mounting: the mount point becomes a link to the tmpfs directory.
                    Path point = Path.of(argv.get(argv.size() - 1));
                    try {
                        Files.delete(point);
                        Files.createSymbolicLink(point, onTmpfs);
                        // What a gluster client connected to the pool's one brick shows in its .meta tree.
                        Path client = Files.createDirectories(onTmpfs.resolve(".meta/graphs/active/shared-client-0"));
                        Files.writeString(client.resolve("private"), "[xlator.protocol.client.shared-client-0.priv]\n"
                                + "fd.0.remote_fd = 0\nconnected = 1\ntotal_bytes_read = 540\n");
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
                return new CommandResult(argv, 0, "", "", Duration.ZERO);
            }

            @Override
            public String describe() {
                return "this machine";
            }

            @Override
            public boolean runsHere() {
                return true;
            }
        };
        Peer peer = new Peer("p1", "127.0.0.1", "", "", here, List.of("gluster"), "/");
        PeerSource source = new PeerSource() {
            @Override
            public List<Peer> peers() {
                return List.of(peer);
            }

            @Override
            public String describe() {
                return "one peer on this machine";
            }
        };
        TrustedPool trusted = new TrustedPool(source, new BrickCarver(FakeTrustedPool.clock()), Runnable::run);
        String mountRoot = temp.resolve("mounts").toString();
        PoolMounts mounts = new PoolMounts(trusted, mountRoot, temp.resolve("logs").toString(), TIMEOUT);
        VolumeInfo pool = new VolumeInfo("shared", "5e0b", "Started", "Replicate", 1, 1, 0, 1,
                List.of(new Brick("127.0.0.1", "/mnt/brick1/shared/brick", "5e0c", false)), Map.of());

        boolean made = mounts.with(pool, files -> files.makeDirectory("gcs-pvc-1"));

        assertThat(made).isTrue();
        assertThat(onTmpfs.resolve("gcs-pvc-1")).isDirectory();
        assertThat(ran).extracting(argv -> argv.get(0)).containsExactly("mkdir", "umount", "mount");
        assertThat(ran.get(2)).endsWith("127.0.0.1:/shared", mountRoot + "/shared");
    }

    @Test
    void theStandInMountVerifiesAndMeasuresTheTmpfs() throws Exception {
        files.verify();

        PoolFiles.Space space = files.space();

        assertThat(space.totalBytes()).isPositive().isEqualTo(Files.getFileStore(onTmpfs).getTotalSpace());
        assertThat(space.freeBytes()).isPositive().isLessThanOrEqualTo(space.totalBytes());
    }

    /** Mounts that hand every work the same files, and run it once more when the mount is gone, as PoolMounts does. */
    private static Mounts always(PoolFiles files) {
        return new Mounts() {
            @Override
            public <T> T with(VolumeInfo pool, Work<T> work) throws CsiException {
                try {
                    return work.run(files);
                } catch (MountGoneException e) {
                    return work.run(files);
                }
            }
        };
    }

    private static PoolClaims claims(FakeTrustedPool gluster, PoolFiles files, List<Runnable> purges) {
        return new PoolClaims(gluster.trusted(), gluster.creator(Step.Listener.NONE, new ReentrantLock()),
                always(files), Step.Listener.NONE, new ReentrantLock(), FakeTrustedPool.clock(), purges::add);
    }

    @Test
    void noClaimIsMadeOrDeletedUnderAMountPointWithNothingMountedOnIt() throws Exception {
        Path underneath = Files.createDirectories(temp.resolve("pools").resolve("shared-unmounted"));
        // What a pod wrote into the mount point while nothing was mounted: it must stay as it is.
        Files.createDirectory(underneath.resolve("gcs-pvc-2"));
        view(underneath.resolve("gcs-pvc-2")).write("csi.claim", StandardCharsets.UTF_8.encode(
                "v=1;request=pvc-2;capacity=1073741824;onDelete=delete"));
        FakeTrustedPool gluster = new FakeTrustedPool(3).hasPool("shared", "/mnt/brick1", 3);
        List<Runnable> purges = new ArrayList<>();
        PoolClaims claims = claims(gluster, local(underneath), purges);
        StorageClassParameters parameters = StorageClassParameters.parse(Map.of("pool", "shared"));

        CsiException create = catchThrowableOfType(CsiException.class, () -> claims.create(new VolumeRequest("pvc-1",
                "shared/gcs-pvc-1", 1 << 30, parameters)));
        CsiException delete = catchThrowableOfType(CsiException.class, () -> claims.delete("shared/gcs-pvc-2"));
        purges.forEach(Runnable::run);

        assertThat(create).isInstanceOf(MountGoneException.class);
        assertThat(delete).isInstanceOf(MountGoneException.class);
        assertThat(namesIn(underneath)).containsExactly("gcs-pvc-2");
        assertThat(attribute(underneath.resolve("gcs-pvc-2"), "csi.claim")).isPresent();
        assertThat(gluster.writes()).isEmpty();
    }

    // ---------------------------------------------------------------- directories

    @Test
    void makeDirectoryMakesItWithMode755AndIsFalseTheSecondTime() throws Exception {
        assertThat(files.makeDirectory("gcs-pvc-1")).isTrue();
        assertThat(files.makeDirectory("gcs-pvc-1")).isFalse();

        Path made = onTmpfs.resolve("gcs-pvc-1");
        assertThat(made).isDirectory();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(made))).isEqualTo("rwxr-xr-x");
    }

    @Test
    void removeIfEmptyRemovesAnEmptyDirectoryOnly() throws Exception {
        Files.createDirectory(onTmpfs.resolve("empty"));
        Files.createDirectory(onTmpfs.resolve("full"));
        Files.writeString(onTmpfs.resolve("full").resolve("data"), "a pod's data");

        assertThat(files.removeIfEmpty("empty")).isTrue();
        assertThat(files.removeIfEmpty("full")).isFalse();
        assertThat(files.removeIfEmpty("missing")).isFalse();

        assertThat(namesIn(onTmpfs)).containsExactly("full");
        assertThat(onTmpfs.resolve("full").resolve("data")).hasContent("a pod's data");
    }

    @Test
    void shareWithGroupRunsChgrpThenChmod2775OnTheDirectory() throws Exception {
        List<List<String>> ran = new ArrayList<>();
        CommandRunner runner = new CommandRunner() {
            @Override
            public CommandResult run(List<String> argv, Duration timeout) {
                ran.add(argv);
                return new CommandResult(argv, 0, "", "", Duration.ZERO);
            }

            @Override
            public String describe() {
                return "recording";
            }
        };

        new LocalPoolFiles(root, runner, TIMEOUT, "the test's pool").shareWithGroup("gcs-pvc-1", 2001);

        String dir = root.resolve("gcs-pvc-1").toString();
        assertThat(ran).containsExactly(List.of("chgrp", "2001", "--", dir), List.of("chmod", "2775", "--", dir));
    }

    // ---------------------------------------------------------------- records

    @Test
    void readOfADirectoryThatIsNotThereIsAbsent() throws Exception {
        assertThat(recorded.read("gcs-pvc-1")).isEqualTo(PoolFiles.Entry.ABSENT);
    }

    @Test
    void readOfAFileThatIsNotADirectoryIsAbsent() throws Exception {
        Files.writeString(recordedRoot.resolve("gcs-pvc-1"), "not a directory");

        assertThat(recorded.read("gcs-pvc-1")).isEqualTo(PoolFiles.Entry.ABSENT);
    }

    @Test
    void readOfADirectoryWithoutARecordSaysItExistsWithNone() throws Exception {
        Files.createDirectory(recordedRoot.resolve("gcs-pvc-1"));

        assertThat(recorded.read("gcs-pvc-1")).isEqualTo(new PoolFiles.Entry(true, Optional.empty()));
    }

    @Test
    void aWrittenRecordIsTheUserCsiClaimAttributeAndReadsBack() throws Exception {
        Files.createDirectory(recordedRoot.resolve("gcs-pvc-1"));

        recorded.writeRecord("gcs-pvc-1", RECORD);

        assertThat(recorded.read("gcs-pvc-1")).isEqualTo(new PoolFiles.Entry(true, Optional.of(RECORD)));
        // Java names user attributes without their namespace: this is user.csi.claim, as getfattr shows it.
        assertThat(view(recordedRoot.resolve("gcs-pvc-1")).list()).containsExactly("csi.claim");
        assertThat(attribute(recordedRoot.resolve("gcs-pvc-1"), "csi.claim")).contains(RECORD);
    }

    @Test
    void aRecordWrittenAgainReplacesTheOldOneWhole() throws Exception {
        Files.createDirectory(recordedRoot.resolve("gcs-pvc-1"));
        recorded.writeRecord("gcs-pvc-1", RECORD + ";gid=2001;pvc=team-a%2Fdata-0");

        recorded.writeRecord("gcs-pvc-1", RECORD + ";state=retained");

        assertThat(recorded.read("gcs-pvc-1").record()).contains(RECORD + ";state=retained");
    }

    @Test
    void writeRecordOnADirectoryThatIsNotThereIsAnError() {
        CsiException failure = catchThrowableOfType(CsiException.class, () -> recorded.writeRecord("gone", RECORD));

        assertThat(failure).isNotNull().isNotInstanceOf(MountGoneException.class)
                .hasMessageContaining("writing the record of gone");
        assertThat(failure.code()).isEqualTo(Status.Code.INTERNAL);
    }

    @Test
    void readThatCannotLookIsAnErrorNotAnAbsentDirectory() throws Exception {
        // A root that cannot be searched: here a file (ENOTDIR); on a mount whose client died, ENOTCONN.
        Path file = Files.writeString(temp.resolve("not-a-directory"), "x");
        LocalPoolFiles broken = local(file);

        CsiException failure = catchThrowableOfType(CsiException.class, () -> broken.read("gcs-pvc-1"));

        assertThat(failure).as("a read that could not look must not answer that the claim is absent").isNotNull()
                .hasMessageContaining("reading the record of gcs-pvc-1");
    }

    @Test
    void recordsHoldEveryVisibleDirectoryWithItsRecordAndSkipHiddenNamesFilesAndLinks() throws Exception {
        Files.createDirectory(recordedRoot.resolve("gcs-a"));
        Files.createDirectory(recordedRoot.resolve("gcs-b"));
        Files.createDirectory(recordedRoot.resolve(".csi-trash"));
        Files.createDirectory(recordedRoot.resolve(".hidden"));
        Files.writeString(recordedRoot.resolve("a-file"), "x");
        Files.createSymbolicLink(recordedRoot.resolve("a-link"), recordedRoot.resolve("gcs-a"));
        recorded.writeRecord("gcs-a", RECORD);
        recorded.writeRecord(".csi-trash", RECORD);

        Map<String, Optional<String>> records = recorded.records();

        assertThat(records).containsExactly(Map.entry("gcs-a", Optional.of(RECORD)),
                Map.entry("gcs-b", Optional.empty()));
    }

    @Test
    void recordsOfAnEmptyPoolAreEmpty() throws Exception {
        assertThat(recorded.records()).isEmpty();
    }

    // ---------------------------------------------------------------- moving aside and purging

    @Test
    void moveAsideRenamesTheClaimInsideItsDirectoryToAHiddenNameWithItsDataAndRecord() throws Exception {
        Files.createDirectory(recordedRoot.resolve("gcs-pvc-1"));
        Files.writeString(recordedRoot.resolve("gcs-pvc-1").resolve("data"), "a pod's data");
        recorded.writeRecord("gcs-pvc-1", RECORD);

        recorded.moveAside("gcs-pvc-1", ".csi-archive", "gcs-pvc-1.20250102T030405.000Z");

        Path moved = recordedRoot.resolve(".csi-archive.gcs-pvc-1.20250102T030405.000Z");
        assertThat(namesIn(recordedRoot)).containsExactly(".csi-archive.gcs-pvc-1.20250102T030405.000Z");
        assertThat(moved.resolve("data")).hasContent("a pod's data");
        assertThat(attribute(moved, "csi.claim")).contains(RECORD);
        assertThat(recorded.records()).isEmpty();
    }

    @Test
    void whatAnOlderVersionMovedIntoTheHiddenDirectoryIsListedBesideWhatIsSetAsideNow() throws Exception {
        Files.createDirectories(onTmpfs.resolve(".csi-trash").resolve("gcs-old.20250101T000000.000Z"));
        Files.createDirectory(onTmpfs.resolve("gcs-pvc-1"));

        files.moveAside("gcs-pvc-1", ".csi-trash", "gcs-pvc-1.20250102T030405.000Z");

        assertThat(files.listAside(".csi-trash")).containsExactlyInAnyOrder("gcs-old.20250101T000000.000Z",
                "gcs-pvc-1.20250102T030405.000Z");
    }

    @Test
    void listAsideOfAHiddenDirectoryThatIsNotThereIsEmpty() throws Exception {
        assertThat(files.listAside(".csi-trash")).isEmpty();
    }

    @Test
    void removeAsideRemovesThatEntryAndEverythingInItAndNothingElse() throws Exception {
        Path deleted = Files.createDirectories(onTmpfs.resolve(".csi-trash.gcs-a.1").resolve("deep").resolve("er"));
        Files.writeString(deleted.resolve("data"), "x");
        Files.createDirectory(onTmpfs.resolve(".csi-trash.gcs-b.1"));
        Path older = Files.createDirectories(onTmpfs.resolve(".csi-trash").resolve("gcs-c.1"));
        Files.createDirectory(onTmpfs.resolve("gcs-a"));

        files.removeAside(".csi-trash", "gcs-a.1");
        files.removeAside(".csi-trash", "gcs-c.1");

        assertThat(files.listAside(".csi-trash")).containsExactly("gcs-b.1");
        assertThat(older).doesNotExist();
        assertThat(namesIn(onTmpfs)).containsExactlyInAnyOrder(".csi-trash", ".csi-trash.gcs-b.1", "gcs-a");
    }

    @Test
    void removeAsideOfAnEntryThatIsNotThereSucceeds() throws Exception {
        files.removeAside(".csi-trash", "gcs-a.1");

        assertThat(namesIn(onTmpfs)).isEmpty();
    }

    @Test
    void theUmaskReadFromProcIsTheOneNewDirectoriesGet() throws Exception {
        Path made = Files.createDirectory(temp.resolve("umask-probe"));
        int mode = (Integer) Files.getAttribute(made, "unix:mode") & 0777;

        assertThat(mode).isEqualTo(0777 & ~LocalPoolFiles.umask());
    }
}
