package dev.modelgate.source;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The place in its volume a container mount shows, read as the kubelet reads {@code subPath}: it
 * joins it to the volume's directory with Go's {@code filepath.Join}, which drops empty and {@code
 * .} segments (kubernetes pkg/volume/util/subpath). The API server refuses an absolute subPath and
 * one with a {@code ..} segment (ValidateVolumeMounts, validateLocalDescendingPath); a review that
 * has one anyway (the CLI reads files, not reviews) {@link #stepsOut}, and nothing it shows is
 * judged inside a directory. A {@code subPathExpr} is expanded from the container's environment
 * only when it starts, so where it points cannot be told at admission.
 *
 * @param path the cleaned subPath, without leading or trailing {@code /} ("" for the root)
 * @param stepsOut whether the subPath has a {@code ..} segment
 * @param expression the mount's {@code subPathExpr}, or null when it has none
 */
public record MountSubPath(String path, boolean stepsOut, String expression) {
  public static MountSubPath of(JsonNode mount) {
    List<String> parts = new ArrayList<>();
    boolean up = false;
    for (String s : mount.path("subPath").asText("").split("/")) {
      up |= s.equals("..");
      if (!s.isEmpty() && !s.equals(".")) {
        parts.add(s);
      }
    }
    String expr = mount.has("subPathExpr") ? mount.path("subPathExpr").asText() : null;
    return new MountSubPath(String.join("/", parts), up, expr);
  }

  /** The mount shows {@code dir} ("" for the volume's root) or a directory below it. */
  public boolean within(String dir) {
    return expression == null
        && !stepsOut
        && (dir.isEmpty() || path.equals(dir) || path.startsWith(dir + "/"));
  }
}
