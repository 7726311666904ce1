package dev.modelgate.bom;

import dev.modelgate.core.Failure;
import dev.modelgate.trust.Signer;
import dev.modelgate.verify.VerificationResult;
import dev.modelgate.verify.VerifiedAttestation;
import java.util.ArrayList;
import java.util.List;
import org.cyclonedx.model.Property;

/**
 * The {@code modelgate:} property namespace of ModelGate's BOMs (docs/bom.md): names are stable
 * once published; values are strings. CycloneDX allows a name more than once, so lists are repeated
 * properties. Names that carry a policy or an attestation include its name or bundle digest, so
 * properties of several stay apart.
 */
public final class BomProperties {
  public static final String NS = "modelgate:";
  public static final String VERIFIED = NS + "verified";
  public static final String SOURCE = NS + "source";
  public static final String VERIFICATION_TIME = NS + "verification:time";
  public static final String FAILURE = NS + "verification:failure";
  public static final String SIGNER_IDENTITY = NS + "signer:identity";
  public static final String SIGNER_METHOD = NS + "signer:method";
  public static final String SIGNER_ISSUER = NS + "signer:issuer";
  public static final String SIGNER_SAN = NS + "signer:san";
  public static final String SIGNER_TIME = NS + "signer:time";
  public static final String BUNDLE_DIGEST = NS + "signature:bundleDigest";
  public static final String ROOT_DIGEST = NS + "digest:omsRoot";
  public static final String MANIFEST_DIGEST = NS + "digest:ociManifest";
  public static final String POLICY = NS + "policy";
  public static final String LINEAGE_DEPTH = NS + "lineage:depth";
  public static final String SHARD = NS + "shard";
  public static final String ATTESTATION = NS + "attestation";

  private BomProperties() {}

  /** {@code modelgate:policy:<name>:<field>}: one field of one policy's judgement. */
  public static String policy(String name, String field) {
    return POLICY + ":" + name + ":" + field;
  }

  /** {@code modelgate:attestation:<bundle digest>:<field>}: one field of one attestation. */
  public static String attestation(String bundleDigest, String field) {
    return ATTESTATION + ":" + bundleDigest + ":" + field;
  }

  /** The verification evidence of one model (or base model) as properties, in a stable order. */
  static List<Property> of(ModelEvidence e) {
    List<Property> out = new ArrayList<>();
    VerificationResult r = e.result();
    add(out, VERIFIED, String.valueOf(e.verified()));
    add(out, SOURCE, e.source());
    add(out, VERIFICATION_TIME, e.verifiedAt().toString());
    if (e.depth() > 0) {
      add(out, LINEAGE_DEPTH, String.valueOf(e.depth()));
    }
    r.signer().ifPresent(s -> signer(out, "", s));
    r.manifest().ifPresent(m -> add(out, BUNDLE_DIGEST, m.bundleDigest()));
    r.rootDigest().ifPresent(d -> add(out, ROOT_DIGEST, d.toString()));
    r.resolvedDigest().ifPresent(d -> add(out, MANIFEST_DIGEST, d));
    for (PolicyEvidence p : e.policies()) {
      add(out, POLICY, p.name());
      add(out, policy(p.name(), "result"), p.passed() ? "pass" : "fail");
      addIf(out, policy(p.name(), "mode"), p.mode());
      addIf(out, policy(p.name(), "identity"), p.identity());
      addIf(out, policy(p.name(), "trustRoot"), p.trustRoot());
      for (String a : p.authorities()) {
        add(out, policy(p.name(), "authority"), a.isEmpty() ? PolicyEvidence.COMMAND_LINE : a);
      }
      for (String a : p.heldAttestations()) {
        add(out, policy(p.name(), "attestationRule"), a);
      }
    }
    for (Failure f : e.failures()) {
      add(out, FAILURE, f.toString());
    }
    for (VerifiedAttestation a : r.attestations()) {
      attestation(out, a);
    }
    return out;
  }

  private static void attestation(List<Property> out, VerifiedAttestation a) {
    if (!a.verified() || a.bundleDigest().isEmpty()) {
      return;
    }
    add(out, ATTESTATION, a.bundleDigest());
    add(out, attestation(a.bundleDigest(), "predicateType"), a.predicateType().orElse(""));
    add(out, attestation(a.bundleDigest(), "source"), a.source());
    a.signer().ifPresent(s -> signer(out, attestation(a.bundleDigest(), ""), s));
  }

  /** The signer's fields, under {@code prefix} (an attestation's) or the model's own names. */
  private static void signer(List<Property> out, String prefix, Signer s) {
    String identity = prefix.isEmpty() ? SIGNER_IDENTITY : prefix + "signer:identity";
    add(out, identity, s.identity());
    add(out, prefix.isEmpty() ? SIGNER_METHOD : prefix + "signer:method", s.method().label());
    if (!s.issuer().isEmpty()) {
      add(out, prefix.isEmpty() ? SIGNER_ISSUER : prefix + "signer:issuer", s.issuer());
    }
    for (String san : s.subjectAlternativeNames()) {
      add(out, prefix.isEmpty() ? SIGNER_SAN : prefix + "signer:san", san);
    }
    s.signingTime()
        .ifPresent(
            t -> add(out, prefix.isEmpty() ? SIGNER_TIME : prefix + "signer:time", t.toString()));
  }

  static void add(List<Property> out, String name, String value) {
    out.add(new Property(name, value));
  }

  private static void addIf(List<Property> out, String name, String value) {
    if (!value.isEmpty()) {
      add(out, name, value);
    }
  }
}
