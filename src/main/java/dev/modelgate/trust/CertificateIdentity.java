package dev.modelgate.trust;

import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Optional constraints on the signing certificate's identity, matched as full regular expressions:
 * the subject DN (RFC 2253 form, as Java prints it) and any one subject alternative name (email,
 * DNS name, URI). An empty pattern accepts anything. The reference enforces no identity for the
 * certificate method; policies use these to say which holder of a CA-issued certificate may sign.
 */
public record CertificateIdentity(String subjectRegExp, String sanRegExp) {
  public CertificateIdentity {
    Objects.requireNonNull(subjectRegExp, "subjectRegExp");
    Objects.requireNonNull(sanRegExp, "sanRegExp");
    requireRegex(subjectRegExp, "subject");
    requireRegex(sanRegExp, "SAN");
  }

  boolean subjectMatches(String subject) {
    return subjectRegExp.isEmpty() || Pattern.compile(subjectRegExp).matcher(subject).matches();
  }

  boolean anySanMatches(List<String> sans) {
    if (sanRegExp.isEmpty()) {
      return true;
    }
    Pattern p = Pattern.compile(sanRegExp);
    return sans.stream().anyMatch(s -> p.matcher(s).matches());
  }

  /**
   * Refuses a regular expression that does not compile, naming the field; "" (no constraint)
   * passes.
   */
  public static void requireRegex(String regex, String what) {
    try {
      Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new InvalidInputException(
          Reason.IDENTITY_MISMATCH,
          "the "
              + what
              + " regular expression '"
              + regex
              + "' does not compile: "
              + e.getDescription());
    }
  }
}
