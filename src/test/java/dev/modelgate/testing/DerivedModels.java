package dev.modelgate.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

/**
 * Models for lineage tests, made with ModelGate's own commands: a one-file model signed with a key,
 * and SLSA provenance v1 attested about a model, naming its base by URI and sha256 digest (the
 * {@code resolvedDependencies} shape of {@code https://slsa.dev/provenance/v1}).
 */
public final class DerivedModels {
  private DerivedModels() {}

  /** {@code dir/models/name/model.safetensors} holding {@code weights}, signed with {@code key}. */
  public static Path signed(Path dir, String name, String weights, Path key) {
    Path model =
        TestModels.write(dir.resolve("models/" + name + "/model.safetensors"), weights).getParent();
    assertThat(Cli.run("sign", model, "--private-key", key).exitCode()).isZero();
    return model;
  }

  /** The OMS root digest of {@code model}, as hex. */
  public static String digestHex(Path model) {
    return Cli.run("digest", model).out().trim().substring("sha256:".length());
  }

  /** Attests that {@code model} was derived from {@code baseUri} with {@code digestHex}. */
  public static void derivedFrom(Path model, Path key, String baseUri, String digestHex) {
    Path predicate =
        TestModels.write(
            model.resolveSibling(model.getFileName() + "-provenance.json"),
            "{\"buildDefinition\": {\"buildType\": \"https://example.com/fine-tune/v1\", \"resolvedDependencies\": ["
                + "{\"uri\": \""
                + baseUri
                + "\", \"digest\": {\"sha256\": \""
                + digestHex
                + "\"}}]}}");
    Cli.Result r =
        Cli.run(
            "attest",
            model,
            "--predicate-type",
            "https://slsa.dev/provenance/v1",
            "--predicate",
            predicate,
            "--private-key",
            key);
    assertThat(r.exitCode()).as(r.toString()).isZero();
  }
}
