package dev.modelgate.admission.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.oci.OciReference;
import dev.modelgate.oci.RegistryClient;
import dev.modelgate.oci.RegistryCredentials;
import dev.modelgate.testing.Cli;
import dev.modelgate.testing.SignedModel;
import dev.modelgate.testing.TestModels;
import dev.modelgate.testing.TestRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The test registry with one signed model ({@code models/llama:1}) and a tampered copy carrying the
 * same signature ({@code models/llama-tampered:1}: config.json changed after signing), both pushed
 * with {@code modelgate push} as ModelPack artifacts (raw layers: verified from the manifest, 0
 * weight bytes).
 */
final class ServingRegistry implements AutoCloseable {
  final TestRegistry registry;
  final SignedModel signed;
  final String signedRef;
  final String tamperedRef;

  private ServingRegistry(TestRegistry registry, SignedModel signed) {
    this.registry = registry;
    this.signed = signed;
    this.signedRef = registry.host + "/models/llama:1";
    this.tamperedRef = registry.host + "/models/llama-tampered:1";
  }

  static ServingRegistry startOrSkip(Path tmp) throws Exception {
    TestRegistry registry =
        TestRegistry.startOrSkip(Files.createDirectories(tmp.resolve("registry")));
    SignedModel signed = SignedModel.create(Files.createDirectories(tmp.resolve("m")));
    ServingRegistry r = new ServingRegistry(registry, signed);
    push(signed.model, r.signedRef);
    Path copy = tmp.resolve("tampered");
    try (Stream<Path> files = Files.walk(signed.model)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        TestModels.write(
            copy.resolve(signed.model.relativize(f).toString()), Files.readAllBytes(f));
      }
    }
    TestModels.write(copy.resolve("config.json"), "{\"layers\": 666}\n");
    push(copy, r.tamperedRef);
    return r;
  }

  private static void push(Path model, String ref) {
    Cli.Result r = Cli.run("push", model, "oci://" + ref);
    assertThat(r.exitCode()).as(r.toString()).isZero();
  }

  /** The manifest digest a tag points at. */
  String digest(String ref) {
    return new RegistryClient(RegistryCredentials.NONE, Set.of())
        .manifest(OciReference.parse(ref), Instant.now().plus(Duration.ofSeconds(10)))
        .digest()
        .toString();
  }

  @Override
  public void close() {
    registry.close();
  }
}
