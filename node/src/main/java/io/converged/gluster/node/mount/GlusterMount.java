package io.converged.gluster.node.mount;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Everything one {@code mount -t glusterfs} needs: the volume, and the directory of it when only
 * that is mounted (a claim of a shared pool; empty for the whole volume), the servers to fetch its
 * volfile from (the first is the primary, the others become {@code backup-volfile-servers}, never
 * repeating the primary), the validated user options and the client's own log file.
 */
public record GlusterMount(String volume, String directory, List<String> servers, MountOptions options,
        Path logFile) {
    private static final Pattern VOLUME = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    /** One directory directly under the volume's root, as the controller makes claims. */
    private static final Pattern DIRECTORY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    private static final Pattern LOG_PATH = Pattern.compile("/[A-Za-z0-9._/-]*");
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

    public GlusterMount {
        servers = List.copyOf(servers);
    }

    /** The whole volume; see {@link #of(String, String, List, MountOptions, Path)}. */
    public static GlusterMount of(String volume, List<String> servers, MountOptions options, Path logFile)
            throws MountException {
        return of(volume, "", servers, options, logFile);
    }

    /**
     * Validates the volume name, the directory (empty, or one plain name: no '/', no '..') and the
     * servers (host names or IPv4 addresses; duplicates are dropped, order kept) and builds the mount.
     */
    public static GlusterMount of(String volume, String directory, List<String> servers, MountOptions options,
            Path logFile) throws MountException {
        if (!VOLUME.matcher(volume).matches()) {
            throw new MountException(MountException.Reason.INVALID, "gluster volume name '" + volume
                    + "' is not valid: 1-128 letters, digits, '-' or '_'");
        }
        if (!directory.isEmpty() && (!DIRECTORY.matcher(directory).matches() || directory.contains(".."))) {
            throw new MountException(MountException.Reason.INVALID, "directory '" + directory + "' of volume "
                    + volume + " is not valid: one name of letters, digits, '.', '-' or '_', without '..'");
        }
        Set<String> distinct = new LinkedHashSet<>();
        for (String server : servers) {
            String trimmed = server.trim();
            if (!trimmed.isEmpty()) {
                distinct.add(validHost(trimmed));
            }
        }
        if (distinct.isEmpty()) {
            throw new MountException(MountException.Reason.INVALID, "no gluster server to mount volume "
                    + volume + " from");
        }
        if (!LOG_PATH.matcher(logFile.toString()).matches()) {
            throw new MountException(MountException.Reason.INVALID, "client log file " + logFile
                    + " must be an absolute path of letters, digits, '.', '_', '-' and '/'");
        }
        return new GlusterMount(volume, directory, new ArrayList<>(distinct), options, logFile);
    }

    private static String validHost(String host) throws MountException {
        boolean valid = host.length() <= 253;
        for (String label : host.split("\\.", -1)) {
            valid &= LABEL.matcher(label).matches();
        }
        if (!valid) {
            throw new MountException(MountException.Reason.INVALID, "gluster server '" + host
                    + "' is not a host name or IPv4 address");
        }
        return host;
    }

    /** What is mounted: {@code volume}, or {@code volume/directory}. */
    public String path() {
        return directory.isEmpty() ? volume : volume + "/" + directory;
    }

    /** The mount source, {@code primary:/volume} or {@code primary:/volume/directory}. */
    public String source() {
        return servers.get(0) + ":/" + path();
    }

    /** The other servers, never the primary. */
    public List<String> backups() {
        return servers.subList(1, servers.size());
    }

    /** The {@code -o} argument: client log, backup servers, then the user's options. */
    public String optionString() {
        List<String> all = new ArrayList<>();
        all.add("log-file=" + logFile);
        if (!backups().isEmpty()) {
            all.add("backup-volfile-servers=" + String.join(":", backups()));
        }
        all.addAll(options.asList());
        return String.join(",", all);
    }
}
