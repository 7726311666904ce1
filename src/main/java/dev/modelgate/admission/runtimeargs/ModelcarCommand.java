package dev.modelgate.admission.runtimeargs;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * KServe's modelcar command, read back from a container: {@code sh -c '(mkdir -p P && )?ln -sf
 * /proc/$$$$/root/DIR LINK && sleep infinity'} as args with no command (kserve/kserve
 * pkg/utils/storage.go modelcarCommand and CreateModelcarContainer @aaac4e29). Empty for anything
 * else: what another command shows the server is not known.
 */
public record ModelcarCommand(String imageDirectory, String link) {
  private static final Pattern KSERVE =
      Pattern.compile(
          "(?:mkdir -p \\S+ && )?ln -sf /proc/\\$\\$\\$\\$/root(/\\S*) (\\S+) && sleep infinity");

  public static Optional<ModelcarCommand> of(JsonNode container) {
    JsonNode args = container.path("args");
    boolean noCommand =
        container.path("command").isMissingNode() || container.path("command").isEmpty();
    if (!noCommand
        || args.size() != 3
        || !args.get(0).asText().equals("sh")
        || !args.get(1).asText().equals("-c")) {
      return Optional.empty();
    }
    Matcher m = KSERVE.matcher(args.get(2).asText());
    if (!m.matches()) {
      return Optional.empty();
    }
    return Optional.of(
        new ModelcarCommand(
            m.group(1).replaceAll("(?<=.)/+$", ""), m.group(2).replaceAll("(?<=.)/+$", "")));
  }
}
