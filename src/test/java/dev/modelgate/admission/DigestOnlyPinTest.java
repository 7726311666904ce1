package dev.modelgate.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.source.OciVolumes;
import org.junit.jupiter.api.Test;

/**
 * The ModelPack CSI attribute is pinned without the tag: the driver's modctl fetches by the tag
 * when one is there (modelpack/modctl pkg/backend/pull.go, {@code FetchReference(ctx, ref.Tag())}),
 * so only a digest-only reference names the verified manifest to it.
 */
class DigestOnlyPinTest {
  static final String DIGEST =
      "@sha256:2b4e4ae601e0fc4c55945a6d390a234965e2399ff50308aee1b749c7d77daf86";

  @Test
  void theTagIsDroppedAndARegistryPortKept() {
    assertThat(OciVolumes.digestOnly("127.0.0.1:5000/models/qwen:v1" + DIGEST))
        .isEqualTo("127.0.0.1:5000/models/qwen" + DIGEST);
    assertThat(OciVolumes.digestOnly("ghcr.io/chlins/qwen2.5-0.5b:v1" + DIGEST))
        .isEqualTo("ghcr.io/chlins/qwen2.5-0.5b" + DIGEST);
  }

  @Test
  void aReferenceWithoutTagOrWithoutDigestIsUnchanged() {
    assertThat(OciVolumes.digestOnly("127.0.0.1:5000/models/qwen" + DIGEST))
        .isEqualTo("127.0.0.1:5000/models/qwen" + DIGEST);
    assertThat(OciVolumes.digestOnly("registry:5000/qwen:v1")).isEqualTo("registry:5000/qwen:v1");
  }
}
