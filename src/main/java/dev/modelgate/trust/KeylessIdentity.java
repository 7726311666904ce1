package dev.modelgate.trust;

import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Who may sign keylessly: an OIDC issuer and a subject (a certificate SAN: email, URI, or Fulcio's
 * username other-name), each given exactly or as a regular expression that must match the whole
 * value (not a substring). Exactly one of {@code issuer}/{@code issuerRegExp} and one of {@code
 * subject}/{@code subjectRegExp} is set.
 */
public record KeylessIdentity(
    String issuer, String issuerRegExp, String subject, String subjectRegExp) {
  public KeylessIdentity {
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(issuerRegExp, "issuerRegExp");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(subjectRegExp, "subjectRegExp");
    if (issuer.isEmpty() == issuerRegExp.isEmpty()) {
      throw new InvalidInputException(
          Reason.IDENTITY_MISMATCH,
          "a keyless identity needs exactly one of issuer and issuerRegExp");
    }
    if (subject.isEmpty() == subjectRegExp.isEmpty()) {
      throw new InvalidInputException(
          Reason.IDENTITY_MISMATCH,
          "a keyless identity needs exactly one of subject and subjectRegExp");
    }
    CertificateIdentity.requireRegex(issuerRegExp, "issuer");
    CertificateIdentity.requireRegex(subjectRegExp, "subject");
  }

  public static KeylessIdentity exact(String issuer, String subject) {
    return new KeylessIdentity(issuer, "", subject, "");
  }

  boolean matches(FulcioIdentity found) {
    boolean issuerOk =
        issuer.isEmpty()
            ? Pattern.compile(issuerRegExp).matcher(found.issuer()).matches()
            : issuer.equals(found.issuer());
    if (!issuerOk) {
      return false;
    }
    List<String> sans = found.subjectAlternativeNames();
    return subject.isEmpty()
        ? sans.stream().anyMatch(s -> Pattern.compile(subjectRegExp).matcher(s).matches())
        : sans.contains(subject);
  }

  @Override
  public String toString() {
    String i = issuer.isEmpty() ? "issuer ~ '" + issuerRegExp + "'" : "issuer '" + issuer + "'";
    String s =
        subject.isEmpty() ? "subject ~ '" + subjectRegExp + "'" : "subject '" + subject + "'";
    return s + " from " + i;
  }
}
