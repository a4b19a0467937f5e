package io.converged.gluster.controller.csi;

import io.converged.gluster.controller.provision.ProvisionedVolume;
import io.converged.gluster.csi.runtime.CsiException;
import java.util.List;

/**
 * ListVolumes and ListSnapshots pages. The token is the id of the first entry of the next page, so
 * paging needs no server-side state; a token whose volume or snapshot has since gone is stale and
 * answered ABORTED, as the CSI spec asks, so the caller restarts the listing.
 */
final class ListPages {
    private ListPages() {
    }

    static String token(ProvisionedVolume firstOfNextPage) {
        return firstOfNextPage.id();
    }

    /** The index to start from for the token (0 for none). */
    static int start(List<ProvisionedVolume> sorted, String token) throws CsiException {
        return start(sorted.stream().map(ProvisionedVolume::id).toList(), token, "volume");
    }

    /** The index of the token among ids sorted as the listing is (0 for no token); {@code what} they name. */
    static int start(List<String> sortedIds, String token, String what) throws CsiException {
        if (token.isEmpty()) {
            return 0;
        }
        int at = sortedIds.indexOf(token);
        if (at < 0) {
            throw CsiException.aborted("starting_token '" + token + "' no longer names a " + what
                    + " (it was deleted since); list again from the start");
        }
        return at;
    }
}
