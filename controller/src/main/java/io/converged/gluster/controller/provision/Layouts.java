package io.converged.gluster.controller.provision;

import io.converged.gluster.controller.provision.VolumeNames.ClaimId;
import io.converged.gluster.csi.runtime.CsiException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The two layouts behind one backend: a request whose class names a {@code pool} goes to the shared
 * layout, every other to the dedicated one; an id of the form {@code POOL/DIRECTORY} is a claim in a
 * pool, any other a dedicated volume's. Listings hold both, sorted by id.
 */
public final class Layouts implements VolumeBackend {
    private final VolumeBackend dedicated;
    private final VolumeBackend shared;

    public Layouts(VolumeBackend dedicated, VolumeBackend shared) {
        this.dedicated = dedicated;
        this.shared = shared;
    }

    private VolumeBackend of(String volumeId) {
        return ClaimId.parse(volumeId).isPresent() ? shared : dedicated;
    }

    @Override
    public ProvisionedVolume create(VolumeRequest request) throws CsiException {
        return (request.parameters().shared() ? shared : dedicated).create(request);
    }

    @Override
    public ProvisionedVolume createToFill(VolumeRequest request) throws CsiException {
        return (request.parameters().shared() ? shared : dedicated).createToFill(request);
    }

    @Override
    public void delete(String volumeId) throws CsiException {
        of(volumeId).delete(volumeId);
    }

    @Override
    public ProvisionedVolume expand(String volumeId, long bytes) throws CsiException {
        return of(volumeId).expand(volumeId, bytes);
    }

    @Override
    public void modify(String volumeId, Map<String, String> volumeOptions) throws CsiException {
        of(volumeId).modify(volumeId, volumeOptions);
    }

    @Override
    public Optional<ProvisionedVolume> find(String volumeId) throws CsiException {
        return of(volumeId).find(volumeId);
    }

    @Override
    public List<ProvisionedVolume> list() throws CsiException {
        List<ProvisionedVolume> all = new ArrayList<>(dedicated.list());
        all.addAll(shared.list());
        all.sort(Comparator.comparing(ProvisionedVolume::id));
        return all;
    }

    @Override
    public VolumeHealth health(String volumeId) throws CsiException {
        return of(volumeId).health(volumeId);
    }

    /** Both layouts' volumes live in the same gluster: one look serves the whole page. */
    @Override
    public Map<String, VolumeHealth> healthOf(List<ProvisionedVolume> volumes) throws CsiException {
        return dedicated.healthOf(volumes);
    }

    @Override
    public long largestPlaceable(StorageClassParameters parameters) throws CsiException {
        return (parameters.shared() ? shared : dedicated).largestPlaceable(parameters);
    }

    @Override
    public boolean anyPeerAnswers() {
        return dedicated.anyPeerAnswers();
    }

    @Override
    public List<String> quotaSuspects() throws CsiException {
        List<String> all = new ArrayList<>(dedicated.quotaSuspects());
        all.addAll(shared.quotaSuspects());
        return all;
    }

    @Override
    public Optional<String> repairQuota(String volumeId) throws CsiException {
        return of(volumeId).repairQuota(volumeId);
    }
}
