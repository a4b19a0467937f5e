package io.converged.gluster.node.mount;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Stage records on disk. Each record lives next to its staging path ({@code <staging>.glusterfs-csi.properties},
 * beside kubelet's own {@code vol_data.json}), and the state directory holds one symbolic link per
 * staged volume pointing at it, so a restarted server finds every staged volume without kubelet.
 * Files are replaced atomically; the state directory is created on first use.
 */
public final class StageRecords {
    private static final Logger LOG = Logger.getLogger(StageRecords.class.getName());
    static final String SUFFIX = ".glusterfs-csi.properties";
    private static final Pattern PLAIN_ID = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}");
    private static final String TARGET = "target.";

    private final Path stateDir;

    public StageRecords(Path stateDir) {
        this.stateDir = stateDir;
    }

    public Path stateDir() {
        return stateDir;
    }

    /** Where the record of a volume staged at this path lives. */
    public static Path recordPath(Path stagingPath) {
        return stagingPath.resolveSibling(stagingPath.getFileName() + SUFFIX);
    }

    /** The registry entry of a volume id: the id itself when it is a plain file name, else its SHA-256. */
    Path linkPath(String volumeId) {
        String name = PLAIN_ID.matcher(volumeId).matches() ? volumeId : "%" + sha256(volumeId);
        return stateDir.resolve(name);
    }

    /** The record of a staged volume, if it was staged here. */
    public Optional<StageRecord> find(String volumeId) throws MountException {
        Path link = linkPath(volumeId);
        if (!Files.isSymbolicLink(link)) {
            return Optional.empty();
        }
        try {
            StageRecord record = read(Files.readSymbolicLink(link));
            return record.volumeId().equals(volumeId) ? Optional.of(record) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new MountException(MountException.Reason.FAILED, "cannot read the stage record of volume "
                    + volumeId + " via " + link + ": " + e.getMessage(), e);
        }
    }

    /** Writes the record next to its staging path, then registers it. */
    public void save(StageRecord record) throws MountException {
        Path file = recordPath(record.stagingPath());
        Path link = linkPath(record.volumeId());
        try {
            writeAtomically(file, render(record));
            Files.createDirectories(stateDir);
            if (!Files.isSymbolicLink(link) || !Files.readSymbolicLink(link).equals(file)) {
                Path temporary = link.resolveSibling("." + link.getFileName() + ".new");
                Files.deleteIfExists(temporary);
                Files.createSymbolicLink(temporary, file);
                Files.move(temporary, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new MountException(MountException.Reason.FAILED, "cannot write the stage record " + file + ": "
                    + e.getMessage(), e);
        }
    }

    /** Forgets a staged volume: its registry entry, then its record. */
    public void delete(StageRecord record) throws MountException {
        try {
            Path link = linkPath(record.volumeId());
            if (Files.isSymbolicLink(link) && Files.readSymbolicLink(link).equals(recordPath(record.stagingPath()))) {
                Files.delete(link);
            }
            Files.deleteIfExists(recordPath(record.stagingPath()));
        } catch (IOException e) {
            throw new MountException(MountException.Reason.FAILED, "cannot remove the stage record of volume "
                    + record.volumeId() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Every registered record. Entries whose record is gone are removed; unreadable ones are
     * skipped with a warning, since one bad record must not stop the others from healing.
     */
    public List<StageRecord> all() {
        List<StageRecord> records = new ArrayList<>();
        if (!Files.isDirectory(stateDir)) {
            return records;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(stateDir)) {
            for (Path entry : entries) {
                if (Files.isSymbolicLink(entry) && !entry.getFileName().toString().startsWith(".")) {
                    readEntry(entry, records);
                }
            }
        } catch (IOException e) {
            LOG.warning("cannot list the stage registry " + stateDir + ": " + e.getMessage());
        }
        return records;
    }

    private static void readEntry(Path entry, List<StageRecord> records) {
        try {
            Path file = Files.readSymbolicLink(entry);
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                LOG.info("forgetting " + entry + ": its record " + file + " is gone");
                Files.delete(entry);
                return;
            }
            records.add(read(file));
        } catch (IOException | MountException | RuntimeException e) {
            LOG.warning("skipping unreadable stage record " + entry + ": " + e.getMessage());
        }
    }

    static String render(StageRecord record) {
        Properties properties = new Properties();
        GlusterMount mount = record.mount();
        properties.setProperty("volumeId", record.volumeId());
        properties.setProperty("volume", mount.volume());
        properties.setProperty("directory", mount.directory());
        properties.setProperty("servers", String.join(",", mount.servers()));
        properties.setProperty("options", String.join(",", mount.options().asList()));
        properties.setProperty("logFile", mount.logFile().toString());
        properties.setProperty("stagingPath", record.stagingPath().toString());
        record.targets().forEach((target, readOnly) ->
                properties.setProperty(TARGET + target, readOnly ? "ro" : "rw"));
        StringWriter text = new StringWriter();
        try {
            properties.store(text, "gluster-csi-node stage record: what it needs to heal this mount");
        } catch (IOException e) {
            throw new IllegalStateException("writing to a string cannot fail", e);
        }
        return text.toString();
    }

    static StageRecord read(Path file) throws IOException, MountException {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
        }
        String options = required(properties, "options", file);
        GlusterMount mount = GlusterMount.of(required(properties, "volume", file),
                properties.getProperty("directory", ""),
                Arrays.asList(required(properties, "servers", file).split(",")),
                options.isEmpty() ? MountOptions.none() : MountOptions.parse(List.of(options)),
                Path.of(required(properties, "logFile", file)));
        Map<Path, Boolean> targets = new TreeMap<>();
        for (String key : properties.stringPropertyNames()) {
            if (key.startsWith(TARGET)) {
                targets.put(Path.of(key.substring(TARGET.length())), "ro".equals(properties.getProperty(key)));
            }
        }
        return new StageRecord(required(properties, "volumeId", file), mount,
                Path.of(required(properties, "stagingPath", file)), targets);
    }

    private static String required(Properties properties, String key, Path file) throws IOException {
        String value = properties.getProperty(key);
        if (value == null) {
            throw new IOException(file + " has no '" + key + "'");
        }
        return value;
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        Path temporary = file.resolveSibling("." + file.getFileName() + ".new");
        Files.writeString(temporary, text, StandardCharsets.UTF_8);
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
