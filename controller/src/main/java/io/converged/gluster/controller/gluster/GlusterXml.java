package io.converged.gluster.controller.gluster;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * Parses the {@code <cliOutput>} documents of {@code gluster ... --xml} (GlusterFS 10). Pure: no I/O
 * beyond the string it is given. Note that the CLI exits 0 even when the operation failed; the
 * outcome is {@code opRet}.
 */
public final class GlusterXml {
    private static final ThreadLocal<DocumentBuilder> BUILDER = ThreadLocal.withInitial(GlusterXml::newBuilder);

    private GlusterXml() {
    }

    /** The envelope every answer has: {@code opRet}, {@code opErrno}, {@code opErrstr}, and the root. */
    public record Envelope(int opRet, int opErrno, String opErrstr, Element root) {
        public boolean succeeded() {
            return opRet == 0;
        }

        /** {@code <output>} text, if any (e.g. "Host X port 24007 already in peer list"). */
        public String output() {
            return text(root, "output").orElse("");
        }
    }

    /** Whether text looks like a gluster XML answer at all. */
    public static boolean isXml(String text) {
        return text != null && text.contains("<cliOutput>");
    }

    public static Envelope parse(String xml) throws GlusterException {
        try {
            DocumentBuilder builder = BUILDER.get();
            builder.reset();
            Element root = builder.parse(new InputSource(new StringReader(xml))).getDocumentElement();
            if (!"cliOutput".equals(root.getTagName())) {
                throw new GlusterException(GlusterException.Kind.OTHER, "not a gluster answer: <" + root.getTagName()
                        + ">", 0);
            }
            int opRet = integer(text(root, "opRet").orElse("-1"));
            int opErrno = integer(text(root, "opErrno").orElse("0"));
            return new Envelope(opRet, opErrno, text(root, "opErrstr").orElse(""), root);
        } catch (SAXException | IOException e) {
            throw new GlusterException(GlusterException.Kind.OTHER, "unreadable gluster XML: " + e.getMessage(), e);
        }
    }

    /** {@code pool list}: every peer, the answering one (hostname localhost) marked self. */
    public static List<PoolPeer> poolList(Envelope envelope) {
        List<PoolPeer> peers = new ArrayList<>();
        for (Element peer : children(child(envelope.root(), "peerStatus"), "peer")) {
            String hostname = text(peer, "hostname").orElse("");
            List<String> hostnames = new ArrayList<>();
            hostnames.add(hostname);
            child(peer, "hostnames").ifPresent(h -> {
                for (Element name : children(Optional.of(h), "hostname")) {
                    if (!hostnames.contains(name.getTextContent().strip())) {
                        hostnames.add(name.getTextContent().strip());
                    }
                }
            });
            boolean self = "localhost".equals(hostname) && child(peer, "state").isEmpty();
            peers.add(new PoolPeer(text(peer, "uuid").orElse(""), hostname, hostnames,
                    "1".equals(text(peer, "connected").orElse("0")), self));
        }
        return peers;
    }

    /** {@code volume list}: the names. */
    public static List<String> volumeList(Envelope envelope) {
        return children(child(envelope.root(), "volList"), "volume").stream()
                .map(e -> e.getTextContent().strip())
                .toList();
    }

    /** {@code volume info [V]}: every volume described. */
    public static List<VolumeInfo> volumeInfo(Envelope envelope) {
        List<VolumeInfo> volumes = new ArrayList<>();
        Optional<Element> list = child(envelope.root(), "volInfo").flatMap(v -> child(v, "volumes"));
        for (Element v : children(list, "volume")) {
            List<Brick> bricks = new ArrayList<>();
            for (Element b : children(child(v, "bricks"), "brick")) {
                String name = text(b, "name").orElse("");
                int colon = name.indexOf(':');
                bricks.add(new Brick(colon < 0 ? "" : name.substring(0, colon), name.substring(colon + 1),
                        text(b, "hostUuid").orElse(b.getAttribute("uuid")),
                        "1".equals(text(b, "isArbiter").orElse("0"))));
            }
            Map<String, String> options = new LinkedHashMap<>();
            for (Element o : children(child(v, "options"), "option")) {
                options.put(text(o, "name").orElse(""), text(o, "value").orElse(""));
            }
            volumes.add(new VolumeInfo(text(v, "name").orElse(""), text(v, "id").orElse(""),
                    text(v, "statusStr").orElse(""), text(v, "typeStr").orElse(""),
                    integer(text(v, "brickCount").orElse("0")), integer(text(v, "replicaCount").orElse("0")),
                    integer(text(v, "arbiterCount").orElse("0")), integer(text(v, "distCount").orElse("0")),
                    bricks, options));
        }
        return volumes;
    }

    /** {@code volume status V} or {@code volume status all}: one status per started volume. */
    public static List<VolumeStatus> volumeStatus(Envelope envelope) {
        List<VolumeStatus> statuses = new ArrayList<>();
        Optional<Element> list = child(envelope.root(), "volStatus").flatMap(v -> child(v, "volumes"));
        for (Element v : children(list, "volume")) {
            List<BrickStatus> entries = new ArrayList<>();
            for (Element n : children(Optional.of(v), "node")) {
                entries.add(new BrickStatus(text(n, "hostname").orElse(""), text(n, "path").orElse(""),
                        text(n, "peerid").orElse(""), "1".equals(text(n, "status").orElse("0")),
                        (int) integerOr(text(n, "port").orElse("N/A"), -1),
                        integerOr(text(n, "pid").orElse("-1"), -1)));
            }
            statuses.add(new VolumeStatus(text(v, "volName").orElse(""), entries));
        }
        return statuses;
    }

    /** {@code volume quota V list PATH}: the limit lines. */
    public static List<QuotaLimit> quotaList(Envelope envelope) {
        List<QuotaLimit> limits = new ArrayList<>();
        for (Element l : children(child(envelope.root(), "volQuota"), "limit")) {
            limits.add(new QuotaLimit(text(l, "path").orElse(""), bytes(text(l, "hard_limit")),
                    bytes(text(l, "used_space")), bytes(text(l, "avail_space"))));
        }
        return limits;
    }

    /**
     * {@code volume heal V info summary}: one line per brick. A brick gluster could not reach has only
     * a status ("Failed to process entries completely. (Transport endpoint is not connected)..."),
     * whose last words after the reason gluster 10 runs into the status text.
     */
    public static HealSummary healSummary(String volume, Envelope envelope) {
        List<HealSummary.BrickHeal> bricks = new ArrayList<>();
        Optional<Element> list = child(envelope.root(), "healInfo").flatMap(h -> child(h, "bricks"));
        for (Element b : children(list, "brick")) {
            String status = text(b, "status").orElse("");
            bricks.add(new HealSummary.BrickHeal(text(b, "name").orElse(""), status,
                    bytes(text(b, "totalNumberOfEntries")), bytes(text(b, "numberOfEntriesInHealPending")),
                    bytes(text(b, "numberOfEntriesInSplitBrain")), bytes(text(b, "numberOfEntriesPossiblyHealing"))));
        }
        return new HealSummary(volume, bricks);
    }

    // ---------------------------------------------------------------- DOM helpers

    private static Optional<Element> child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    private static List<Element> children(Optional<Element> parent, String name) {
        List<Element> result = new ArrayList<>();
        if (parent.isEmpty()) {
            return result;
        }
        NodeList nodes = parent.get().getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i) instanceof Element e && e.getTagName().equals(name)) {
                result.add(e);
            }
        }
        return result;
    }

    private static Optional<String> text(Element parent, String name) {
        return child(parent, name).map(e -> e.getTextContent().strip());
    }

    private static int integer(String text) {
        return (int) integerOr(text, 0);
    }

    private static long integerOr(String text, long fallback) {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static OptionalLong bytes(Optional<String> text) {
        if (text.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(text.get()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private static DocumentBuilder newBuilder() {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            // gluster never sends a DTD; refusing one rules out entity expansion and external fetches.
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setXIncludeAware(false);
            factory.setExpandEntityReferences(false);
            factory.setNamespaceAware(false);
            return factory.newDocumentBuilder();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser cannot be configured safely", e);
        }
    }
}
