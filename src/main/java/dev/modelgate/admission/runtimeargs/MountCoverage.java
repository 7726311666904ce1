package dev.modelgate.admission.runtimeargs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.source.ModelReference;
import dev.modelgate.source.ModelScheme;
import dev.modelgate.source.ModelUri;
import dev.modelgate.source.OciVolumes;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where an absolute path a runtime argument names lies for one container: inside a model ModelGate
 * already verifies (a volume model at or above it, an image volume, a KServe modelcar's shared
 * volume, KServe's {@code /mnt/models} on a template whose Pod KServe completes), on another volume
 * (an implicit {@code volume://} model), or in the container image. The path is normalised first
 * ({@code /mnt/models/../etc} is {@code /etc}), as the runtime's open() resolves it.
 */
final class MountCoverage {
  /**
   * KServe's model directory in its serving container (pkg/constants DefaultModelLocalMountPath).
   */
  static final String KSERVE_MODEL_DIR = "/mnt/models";

  private static final String KSERVE_SOURCE_URI =
      "internal.serving.kserve.io/storage-initializer-sourceuri";

  /** What a path is. Exactly one of the fields is set, in this order of precedence. */
  record Where(
      Optional<String> coveredBy,
      Optional<String> inModel,
      Optional<ModelUri> onVolume,
      String problem) {
    /** Inside model {@code model}, at a place in it not worked out (an image's own layout). */
    static Where covered(String model) {
      return new Where(Optional.of(model), Optional.empty(), Optional.empty(), "");
    }

    /** Inside model {@code model}, at {@code relative} below its directory ("" for the root). */
    static Where covered(String model, String relative) {
      return new Where(Optional.of(model), Optional.of(relative), Optional.empty(), "");
    }

    static Where volume(ModelUri uri) {
      return new Where(Optional.empty(), Optional.empty(), Optional.of(uri), "");
    }

    static Where problem(String why) {
      return new Where(Optional.empty(), Optional.empty(), Optional.empty(), why);
    }
  }

  private final JsonNode spec;
  private final List<ModelReference> models;

  MountCoverage(JsonNode spec, List<ModelReference> models) {
    this.spec = spec;
    this.models = models;
  }

  Where of(JsonNode container, String absolute) {
    String path = Path.of(absolute).normalize().toString();
    JsonNode best = null;
    for (JsonNode m : container.path("volumeMounts")) {
      String mp = trim(m.path("mountPath").asText());
      if ((path.equals(mp) || path.startsWith(mp + "/") || mp.isEmpty())
          && (best == null || mp.length() > trim(best.path("mountPath").asText()).length())) {
        best = m;
      }
    }
    if (best == null) {
      boolean kserveDir = path.equals(KSERVE_MODEL_DIR) || path.startsWith(KSERVE_MODEL_DIR + "/");
      String below = below(path, KSERVE_MODEL_DIR);
      if (kserveDir && kserveCompletesPod()) {
        return Where.covered("kserve-storage", below);
      }
      Optional<String> car = modelcar();
      if (kserveDir && car.isPresent()) {
        // KServe's modelcar links its image's /models to /mnt/models (pkg/utils/storage.go).
        return Where.covered(car.get(), below);
      }
      return Where.problem(
          path
              + " is on no volume of the container: it is in the container image, which ModelGate does not verify");
    }
    String volume = best.path("name").asText();
    if (best.has("subPathExpr")) {
      return Where.problem(
          path
              + " is on volume '"
              + volume
              + "' mounted with subPathExpr, which ModelGate cannot resolve at admission");
    }
    String rest =
        path.substring(Math.min(path.length(), trim(best.path("mountPath").asText()).length()));
    String inVolume =
        (best.path("subPath").asText("") + "/" + rest)
            .replaceAll("/+", "/")
            .replaceAll("^/|/$", "");
    JsonNode v = volume(volume);
    if (v.has("image") || OciVolumes.of(v).isPresent()) {
      return Where.covered(volume);
    }
    Optional<String> car = modelcarSharing(volume, inVolume);
    if (car.isPresent()) {
      return car.map(Where::covered).orElseThrow();
    }
    String claim = v.path("persistentVolumeClaim").path("claimName").asText("");
    for (ModelReference m : models) {
      Optional<ModelUri> at = m.placement().volume();
      if (at.isEmpty()) {
        continue;
      }
      boolean same =
          at.get().scheme() == ModelScheme.VOLUME
              ? at.get().location().equals(volume) || sameClaim(at.get().location(), claim)
              : !claim.isEmpty() && at.get().location().equals(claim);
      String p = at.get().path();
      if (same && (p.isEmpty() || inVolume.equals(p) || inVolume.startsWith(p + "/"))) {
        return Where.covered(m.name(), below(inVolume, p));
      }
    }
    try {
      return Where.volume(
          ModelUri.parse("volume://" + volume + (inVolume.isEmpty() ? "" : "/" + inVolume)));
    } catch (InvalidInputException e) {
      return Where.problem(e.getMessage());
    }
  }

  /**
   * A pod template KServe's pod webhook completes: it carries the storage URI annotation, and the
   * Pod's own review checks the volume at /mnt/models.
   */
  private boolean kserveCompletesPod() {
    return models.stream().anyMatch(m -> m.field().contains(KSERVE_SOURCE_URI));
  }

  /** A KServe modelcar container of the pod, if any. */
  private Optional<String> modelcar() {
    for (JsonNode c : spec.path("containers")) {
      if (c.path("name").asText().startsWith("modelcar")) {
        return Optional.of(c.path("name").asText());
      }
    }
    return Optional.empty();
  }

  /** The modelcar container that shares this volume (it links the image's /models there). */
  /**
   * The modelcar container whose link on this volume holds {@code inVolume}: KServe's modelcar
   * links its image's verified directory at one path of the volume it shares with the server
   * ({@link ModelcarCommand}), and only that path shows the model; the rest of the volume is
   * whatever else wrote it.
   */
  private Optional<String> modelcarSharing(String volume, String inVolume) {
    for (JsonNode c : spec.path("containers")) {
      if (!c.path("name").asText().startsWith("modelcar")) {
        continue;
      }
      Optional<ModelcarCommand> command = ModelcarCommand.of(c);
      for (JsonNode m : c.path("volumeMounts")) {
        if (!volume.equals(m.path("name").asText()) || command.isEmpty()) {
          continue;
        }
        String mount = trim(m.path("mountPath").asText());
        String link = Path.of(command.get().link()).normalize().toString();
        if (!(link.equals(mount) || link.startsWith(mount + "/")) || m.has("subPathExpr")) {
          continue;
        }
        String linkInVolume =
            (m.path("subPath").asText("") + "/" + link.substring(mount.length()))
                .replaceAll("/+", "/")
                .replaceAll("^/|/$", "");
        if (linkInVolume.isEmpty()
            || inVolume.equals(linkInVolume)
            || inVolume.startsWith(linkInVolume + "/")) {
          return Optional.of(c.path("name").asText());
        }
      }
    }
    return Optional.empty();
  }

  private boolean sameClaim(String otherVolume, String claim) {
    return !claim.isEmpty()
        && claim.equals(
            volume(otherVolume).path("persistentVolumeClaim").path("claimName").asText());
  }

  private JsonNode volume(String name) {
    for (JsonNode v : spec.path("volumes")) {
      if (name.equals(v.path("name").asText())) {
        return v;
      }
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

  private static String trim(String s) {
    return s.replaceAll("/+$", "");
  }

  /** {@code path} relative to {@code dir}, which holds it ("" when they are the same). */
  private static String below(String path, String dir) {
    String p = path.replaceAll("^/+|/+$", "");
    String d = dir.replaceAll("^/+|/+$", "");
    return d.isEmpty()
        ? p
        : p.equals(d) ? "" : p.startsWith(d + "/") ? p.substring(d.length() + 1) : p;
  }
}
