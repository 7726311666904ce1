package dev.modelgate.admission.runtimeargs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelgate.source.ModelReference;
import dev.modelgate.testing.KServePods;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * KServe's modelcar shares an emptyDir with the server (mounted at /mnt in both) and links its
 * image's /models at /mnt/models (kserve/kserve aaac4e294dae2c7b1aa1886447793f3aa1c30912,
 * pkg/utils/storage.go modelcarCommand): only the link shows the verified model; another path of
 * that emptyDir is whatever else wrote it, so a server argument there is a model of its own.
 */
class ModelcarCoverageTest {
  private static List<ModelReference> served(String model) {
    ObjectNode pod = KServePods.afterModelcar("registry.example/models/llm:v1");
    ObjectNode server = (ObjectNode) pod.at("/spec/containers/0");
    server.putArray("command").add("vllm").add("serve").add(model);
    return RuntimeSources.find(pod.get("spec"), "", List.of()).models();
  }

  @Test
  void aServerArgumentThroughTheModelcarsLinkIsCovered() {
    assertThat(served("/mnt/models")).isEmpty();
    assertThat(served("/mnt/models/tokenizer")).isEmpty();
  }

  @Test
  void aServerArgumentElsewhereOnTheSharedVolumeIsAModelOfItsOwn() {
    assertThat(served("/mnt/other"))
        .extracting(m -> m.uri().toString())
        .containsExactly("volume://kserve-provision-location/other");
  }
}
