package io.converged.gluster.controller.gluster;

import java.util.Optional;
import java.util.OptionalLong;

/** How a quota limit is read back after {@code limit-usage}: {@link GlusterCli#listedHardLimit}, or a brick. */
@FunctionalInterface
public interface LimitReader {
    /** The hard limit gluster shows on the path (empty inside when none); empty when this way cannot tell. */
    Optional<OptionalLong> hardLimit(String volume, String path) throws GlusterException;
}
