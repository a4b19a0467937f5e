package io.converged.gluster.controller.csi;

import io.converged.gluster.controller.provision.ProvisionedVolume;
import io.converged.gluster.csi.runtime.CsiException;
import java.util.List;

/**
 * ListVolumes pages. The token is the id of the first volume of the next page, so paging needs no
 * server-side state; a token whose volume has since gone is stale and answered ABORTED, as the CSI
 * spec asks, so the caller restarts the listing.
 */
final class ListPages {
    private ListPages() {
    }

    static String token(ProvisionedVolume firstOfNextPage) {
        return firstOfNextPage.id();
    }

    /** The index to start from for the token (0 for none). */
    static int start(List<ProvisionedVolume> sorted, String token) throws CsiException {
        if (token.isEmpty()) {
            return 0;
        }
        for (int i = 0; i < sorted.size(); i++) {
            if (sorted.get(i).id().equals(token)) {
                return i;
            }
        }
        throw CsiException.aborted("starting_token '" + token
                + "' no longer names a volume (it was deleted since); list again from the start");
    }
}
