package dev.modelgate.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The in-toto statement inside a signature file, read as model_signing's CLI tests read it ({@code
 * get_signed_files} and {@code get_model_name} in scripts/tests/functions,
 * sigstore/model-transparency @ e3430730): the resource names in payload order, and the subject's
 * name.
 */
public record BundlePayload(JsonNode statement) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public static BundlePayload of(Path signature) throws IOException {
    JsonNode bundle = JSON.readTree(Files.readAllBytes(signature));
    byte[] payload = Base64.getDecoder().decode(bundle.at("/dsseEnvelope/payload").asText());
    return new BundlePayload(JSON.readTree(payload));
  }

  public List<String> resourceNames() {
    List<String> names = new ArrayList<>();
    statement.at("/predicate/resources").forEach(r -> names.add(r.get("name").asText()));
    return names;
  }

  public String subjectName() {
    return statement.at("/subject/0/name").asText();
  }
}
