package dev.modelgate.verify;

import dev.modelgate.oms.InTotoStatement;
import dev.modelgate.oms.SigstoreBundle;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Checks attestations about a verified model through the same steps as its signature: bundle,
 * envelope, the policy's authorities (any one of them is enough; which ones signed is kept for the
 * policy's per-attestation rules), then the statement and its subject. Each attestation gets its
 * own answer; one that fails a step is kept with its failures, so a denial can say why.
 */
final class AttestationCheck {
  /** Most attestation bundles read for one model. */
  static final int MAX_ATTESTATIONS = 64;

  private final BundleCheck bundles = new BundleCheck();
  private final EnvelopeCheck envelope = new EnvelopeCheck();
  private final AuthorityCheck authority = new AuthorityCheck();
  private final AttestationStatementCheck statement = new AttestationStatementCheck();

  /**
   * @param subjectDigests the digests ({@code sha256:<hex>}) an attestation may be about: the
   *     model's OMS root digest, and for an OCI artifact its manifest digest
   */
  List<VerifiedAttestation> check(
      List<AttestationSource> sources, Set<String> subjectDigests, List<Authority> authorities) {
    List<VerifiedAttestation> out = new ArrayList<>();
    for (AttestationSource s : sources.subList(0, Math.min(sources.size(), MAX_ATTESTATIONS))) {
      out.add(checkOne(s, subjectDigests, authorities));
    }
    return out;
  }

  private VerifiedAttestation checkOne(
      AttestationSource source, Set<String> subjectDigests, List<Authority> authorities) {
    StepOutcome<SigstoreBundle> parsed =
        StepOutcome.run("attestation bundle", () -> bundles.parse(source.bytes().toArray()));
    if (!(parsed instanceof StepOutcome.Passed<SigstoreBundle> p)) {
      return VerifiedAttestation.refused(source.name(), parsed.failures());
    }
    StepOutcome<SigstoreBundle> env =
        StepOutcome.run("attestation envelope", () -> envelope.check(p.value()));
    if (!(env instanceof StepOutcome.Passed<SigstoreBundle> e)) {
      return VerifiedAttestation.refused(source.name(), env.failures());
    }
    StepOutcome<VerifiedSigners> signed =
        StepOutcome.run("attestation signer", () -> authority.signers(e.value(), authorities));
    if (!(signed instanceof StepOutcome.Passed<VerifiedSigners> s)) {
      return VerifiedAttestation.refused(source.name(), signed.failures());
    }
    StepOutcome<InTotoStatement> read =
        StepOutcome.run("attestation statement", () -> statement.check(s.value()));
    if (!(read instanceof StepOutcome.Passed<InTotoStatement> st)) {
      return VerifiedAttestation.refused(source.name(), read.failures());
    }
    List<String> signers = s.value().authorities();
    var notAbout = statement.about(st.value(), subjectDigests);
    return notAbout.isEmpty()
        ? VerifiedAttestation.verified(
            source.name(), st.value(), signers, s.value().signer(), s.value().bundle().digest())
        : VerifiedAttestation.refused(source.name(), st.value(), signers, notAbout);
  }
}
