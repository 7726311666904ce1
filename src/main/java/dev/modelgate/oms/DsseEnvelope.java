package dev.modelgate.oms;

import dev.modelgate.core.Bytes;
import java.util.List;
import java.util.Objects;

/** A DSSE envelope: the payload bytes exactly as signed, their type, and the signatures. */
public record DsseEnvelope(String payloadType, Bytes payload, List<Signature> signatures) {
  public static final String IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";

  public DsseEnvelope {
    Objects.requireNonNull(payloadType, "payloadType");
    Objects.requireNonNull(payload, "payload");
    signatures = List.copyOf(signatures);
  }

  /** The bytes the signature covers (DSSE PAE). */
  public byte[] pae() {
    return Pae.encode(payloadType, payload.toArray());
  }

  /** One DSSE signature: the raw signature bytes and the optional, ignored key id. */
  public record Signature(Bytes sig, String keyid) {
    public Signature {
      Objects.requireNonNull(sig, "sig");
      Objects.requireNonNull(keyid, "keyid");
    }
  }
}
