package dev.modelgate.verify;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Limits;
import dev.modelgate.core.Reason;
import dev.modelgate.core.StrictJson;
import dev.modelgate.oms.BundleParser;
import dev.modelgate.oms.DsseEnvelope;
import dev.modelgate.oms.SigstoreBundle;
import dev.modelgate.trust.PaeForm;
import dev.modelgate.trust.SignerVerdict;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Finds and checks attestations about a model: Sigstore bundles whose DSSE payload is an in-toto
 * Statement v1 with a subject digest equal to the model's OMS root digest (or, for OCI artifacts,
 * its manifest digest), each checked against every authority of the policy.
 *
 * <p>Local convention: the bundles are the {@code *.json} files in the directory {@code
 * <model>.attestations} next to the model directory, outside the signed files (so adding one never
 * invalidates the model's signature). {@code modelgate attest} writes there by default.
 */
public final class AttestationCollector {
  /** Most attestation bundles read for one model. */
  public static final int MAX_ATTESTATIONS = 64;

  public static final String SUFFIX = ".attestations";

  private AttestationCollector() {}

  public static Path directoryFor(Path model) {
    Path abs = model.toAbsolutePath().normalize();
    return abs.resolveSibling(abs.getFileName() + SUFFIX);
  }

  /** The bundles of the local convention, as raw bytes (each at most the bundle size limit). */
  public static List<Source> local(Path model) {
    Path dir = directoryFor(model);
    List<Source> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> s = Files.list(dir)) {
      for (Path f :
          s.filter(p -> p.getFileName().toString().endsWith(".json"))
              .sorted()
              .limit(MAX_ATTESTATIONS)
              .toList()) {
        if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)
            && Files.size(f) <= Limits.MAX_BUNDLE_BYTES) {
          out.add(new Source(f.toString(), Files.readAllBytes(f)));
        }
      }
    } catch (IOException e) {
      out.add(new Source(dir.toString(), new byte[0]));
    }
    return out;
  }

  /** A bundle and where it came from. */
  public record Source(String name, byte[] bytes) {}

  public static List<VerifiedAttestation> check(
      List<Source> sources, Set<String> subjectDigests, List<Authority> authorities) {
    List<VerifiedAttestation> out = new ArrayList<>();
    for (Source s : sources) {
      out.add(checkOne(s, subjectDigests, authorities));
    }
    return out;
  }

  private static VerifiedAttestation checkOne(
      Source s, Set<String> subjectDigests, List<Authority> authorities) {
    List<String> problems = new ArrayList<>();
    SigstoreBundle bundle;
    try {
      bundle = new BundleParser().parse(s.bytes());
    } catch (InvalidInputException e) {
      return new VerifiedAttestation(s.name(), "", "", List.of(), List.of(e.getMessage()));
    }
    DsseEnvelope env = bundle.envelope();
    String statement = new String(env.payload().toArray(), StandardCharsets.UTF_8);
    String predicateType = "";
    try {
      StrictJson json = StrictJson.forDocument(Reason.STATEMENT_MALFORMED, "attestation statement");
      JsonNode st = json.parse(env.payload().toArray());
      if (!"https://in-toto.io/Statement/v1".equals(st.path("_type").asText())) {
        problems.add("is not an in-toto Statement v1");
      }
      predicateType = st.path("predicateType").asText("");
      boolean about = false;
      for (JsonNode subj : st.path("subject")) {
        about |= subjectDigests.contains("sha256:" + subj.path("digest").path("sha256").asText());
      }
      if (!about) {
        problems.add(
            "is about another subject (expected digest "
                + String.join(" or ", subjectDigests)
                + ")");
      }
      if (!st.path("predicate").isObject()) {
        problems.add("has no predicate object");
      }
    } catch (InvalidInputException e) {
      problems.add(e.getMessage());
    }
    if (!DsseEnvelope.IN_TOTO_PAYLOAD_TYPE.equals(env.payloadType())) {
      problems.add("has payloadType " + env.payloadType());
    }
    List<String> signedBy = new ArrayList<>();
    if (problems.isEmpty()) {
      for (Authority a : authorities) {
        SignerVerdict v = a.verifier().verify(bundle);
        // The model_signing v0.2 encoding is a quirk of the legacy model-signature predicate only.
        if (v instanceof SignerVerdict.Verified verified
            && verified.paeForm() == PaeForm.STANDARD) {
          signedBy.add(a.name());
        }
      }
      if (signedBy.isEmpty()) {
        problems.add("is signed by none of the policy's authorities");
      }
    }
    return new VerifiedAttestation(
        s.name(), predicateType, problems.isEmpty() ? statement : "", signedBy, problems);
  }
}
