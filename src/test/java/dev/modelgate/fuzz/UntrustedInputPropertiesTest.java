package dev.modelgate.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.admission.AdmissionReviewParser;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.oci.OciReference;
import dev.modelgate.oms.BundleParser;
import dev.modelgate.oms.RelativePath;
import dev.modelgate.oms.ResourceKey;
import dev.modelgate.oms.StatementParser;
import dev.modelgate.source.ModelUri;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Parsers of untrusted input, fed generated input: each either accepts it or refuses it with an
 * {@link InvalidInputException} (a reason for the user), never any other exception, and what they
 * accept is safe. Seeds are fixed so CI is reproducible; change or remove them to explore further
 * (many random seeds passed when this was written).
 */
class UntrustedInputPropertiesTest {

  @Provide
  Arbitrary<String> pathLike() {
    return Arbitraries.strings().withChars("ab./\\:\u0000 é").ofMaxLength(24);
  }

  @Provide
  Arbitrary<String> jsonLike() {
    return Arbitraries.strings()
        .withChars("{}[]\":,0123456789abcdefghijklmnopqrstuvwxyz_.-/ ")
        .ofMaxLength(200)
        .injectDuplicates(0.1)
        .edgeCases(
            e ->
                e.add(
                    "{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\",\"verificationMaterial\":{}}"));
  }

  private static <T> T acceptOrRefuse(Supplier<T> parse) {
    try {
      return parse.get();
    } catch (InvalidInputException e) {
      assertThat(e.getMessage()).isNotBlank();
      return null;
    }
  }

  @Property(tries = 2000, seed = "20261130")
  void relativePathsThatParseNeverEscapeTheRoot(@ForAll("pathLike") String s) {
    RelativePath p = acceptOrRefuse(() -> RelativePath.parse(s));
    if (p != null) {
      assertThat(p.value()).isEqualTo(s);
      assertThat(p.segments()).doesNotContain("..", "", ".");
      assertThat(p.value()).doesNotStartWith("/");
      assertThat(Path.of("/model").resolve(p.value()).normalize().startsWith("/model")).isTrue();
    }
  }

  @Property(tries = 2000, seed = "20261130")
  void shardNamesParseOrAreRefused(
      @ForAll("pathLike") String path, @ForAll long a, @ForAll long b) {
    ResourceKey k = acceptOrRefuse(() -> ResourceKey.parseShard(path + ":" + a + ":" + b));
    if (k != null) {
      assertThat(k.start()).isGreaterThanOrEqualTo(0);
      assertThat(k.end()).isGreaterThan(k.start());
    }
  }

  @Property(tries = 1000, seed = "20261130")
  void bundlesStatementsAndReviewsAreParsedOrRefused(@ForAll("jsonLike") String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    acceptOrRefuse(() -> new BundleParser().parse(bytes));
    acceptOrRefuse(() -> new StatementParser().parse(bytes));
    acceptOrRefuse(() -> new AdmissionReviewParser().parse(bytes));
  }

  @Property(tries = 2000, seed = "20261130")
  void referencesAndModelUrisAreParsedOrRefused(@ForAll("pathLike") String s) {
    acceptOrRefuse(() -> OciReference.parse(s));
    for (String scheme : new String[] {"oci://", "pvc://", "volume://", "file://", "s3://"}) {
      ModelUri u = acceptOrRefuse(() -> ModelUri.parse(scheme + s));
      if (u != null) {
        assertThat(ModelUri.parse(u.toString())).isEqualTo(u);
        assertThat(u.path()).doesNotContain("/../");
      }
    }
  }
}
