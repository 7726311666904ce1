package dev.modelgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import dev.modelgate.core.StrictJson;
import dev.modelgate.oms.ManifestBuilder;
import dev.modelgate.verify.LocalAttestations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code modelgate attest}: sign an in-toto attestation about a model (its subject is the model's
 * OMS root digest, the one {@code digest} prints), as a Sigstore bundle written next to the model
 * (or pushed as a referrer with {@code push --attestation}).
 */
@Command(
    name = "attest",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Sign an in-toto Statement v1 about a model: subject = the model's OMS root digest.",
      "Written by default to <model>.attestations/<predicate>.sigstore.json, where verification looks for it."
    })
final class AttestCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "MODEL", description = "The model directory (or file).")
  Path model;

  @Option(
      names = "--predicate-type",
      required = true,
      paramLabel = "URI",
      description =
          "The predicate type, e.g. https://example.com/evaluation/v1 or https://slsa.dev/provenance/v1.")
  String predicateType;

  @Option(
      names = "--predicate",
      required = true,
      paramLabel = "JSON",
      description = "A file holding the predicate (a JSON object).")
  Path predicate;

  @Mixin SignerOptions signer;

  @Option(
      names = "--signature",
      paramLabel = "FILE",
      description =
          "The model's signature file, left out of the digest when inside the model (default: model.sig).")
  Path signature;

  @Option(names = "--output", paramLabel = "FILE", description = "Where to write the bundle.")
  Path output;

  @Mixin FileRuleOptions files;

  @Mixin HashOptions hash;

  @Override
  public Integer call() throws IOException {
    JsonNode predicateJson =
        StrictJson.forDocument(Reason.STATEMENT_MALFORMED, "predicate " + predicate)
            .parse(read(predicate));
    if (!predicateJson.isObject()) {
      throw new InvalidInputException(
          Reason.STATEMENT_MALFORMED, "predicate " + predicate + " is not a JSON object");
    }
    ManifestBuilder.Manifest m = SigningInputs.manifest(model, signature, files, hash, spec);
    Map<String, Object> statement = new LinkedHashMap<>();
    statement.put("_type", "https://in-toto.io/Statement/v1");
    statement.put(
        "subject",
        List.of(Map.of("name", m.subjectName(), "digest", Map.of("sha256", m.rootDigest().hex()))));
    statement.put("predicateType", predicateType);
    statement.put("predicate", predicateJson);
    byte[] payload =
        StrictJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(statement);
    byte[] bundle = signer.bundle(payload);
    Path out =
        output != null
            ? output
            : LocalAttestations.directoryFor(model).resolve(slug(predicateType) + ".sigstore.json");
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.write(out, bundle);
    spec.commandLine()
        .getErr()
        .printf("Attested %s (%s, subject %s) -> %s%n", model, predicateType, m.rootDigest(), out);
    return ExitCode.OK;
  }

  static String slug(String predicateType) {
    String s = predicateType.replaceFirst("^https?://", "").replaceAll("[^A-Za-z0-9._-]+", "_");
    return s.length() > 100 ? s.substring(s.length() - 100) : s;
  }

  private static byte[] read(Path p) {
    try {
      if (Files.size(p) > 16 * 1024 * 1024) {
        throw new InvalidInputException(
            Reason.LIMIT_EXCEEDED, "predicate " + p + " is larger than 16 MiB");
      }
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new InvalidInputException(
          Reason.NOT_FOUND, "predicate " + p + " cannot be read: " + e.getMessage(), e);
    }
  }
}
