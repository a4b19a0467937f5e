package io.converged.gluster.tools.cli;

import static io.converged.gluster.tools.cli.Ctl.controller;

import io.converged.gluster.csi.v1.CapacityRange;
import io.converged.gluster.csi.v1.ControllerExpandVolumeRequest;
import io.converged.gluster.csi.v1.ControllerGetVolumeRequest;
import io.converged.gluster.csi.v1.ControllerGetVolumeResponse;
import io.converged.gluster.csi.v1.CreateVolumeRequest;
import io.converged.gluster.csi.v1.DeleteVolumeRequest;
import io.converged.gluster.csi.v1.GetCapacityRequest;
import io.converged.gluster.csi.v1.ListVolumesRequest;
import io.converged.gluster.csi.v1.ListVolumesResponse;
import io.converged.gluster.csi.v1.Volume;
import io.converged.gluster.csi.v1.VolumeCapability;
import io.converged.gluster.csi.v1.VolumeContentSource;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.TypeConversionException;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The work of the {@code gluster-csi-ctl} commands on volumes (declared, with their options, in
 * {@link Ctl}), all through the controller's CSI Controller service: {@code volumes}, {@code pools},
 * {@code create} (from a StorageClass YAML, a snapshot or a volume too), {@code describe},
 * {@code expand} and {@code delete}. It also owns two things the other groups borrow: the parameters
 * of a StorageClass file and the mount capability asked for.
 */
final class VolumeCommands {
    /** How often {@code --wait} asks again. */
    static final long WAIT_POLL_MILLIS = 1000;

    /** The claim a volume is for, as the external-provisioner passes it. */
    record Claim(String namespace, String name) {
        static Claim parse(String text) {
            String[] parts = text.split("/", 2);
            if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
                throw new TypeConversionException("expected NAMESPACE/NAME but was '" + text + "'");
            }
            return new Claim(parts[0], parts[1]);
        }
    }

    private final Ctl ctl;

    VolumeCommands(Ctl ctl) {
        this.ctl = ctl;
    }

    /** {@code volumes}: every volume, or those of one shared pool ({@code pool} not null). */
    @SuppressWarnings("deprecation")
    int volumes(String pool) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (ListVolumesResponse.Entry entry : ctl.onController(VolumeCommands::listAll)) {
            if (pool != null && !pool.equals(entry.getVolume().getVolumeContextMap().get("pool"))) {
                continue;
            }
            Map<String, Object> row = volumeRow(entry.getVolume());
            var condition = entry.getStatus().getVolumeCondition();
            row.put("condition", condition.getAbnormal() ? "abnormal: " + condition.getMessage() : "ok");
            rows.add(row);
        }
        ctl.printer().print(rows, rows);
        return 0;
    }

    /** Every volume, page by page. */
    private static List<ListVolumesResponse.Entry> listAll(Target.Connection c) {
        List<ListVolumesResponse.Entry> all = new ArrayList<>();
        String token = "";
        do {
            ListVolumesResponse page = controller(c).listVolumes(ListVolumesRequest.newBuilder()
                    .setMaxEntries(100).setStartingToken(token).build());
            all.addAll(page.getEntriesList());
            token = page.getNextToken();
        } while (!token.isEmpty());
        return all;
    }

    /** {@code pools}: each shared pool's claims, the sizes promised to them, and its room left. */
    int pools() {
        List<Map<String, Object>> rows = ctl.onController(c -> {
            Map<String, List<Volume>> byPool = new TreeMap<>();
            for (ListVolumesResponse.Entry entry : listAll(c)) {
                String pool = entry.getVolume().getVolumeContextMap().get("pool");
                if (pool != null) {
                    byPool.computeIfAbsent(pool, p -> new ArrayList<>()).add(entry.getVolume());
                }
            }
            List<Map<String, Object>> found = new ArrayList<>();
            byPool.forEach((pool, claims) -> {
                Map<String, String> context = claims.get(0).getVolumeContextMap();
                long free = controller(c).getCapacity(GetCapacityRequest.newBuilder().putParameters("pool", pool)
                        .putParameters("replica", context.getOrDefault("replica", "3"))
                        .putParameters("arbiter", context.getOrDefault("arbiter", "false"))
                        .putParameters("brickRoot", context.getOrDefault("brickRoot", "/mnt/brick1")).build())
                        .getAvailableCapacity();
                long promised = claims.stream().mapToLong(Volume::getCapacityBytes).sum();
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("pool", pool);
                row.put("claims", claims.size());
                row.put("promised", Sizes.format(promised));
                row.put("free", Sizes.format(free));
                row.put("bricks", context.getOrDefault("bricks", ""));
                found.add(row);
            });
            return found;
        });
        ctl.printer().print(rows, rows);
        return 0;
    }

    /** {@code create}: CreateVolume with the class's parameters, the overrides over them, and the claim. */
    int create(String name, long size, Path storageClass, Map<String, String> overrides, Claim claim,
            String fromSnapshot, String fromVolume, boolean wait) throws IOException, InterruptedException {
        if (fromSnapshot != null && fromVolume != null) {
            throw ctl.usage("give --from-snapshot or --from-volume, not both");
        }
        Map<String, String> parameters = new TreeMap<>();
        if (storageClass != null) {
            parameters.putAll(storageClassParameters(storageClass));
        }
        if (overrides != null) {
            parameters.putAll(overrides);
        }
        if (claim != null) {
            parameters.put("csi.storage.k8s.io/pvc/namespace", claim.namespace());
            parameters.put("csi.storage.k8s.io/pvc/name", claim.name());
        }
        CreateVolumeRequest.Builder request = CreateVolumeRequest.newBuilder().setName(name)
                .putAllParameters(parameters).addVolumeCapabilities(mountCapability(false))
                .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(size));
        if (fromSnapshot != null) {
            request.setVolumeContentSource(VolumeContentSource.newBuilder().setSnapshot(
                    VolumeContentSource.SnapshotSource.newBuilder().setSnapshotId(fromSnapshot)));
        } else if (fromVolume != null) {
            request.setVolumeContentSource(VolumeContentSource.newBuilder().setVolume(
                    VolumeContentSource.VolumeSource.newBuilder().setVolumeId(fromVolume)));
        }
        Volume volume = wait ? untilFilled(request.build())
                : ctl.onController(c -> controller(c).createVolume(request.build()).getVolume());
        ctl.printer().print(volumeWithContext(volume), List.of(volumeRow(volume)));
        return 0;
    }

    /** CreateVolume again every second while the controller answers ABORTED (the copy is under way). */
    private Volume untilFilled(CreateVolumeRequest request) throws InterruptedException {
        while (true) {
            try {
                return ctl.onController(c -> controller(c).createVolume(request).getVolume());
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.ABORTED) {
                    throw e;
                }
                ctl.progress().println(e.getStatus().getDescription());
                ctl.progress().flush();
            }
            Thread.sleep(WAIT_POLL_MILLIS);
        }
    }

    /** {@code describe}: the volume as {@code kubectl describe pv} shows it, or its JSON. */
    int describe(String id) {
        ControllerGetVolumeResponse answer = ctl.onController(c -> controller(c)
                .controllerGetVolume(ControllerGetVolumeRequest.newBuilder().setVolumeId(id).build()));
        if (ctl.printer().json()) {
            ctl.printer().out().println(Printer.json(volumeWithContext(answer.getVolume())));
        } else {
            ctl.printer().out().print(PvDescription.render(answer.getVolume(), answer));
        }
        return 0;
    }

    /** {@code expand}: ControllerExpandVolume to {@code size} bytes. */
    int expand(String id, long size) {
        var answer = ctl.onController(c -> controller(c).controllerExpandVolume(
                ControllerExpandVolumeRequest.newBuilder().setVolumeId(id)
                        .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(size)).build()));
        Map<String, Object> row = Printer.ordered("id", id, "capacity", Sizes.format(answer.getCapacityBytes()));
        ctl.printer().printOne(row);
        return 0;
    }

    /** {@code delete}: DeleteVolume. */
    int delete(String id) {
        ctl.onController(c -> controller(c).deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId(id).build()));
        Map<String, Object> row = Printer.ordered("deleted", id);
        ctl.printer().printOne(row);
        return 0;
    }

    private static Map<String, Object> volumeRow(Volume volume) {
        Map<String, String> context = volume.getVolumeContextMap();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", volume.getVolumeId());
        row.put("capacity", Sizes.format(volume.getCapacityBytes()));
        row.put("replica", context.getOrDefault("replica", "?")
                + ("true".equals(context.get("arbiter")) ? " arbiter 1" : ""));
        row.put("bricks", context.getOrDefault("bricks", ""));
        return row;
    }

    private static Map<String, Object> volumeWithContext(Volume volume) {
        Map<String, Object> row = volumeRow(volume);
        row.put("context", new TreeMap<>(volume.getVolumeContextMap()));
        return row;
    }

    /** The {@code parameters} of a StorageClass (or VolumeSnapshotClass) YAML file, as strings. */
    static Map<String, String> storageClassParameters(Path file) throws IOException {
        JsonNode parameters = new YAMLMapper().readTree(Files.readString(file)).path("parameters");
        Map<String, String> result = new TreeMap<>();
        parameters.properties().forEach(e -> result.put(e.getKey(), e.getValue().asString()));
        return result;
    }

    /** A filesystem volume for many nodes: read-only or read-write. */
    static VolumeCapability mountCapability(boolean readOnly) {
        return VolumeCapability.newBuilder()
                .setMount(VolumeCapability.MountVolume.getDefaultInstance())
                .setAccessMode(VolumeCapability.AccessMode.newBuilder().setMode(readOnly
                        ? VolumeCapability.AccessMode.Mode.MULTI_NODE_READER_ONLY
                        : VolumeCapability.AccessMode.Mode.MULTI_NODE_MULTI_WRITER))
                .build();
    }
}
