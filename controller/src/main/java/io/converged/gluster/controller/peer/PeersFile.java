package io.converged.gluster.controller.peer;

import io.converged.gluster.controller.gluster.GlusterCli;
import io.converged.gluster.controller.gluster.GlusterNames;
import io.converged.gluster.csi.exec.CommandRunner;
import io.converged.gluster.csi.exec.LocalCommandRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Peers listed in a text file, for peers running as local processes (deploy/local, tests, or a
 * controller running inside a peer). The file is read afresh on every {@link #peers()} call.
 *
 * <p>Format: one peer per line; blank lines and lines starting with {@code #} are ignored; fields
 * are separated by spaces or tabs:
 *
 * <pre>
 * ADDRESS  GLUSTERD_SOCKET  BRICK_PREFIX  [zone=ZONE] [node=NODE] [name=NAME] [log=CLI_LOG]
 * 127.1.1.1  /run/gl/p1/gd/gd.sock  /run/gl/p1/root  zone=a node=n1
 * 10.0.0.5   -                      /                zone=b
 * </pre>
 *
 * ADDRESS is what gluster knows the peer by. GLUSTERD_SOCKET is the peer's glusterd socket, or
 * {@code -} for the default one. BRICK_PREFIX is the directory under which the peer's brick root
 * lies ({@code /} for none). The name defaults to the address, the node to the name, the zone to
 * none; the CLI log to {@code cli.log} beside the socket ({@code /var/log/glusterfs/cli.log} with
 * the default socket). Commands run as local processes.
 */
public final class PeersFile implements PeerSource {
    private static final String DEFAULT_CLI_LOG = "/var/log/glusterfs/cli.log";

    private final Path file;
    private final CommandRunner runner;

    public PeersFile(Path file) {
        this(file, new LocalCommandRunner());
    }

    public PeersFile(Path file, CommandRunner runner) {
        this.file = file;
        this.runner = runner;
    }

    @Override
    public List<Peer> peers() throws PeerDiscoveryException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PeerDiscoveryException("cannot read the peers file " + file + ": " + e.getMessage(), e);
        }
        try {
            return parse(text, runner);
        } catch (IllegalArgumentException e) {
            throw new PeerDiscoveryException(file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return "peers file " + file;
    }

    /** Parses the file's text; throws IllegalArgumentException naming the line that is wrong. */
    public static List<Peer> parse(String text, CommandRunner runner) {
        List<Peer> peers = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<String> addresses = new HashSet<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                Peer peer = parseLine(line, runner);
                if (!names.add(peer.name())) {
                    throw new IllegalArgumentException("peer " + peer.name() + " is listed twice");
                }
                if (!addresses.add(peer.address())) {
                    throw new IllegalArgumentException("address " + peer.address() + " is listed twice");
                }
                peers.add(peer);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return peers;
    }

    private static Peer parseLine(String line, CommandRunner runner) {
        String[] fields = line.split("[ \t]+");
        if (fields.length < 3) {
            throw new IllegalArgumentException("expected ADDRESS GLUSTERD_SOCKET BRICK_PREFIX [key=value...], got '"
                    + line + "'");
        }
        String address = GlusterNames.requireHost(fields[0]);
        String socket = fields[1];
        String prefix = fields[2].equals("/") ? "/" : GlusterNames.requirePath(fields[2]);
        String zone = "";
        String node = "";
        String name = address;
        String log = null;
        for (int f = 3; f < fields.length; f++) {
            int eq = fields[f].indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected key=value, got '" + fields[f] + "'");
            }
            String key = fields[f].substring(0, eq);
            String value = fields[f].substring(eq + 1);
            if (value.isEmpty()) {
                throw new IllegalArgumentException(key + " is empty");
            }
            switch (key) {
                case "zone" -> zone = value;
                case "node" -> node = value;
                case "name" -> name = value;
                case "log" -> log = GlusterNames.requirePath(value);
                default -> throw new IllegalArgumentException("unknown key '" + key
                        + "' (known: zone, node, name, log)");
            }
        }
        List<String> prefixArgv;
        if (socket.equals("-")) {
            prefixArgv = List.of("gluster", "--mode=script", "--log-file=" + (log == null ? DEFAULT_CLI_LOG : log));
        } else {
            Path socketPath = Path.of(GlusterNames.requirePath(socket));
            Path cliLog = log == null ? socketPath.resolveSibling("cli.log") : Path.of(log);
            prefixArgv = GlusterCli.localPrefix(socketPath, cliLog);
        }
        return new Peer(name, address, zone, node, runner, prefixArgv, prefix);
    }
}
