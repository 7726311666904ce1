package dev.modelgate.cli;

import java.util.Set;

/**
 * model_signing's click CLI reads option and method names with '_' as '-' ({@code
 * token_normalize_func=lambda x: x.replace("_", "-")} in src/model_signing/_cli.py @ e3430730), and
 * its own test scripts write {@code --public_key}, {@code --identity_provider}. ModelGate reads
 * them the same way. Only names change: a value after {@code =} and everything after {@code --}
 * stay as given.
 */
final class OptionSpelling {
  private static final Set<String> METHODS =
      Set.of("key", "certificate", "sigstore", "pkcs11-key", "pkcs11-certificate");

  private OptionSpelling() {}

  static String[] normalised(String... args) {
    String[] out = args.clone();
    for (int i = 0; i < out.length; i++) {
      String a = out[i];
      if (a.equals("--")) {
        break;
      }
      if (a.startsWith("--")) {
        int eq = a.indexOf('=');
        out[i] =
            eq < 0 ? a.replace('_', '-') : a.substring(0, eq).replace('_', '-') + a.substring(eq);
      } else if (i == 1
          && (out[0].equals("sign") || out[0].equals("verify"))
          && METHODS.contains(a.replace('_', '-'))) {
        out[i] = a.replace('_', '-');
      }
    }
    return out;
  }
}
