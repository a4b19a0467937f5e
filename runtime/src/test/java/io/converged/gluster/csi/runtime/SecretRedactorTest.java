package io.converged.gluster.csi.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.converged.gluster.csi.v1.CreateVolumeRequest;
import io.converged.gluster.csi.v1.NodeStageVolumeRequest;
import org.junit.jupiter.api.Test;

class SecretRedactorTest {

    @Test
    void secretMapValuesAndKeysNeverAppear() {
        CreateVolumeRequest request = CreateVolumeRequest.newBuilder()
                .setName("pvc-1")
                .putParameters("replica", "3")
                .putSecrets("admin-key", "hunter2-value")
                .build();
        String text = SecretRedactor.render(request);
        assertThat(text).contains("pvc-1", "replica").doesNotContain("hunter2-value", "admin-key");
        assertThat(text).contains(SecretRedactor.PLACEHOLDER);
    }

    @Test
    void nodeSecretsAreStrippedButTheRestIsKept() {
        NodeStageVolumeRequest request = NodeStageVolumeRequest.newBuilder()
                .setVolumeId("vol-a")
                .setStagingTargetPath("/var/lib/kubelet/staging")
                .putSecrets("password", "s3cr3t")
                .putVolumeContext("glusterVolume", "vol-a")
                .build();
        String text = SecretRedactor.render(request);
        assertThat(text).contains("vol-a", "/var/lib/kubelet/staging", "glusterVolume").doesNotContain("s3cr3t");
    }

    @Test
    void aMessageWithoutSecretsIsUnchanged() {
        CreateVolumeRequest request = CreateVolumeRequest.newBuilder().setName("x").putParameters("a", "b").build();
        assertThat(SecretRedactor.redact(request)).isEqualTo(request);
    }

    @Test
    void theSecretOptionIsReadFromTheContract() {
        assertThat(SecretRedactor.isSecret(CreateVolumeRequest.getDescriptor().findFieldByName("secrets"))).isTrue();
        assertThat(SecretRedactor.isSecret(CreateVolumeRequest.getDescriptor().findFieldByName("parameters")))
                .isFalse();
    }
}
