package dev.modelgate.admission;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelgate.admission.runtimeargs.ModelcarCommand;
import dev.modelgate.core.Failure;
import dev.modelgate.core.Reason;
import dev.modelgate.policy.ModelVerdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A KServe modelcar shows the serving container one directory of its image through a link its
 * command makes: {@code sh -c 'ln -sf /proc/$$$$/root/models <path> && sleep infinity'}, with
 * {@code mkdir -p <parent> && } before it when the path is not the default (kserve/kserve
 * pkg/utils/storage.go modelcarCommand and CreateModelcarContainer @aaac4e29: args only, no
 * command). The server reads through the link, so the link must name the directory that was
 * verified ({@code verification.imageModelPath}) and the command must be KServe's and nothing else:
 * another script could link another directory of the image, or write into the verified one in the
 * running container, and a {@code command} replaces what runs those args.
 */
final class ModelcarLinks {
  private static final Pattern CONTAINER_IMAGE =
      Pattern.compile("(?:^|\\.)containers\\[(\\d+)\\]\\.image$");

  private ModelcarLinks() {}

  /**
   * MOUNT_OUTSIDE_MODEL for each modelcar container of the verdict's model, an image verified only
   * at its directory {@code v.imageDirectory()}, that shows the server anything else. (An image or
   * artifact verified whole is not judged here: every directory of it was verified.)
   */
  static List<Failure> check(JsonNode podSpec, ModelVerdict v, String policy) {
    List<String> fields = new ArrayList<>(List.of(v.model().field()));
    fields.addAll(v.model().alsoNamedAt());
    List<Failure> out = new ArrayList<>();
    for (String field : fields) {
      Matcher at = CONTAINER_IMAGE.matcher(field);
      if (!at.find()) {
        continue;
      }
      JsonNode c = podSpec.path("containers").path(Integer.parseInt(at.group(1)));
      String name = c.path("name").asText();
      if (!name.startsWith("modelcar")) {
        continue;
      }
      Optional<ModelcarCommand> command = ModelcarCommand.of(c);
      boolean kserve = command.isPresent();
      String linked = kserve ? command.get().imageDirectory() : null;
      if (!kserve) {
        out.add(
            Failure.of(
                Reason.MOUNT_OUTSIDE_MODEL,
                "modelcar container '%s' does not run KServe's modelcar command (args: [sh, -c, 'ln -sf /proc/$$$$/root%s <path> && sleep infinity'], no command), so what it shows the server of image %s is not known to be what policy %s verified",
                name,
                v.imageDirectory().get(),
                v.model().uri(),
                policy));
      } else if (!linked.equals(v.imageDirectory().get())) {
        out.add(
            Failure.of(
                Reason.MOUNT_OUTSIDE_MODEL,
                "modelcar container '%s' links /proc/$$/root%s of image %s for the server, but policy %s verified only its directory %s (verification.imageModelPath)",
                name,
                linked,
                v.model().uri(),
                policy,
                v.imageDirectory().get()));
      }
    }
    return out;
  }
}
