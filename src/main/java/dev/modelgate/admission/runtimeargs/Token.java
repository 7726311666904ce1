package dev.modelgate.admission.runtimeargs;

import java.util.Objects;

/**
 * One word of a container's command line after Kubernetes (and, inside {@code sh -c}, shell)
 * expansion, and where it came from. {@code unseen} names the variable whose value ModelGate cannot
 * see (a {@code valueFrom}, an {@code envFrom} source, a positional shell parameter); empty when
 * the text is exactly what the process receives.
 *
 * @param field the pod spec field it was read from, for messages
 */
record Token(String text, String unseen, String field) {
  Token {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(unseen, "unseen");
    Objects.requireNonNull(field, "field");
  }

  boolean known() {
    return unseen.isEmpty();
  }

  /** A word that starts an option ({@code -m}, {@code --model=x}); "-" alone is a value. */
  boolean isFlag() {
    return text.length() > 1 && text.startsWith("-");
  }
}
