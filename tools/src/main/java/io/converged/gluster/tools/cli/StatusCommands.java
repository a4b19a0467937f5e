package io.converged.gluster.tools.cli;

import io.converged.gluster.csi.admin.v1.AdminGrpc;
import io.converged.gluster.csi.admin.v1.GetPoolRequest;
import io.converged.gluster.csi.admin.v1.GetPoolResponse;
import io.converged.gluster.csi.admin.v1.Peer;
import io.converged.gluster.csi.admin.v1.UuidClash;
import io.converged.gluster.csi.v1.GetPluginCapabilitiesRequest;
import io.converged.gluster.csi.v1.GetPluginInfoRequest;
import io.converged.gluster.csi.v1.IdentityGrpc;
import io.converged.gluster.csi.v1.ProbeRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The work of the {@code gluster-csi-ctl} commands that report how things stand rather than change
 * them (declared, with their options, in {@link Ctl}):
 * {@code probe} and {@code info} ask the CSI Identity service of each endpoint given, {@code peers}
 * (and the pool facts of {@code info}) the controller's admin API, {@code health} the controller's
 * {@code /metrics} (read by {@link HealthFigures}).
 */
final class StatusCommands {
    private final Ctl ctl;

    StatusCommands(Ctl ctl) {
        this.ctl = ctl;
    }

    /** {@code probe}: the readiness of every endpoint given; 0 when all are ready. */
    int probe() {
        Map<String, Object> result = new LinkedHashMap<>();
        boolean allReady = true;
        for (Map.Entry<String, Target> endpoint : ctl.endpointsGiven().entrySet()) {
            boolean ready;
            try {
                ready = ctl.onEndpoint(endpoint.getValue(), endpoint.getKey(), c -> IdentityGrpc.newBlockingStub(
                        c.channel()).withDeadlineAfter(10, TimeUnit.SECONDS).probe(ProbeRequest.getDefaultInstance())
                        .getReady().getValue());
            } catch (StatusRuntimeException e) {
                ready = false;
            }
            result.put(endpoint.getKey(), ready ? "ready" : "not ready");
            allReady &= ready;
        }
        ctl.printer().print(result, List.of(result));
        return allReady ? 0 : 1;
    }

    /** {@code info}: plugin name, version and capabilities of each endpoint given. */
    int info() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Map.Entry<String, Target> endpoint : ctl.endpointsGiven().entrySet()) {
            rows.add(ctl.onEndpoint(endpoint.getValue(), endpoint.getKey(), c -> {
                var identity = IdentityGrpc.newBlockingStub(c.channel()).withDeadlineAfter(10, TimeUnit.SECONDS);
                var info = identity.getPluginInfo(GetPluginInfoRequest.getDefaultInstance());
                var caps = identity.getPluginCapabilities(GetPluginCapabilitiesRequest.getDefaultInstance());
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("endpoint", endpoint.getKey());
                row.put("name", info.getName());
                row.put("version", info.getVendorVersion());
                row.put("capabilities", caps.getCapabilitiesList().stream().map(cap -> cap.hasService()
                        ? cap.getService().getType().name() : "EXPANSION_" + cap.getVolumeExpansion().getType())
                        .toList());
                if (endpoint.getKey().equals("controller")) {
                    poolFacts(c).ifPresent(row::putAll);
                }
                return row;
            }));
        }
        ctl.printer().print(rows, rows);
        return 0;
    }

    /**
     * What the controller's admin API says about the trusted storage pool, for {@code info}: peers
     * that share a UUID (and the fix), and the automatic replacement of lost peers. Empty from a
     * controller without the admin API.
     */
    private Optional<Map<String, Object>> poolFacts(Target.Connection c) {
        GetPoolResponse pool;
        try {
            pool = AdminGrpc.newBlockingStub(c.channel()).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .getPool(GetPoolRequest.getDefaultInstance());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
                return Optional.empty();
            }
            return Optional.of(Map.of("pool", "cannot be read: " + e.getStatus().getCode() + ": "
                    + e.getStatus().getDescription()));
        }
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("peers", pool.getPeersCount() + " (" + pool.getPeersList().stream().filter(Peer::getConnected)
                .count() + " connected)");
        facts.put("uuidClashes", pool.getUuidClashesList().isEmpty() ? List.of()
                : pool.getUuidClashesList().stream().map(UuidClash::getFix).toList());
        facts.put("autoReplace", pool.getAutoReplace().getStatus());
        if (!pool.getUuidClashesList().isEmpty()) {
            pool.getUuidClashesList().forEach(clash -> ctl.progress().println("warning: " + clash.getFix()));
        }
        return Optional.of(facts);
    }

    /** {@code peers}: the trusted pool's peers, with the UUID clashes and the automatic replacement. */
    int peers() {
        GetPoolResponse pool = ctl.onController(c -> AdminGrpc.newBlockingStub(c.channel())
                .withDeadlineAfter(2, TimeUnit.MINUTES).getPool(GetPoolRequest.getDefaultInstance()));
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Peer peer : pool.getPeersList()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("address", peer.getAddress());
            row.put("uuid", peer.getUuid());
            row.put("state", peer.getConnected() ? "connected" : "disconnected"
                    + (peer.getDisconnectedSeconds() > 0 ? " " + peer.getDisconnectedSeconds() + "s" : ""));
            row.put("name", peer.getDiscovered() ? peer.getName() : "(not discovered)");
            row.put("node", peer.getNode());
            row.put("zone", peer.getZone());
            row.put("bricks", peer.getBricks());
            rows.add(row);
        }
        Map<String, Object> whole = new LinkedHashMap<>();
        whole.put("peers", rows);
        whole.put("uuidClashes", pool.getUuidClashesList().stream().map(clash -> Printer.ordered(
                "uuid", clash.getUuid(), "addresses", clash.getAddressesList(), "fix", clash.getFix())).toList());
        whole.put("autoReplace", Printer.ordered("enabled", pool.getAutoReplace().getEnabled(), "afterSeconds",
                pool.getAutoReplace().getAfterSeconds(), "status", pool.getAutoReplace().getStatus()));
        ctl.printer().print(whole, rows);
        if (!ctl.printer().json()) {
            PrintWriter err = ctl.progress();
            pool.getUuidClashesList().forEach(clash -> err.println("warning: " + clash.getFix()));
            err.println("automatic replacement of lost peers: " + pool.getAutoReplace().getStatus());
        }
        return 0;
    }

    /** {@code health}: the controller's gauges read from {@code url}, its {@code /metrics}. */
    int health(String url) {
        if (url == null || url.isBlank()) {
            throw ctl.usage("no metrics URL: give --metrics http://HOST:PORT/metrics (the controller's"
                    + " --metrics-address) or set CSI_CONTROLLER_METRICS");
        }
        String text;
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw ctl.failure(url + " answered HTTP " + response.statusCode());
            }
            text = response.body();
        } catch (IOException e) {
            throw ctl.failure("cannot read " + url + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ctl.failure("interrupted reading " + url);
        }
        HealthFigures.Parsed parsed = HealthFigures.parse(text);
        PrintWriter out = ctl.printer().out();
        if (ctl.printer().json()) {
            out.println(Printer.json(Map.of("volumes", parsed.volumes(), "quotas", parsed.quotas(), "peers",
                    parsed.peers())));
        } else {
            out.print(Table.render(parsed.volumes()));
            out.println();
            out.print(Table.render(parsed.quotas()));
            out.println();
            out.print(Table.render(parsed.peers()));
        }
        return 0;
    }
}
