package io.converged.gluster.node.mount;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MountTableTest {
    private static final String TEXT = String.join("\n",
            "22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw,discard",
            "101 22 0:57 / /var/lib/kubelet/plugins/g/globalmount rw,nosuid,nodev,relatime shared:60 - "
                    + "fuse.glusterfs 127.1.9.1:/vol1 rw,user_id=0,group_id=0,allow_other,max_read=131072",
            "102 22 0:57 / /var/lib/kubelet/pods/a\\040b/mount ro,nosuid,nodev,relatime shared:60 master:3 - "
                    + "fuse.glusterfs 127.1.9.1:/vol1 rw,user_id=0",
            "103 22 254:0 /srv/dir /mnt/bind rw,relatime - ext4 /dev/vda rw",
            "104 22 0:60 / /mnt/bind rw - tmpfs tmpfs rw",
            "garbage line",
            "");

    @Test
    void parsesMountsWithOptionalFieldsAndOctalEscapes() {
        MountTable table = MountTable.parse(TEXT);

        assertThat(table.all()).hasSize(5);
        MountPoint target = table.at(Path.of("/var/lib/kubelet/pods/a b/mount")).orElseThrow();
        assertThat(target.readOnly()).isTrue();
        assertThat(target.isGluster()).isTrue();
        assertThat(target.glusterPath()).isEqualTo("vol1");
        MountPoint staging = table.at(Path.of("/var/lib/kubelet/plugins/g/globalmount")).orElseThrow();
        assertThat(staging.readOnly()).isFalse();
        assertThat(target.sameFilesystemAs(staging)).isTrue();
    }

    @Test
    void theLastMountAtAPathIsTheVisibleOne() {
        MountTable table = MountTable.parse(TEXT);
        assertThat(table.at(Path.of("/mnt/bind")).orElseThrow().fsType()).isEqualTo("tmpfs");
        assertThat(table.at(Path.of("/mnt/none"))).isEmpty();
    }

    @Test
    void aBindOfASubdirectoryIsNotTheSameFilesystemView() {
        MountTable table = MountTable.parse(TEXT);
        MountPoint root = table.at(Path.of("/")).orElseThrow();
        MountPoint sub = table.all().get(3);
        assertThat(sub.sameFilesystemAs(root)).isFalse();
        assertThat(root.glusterPath()).isEmpty();
    }

    @Test
    void unescapeLeavesIncompleteEscapesAlone() {
        assertThat(MountTable.unescape("a\\134b\\011c\\01")).isEqualTo("a\\b\tc\\01");
    }
}
