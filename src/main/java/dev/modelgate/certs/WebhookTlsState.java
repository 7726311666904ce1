package dev.modelgate.certs;

import java.io.ByteArrayOutputStream;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the webhook's TLS Secret holds: the current CA, optionally a staged next CA (trusted, not
 * yet signing) or a retiring previous CA (still trusted, no longer signing), and the serving
 * certificate, which the current CA signed. The caBundle the API server gets trusts all CAs
 * present.
 */
public record WebhookTlsState(
    KeyAndCertificate authority,
    Optional<KeyAndCertificate> nextAuthority,
    Optional<X509Certificate> retiringAuthority,
    KeyAndCertificate serving) {
  public static final String CA_CERT = "ca.crt";
  public static final String CA_KEY = "ca.key";
  public static final String NEXT_CA_CERT = "ca-next.crt";
  public static final String NEXT_CA_KEY = "ca-next.key";
  public static final String RETIRING_CA_CERT = "ca-retiring.crt";
  public static final String TLS_CERT = "tls.crt";
  public static final String TLS_KEY = "tls.key";

  public WebhookTlsState {
    if (authority == null
        || serving == null
        || nextAuthority == null
        || retiringAuthority == null) {
      throw new IllegalArgumentException(
          "a webhook TLS state needs a CA and a serving certificate");
    }
    if (nextAuthority.isPresent() && retiringAuthority.isPresent()) {
      throw new IllegalArgumentException(
          "a CA rotation is either staged or retiring the old CA, not both");
    }
  }

  public static WebhookTlsState fresh(KeyAndCertificate authority, KeyAndCertificate serving) {
    return new WebhookTlsState(authority, Optional.empty(), Optional.empty(), serving);
  }

  /** True when the Secret has no certificate data yet (as created empty, or never written). */
  public static boolean isEmpty(Map<String, byte[]> data) {
    return data == null || !data.containsKey(CA_CERT) && !data.containsKey(TLS_CERT);
  }

  /** Reads the Secret's data; anything incomplete or inconsistent is refused with the key named. */
  public static WebhookTlsState parse(Map<String, byte[]> data) {
    if (isEmpty(data)) {
      throw new TlsDataException("the webhook TLS Secret holds no certificates");
    }
    KeyAndCertificate ca =
        KeyAndCertificate.parse(
            "CA (" + CA_CERT + "/" + CA_KEY + ")", data.get(CA_CERT), data.get(CA_KEY));
    KeyAndCertificate serving =
        KeyAndCertificate.parse(
            "serving (" + TLS_CERT + "/" + TLS_KEY + ")", data.get(TLS_CERT), data.get(TLS_KEY));
    Optional<KeyAndCertificate> next =
        data.containsKey(NEXT_CA_CERT)
            ? Optional.of(
                KeyAndCertificate.parse(
                    "next CA (" + NEXT_CA_CERT + "/" + NEXT_CA_KEY + ")",
                    data.get(NEXT_CA_CERT),
                    data.get(NEXT_CA_KEY)))
            : Optional.empty();
    Optional<X509Certificate> retiring =
        data.containsKey(RETIRING_CA_CERT)
            ? Optional.of(
                KeyAndCertificate.certificates(
                        "retiring CA (" + RETIRING_CA_CERT + ")", data.get(RETIRING_CA_CERT))
                    .get(0))
            : Optional.empty();
    try {
      return new WebhookTlsState(ca, next, retiring, serving);
    } catch (IllegalArgumentException e) {
      throw new TlsDataException("the webhook TLS Secret is inconsistent: " + e.getMessage());
    }
  }

  public Map<String, byte[]> toData() {
    Map<String, byte[]> d = new LinkedHashMap<>();
    d.put(CA_CERT, authority.certificatePem());
    d.put(CA_KEY, authority.keyPem());
    nextAuthority.ifPresent(
        n -> {
          d.put(NEXT_CA_CERT, n.certificatePem());
          d.put(NEXT_CA_KEY, n.keyPem());
        });
    retiringAuthority.ifPresent(r -> d.put(RETIRING_CA_CERT, KeyAndCertificate.pem(r)));
    d.put(TLS_CERT, serving.certificatePem());
    d.put(TLS_KEY, serving.keyPem());
    return d;
  }

  /** Every CA the API server must trust now, current first. */
  public List<X509Certificate> trustedAuthorities() {
    List<X509Certificate> all = new ArrayList<>();
    all.add(authority.certificate());
    nextAuthority.ifPresent(n -> all.add(n.certificate()));
    retiringAuthority.ifPresent(all::add);
    return all;
  }

  /** The PEM caBundle for the webhook configurations. */
  public byte[] caBundle() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    trustedAuthorities().forEach(c -> out.writeBytes(KeyAndCertificate.pem(c)));
    return out.toByteArray();
  }
}
