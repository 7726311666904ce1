package dev.modelgate.verify;

import dev.modelgate.oms.HashedModel;
import dev.modelgate.oms.OmsStatement;
import dev.modelgate.oms.SigstoreBundle;
import dev.modelgate.trust.SignatureVerifier;
import dev.modelgate.trust.SignerVerdict;

/**
 * What the checks of one verification share: the request and the trust side as given, and what
 * earlier checks established. Confined to the thread running the pipeline.
 */
final class VerificationContext {
  final VerificationRequest request;
  final SignatureVerifier verifier;
  SigstoreBundle bundle;
  SignerVerdict.Verified signer;
  OmsStatement statement;
  HashedModel hashed;
  long filesChecked;
  long bytesHashed;

  VerificationContext(VerificationRequest request, SignatureVerifier verifier) {
    this.request = request;
    this.verifier = verifier;
  }
}
