package dev.modelgate.admission.runtimeargs;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A container's environment as far as the pod spec shows it: {@code env[].value} (itself expanded,
 * as the kubelet does, against the variables defined before it), variables whose value comes from
 * {@code valueFrom} (unseen), and whether {@code envFrom} may define more (then any variable not in
 * {@code env} is unseen).
 *
 * <p>{@link #expand} is Kubernetes' {@code $(VAR)} expansion of command and args
 * (kubernetes/kubernetes third_party/forked/golang/expansion/expand.go): {@code $(VAR)} becomes the
 * variable's value when it is defined, stays as written when it is not, and {@code $$} is a single
 * {@code $}.
 */
final class ContainerEnv {
  private final Map<String, Optional<String>> vars = new LinkedHashMap<>();
  private final boolean envFrom;

  ContainerEnv(JsonNode container) {
    this.envFrom = container.path("envFrom").size() > 0;
    for (JsonNode e : container.path("env")) {
      String name = e.path("name").asText();
      if (e.has("value")) {
        Token t = expand(e.path("value").asText(), "");
        vars.put(name, t.known() ? Optional.of(t.text()) : Optional.empty());
      } else {
        vars.put(name, Optional.empty());
      }
    }
  }

  boolean hasEnvFrom() {
    return envFrom;
  }

  /** The value of {@code name}: present when the pod spec shows it. */
  Lookup lookup(String name) {
    Optional<String> v = vars.get(name);
    if (v != null) {
      return v.map(Lookup::value).orElseGet(() -> Lookup.unseen(name + " (valueFrom)"));
    }
    return envFrom ? Lookup.unseen(name + " (envFrom)") : Lookup.UNDEFINED;
  }

  /** The value of a variable a runtime reads itself, as a token at the env field. */
  Optional<Token> variable(String name, String field) {
    Lookup l = lookup(name);
    if (l.undefined()) {
      return Optional.empty();
    }
    return Optional.of(new Token(l.value().orElse("$" + name), l.unseenName(), field));
  }

  /** Kubernetes {@code $(VAR)} expansion of one command or args item. */
  Token expand(String text, String field) {
    StringBuilder out = new StringBuilder();
    String unseen = "";
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c != '$' || i + 1 == text.length()) {
        out.append(c);
        continue;
      }
      char next = text.charAt(i + 1);
      if (next == '$') {
        out.append('$');
        i++;
      } else if (next == '(') {
        int close = text.indexOf(')', i + 2);
        if (close < 0) {
          out.append(text, i, text.length());
          break;
        }
        String name = text.substring(i + 2, close);
        Lookup l = lookup(name);
        if (l.undefined()) {
          out.append(text, i, close + 1);
        } else {
          out.append(l.value().orElse("$(" + name + ")"));
          unseen = unseen.isEmpty() ? l.unseenName() : unseen;
        }
        i = close;
      } else {
        out.append(c);
      }
    }
    return new Token(out.toString(), unseen, field);
  }

  /** What a variable lookup found: a value, a variable defined where it cannot be seen, nothing. */
  record Lookup(Optional<String> value, String unseenName, boolean undefined) {
    static final Lookup UNDEFINED = new Lookup(Optional.empty(), "", true);

    static Lookup value(String v) {
      return new Lookup(Optional.of(v), "", false);
    }

    static Lookup unseen(String name) {
      return new Lookup(Optional.empty(), name, false);
    }
  }
}
