package dev.modelgate.testing;

import dev.modelgate.oms.BundleParser;
import dev.modelgate.oms.BundleWriter;
import dev.modelgate.oms.DsseEnvelope;
import dev.modelgate.oms.Pae;
import dev.modelgate.oms.SigstoreBundle;
import dev.modelgate.trust.PublicKeyHint;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Signature;

/**
 * Sigstore bundles of the {@code key} method over chosen payload bytes, signed by a test key as
 * model_signing's {@code sign key} writes them (ECDSA over the DSSE PAE, public-key hint).
 */
public final class KeyBundles {
  private KeyBundles() {}

  /** The bundle JSON over {@code payload} (exact bytes), signed with the DSSE v1 PAE. */
  public static byte[] sign(KeyPair keys, byte[] payload) {
    return sign(keys, payload, Pae.encode(DsseEnvelope.IN_TOTO_PAYLOAD_TYPE, payload));
  }

  /** The bundle JSON over {@code payload}, whose signature covers {@code signed} instead. */
  public static byte[] sign(KeyPair keys, byte[] payload, byte[] signed) {
    return BundleWriter.withPublicKeyHint(
        PublicKeyHint.of(keys.getPublic()), payload, signature(keys, signed));
  }

  public static byte[] sign(KeyPair keys, String payload) {
    return sign(keys, payload.getBytes(StandardCharsets.UTF_8));
  }

  /** The bundle, parsed as the pipeline's bundle step parses it. */
  public static SigstoreBundle parsed(byte[] bundle) {
    return new BundleParser().parse(bundle);
  }

  public static byte[] signature(KeyPair keys, byte[] data) {
    try {
      Signature s = Signature.getInstance("SHA256withECDSA");
      s.initSign(keys.getPrivate());
      s.update(data);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
