package dev.modelgate.admission.runtimeargs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The simple commands of a {@code sh -c} script, as far as ModelGate can read them without running
 * anything: words split and quoted as POSIX sh does ({@code '…'}, {@code "…"}, backslash), {@code
 * $VAR}, {@code ${VAR}} and the script's positional parameters expanded from what the pod spec
 * shows, commands separated by {@code ; && || | &} and newlines, redirections dropped, and {@code
 * VAR=value} prefixes and {@code export VAR=value} kept as the command's environment.
 *
 * <p>Anything else (command substitution, {@code ${VAR:-…}} and other parameter operators,
 * subshells, braces, {@code if}/{@code for}/{@code while}/{@code case}, here-documents) is refused
 * with what was found: a script ModelGate cannot read is never taken to run nothing.
 */
final class ShellScript {
  /** One simple command: its words and the variables the script set for it. */
  record Command(List<Token> words, Map<String, String> assignments) {
    Command {
      words = List.copyOf(words);
      assignments = Map.copyOf(assignments);
    }
  }

  /** The commands, or why the script cannot be read. */
  record Parsed(List<Command> commands, Optional<String> problem) {}

  private static final Set<String> KEYWORDS =
      Set.of(
          "if",
          "then",
          "else",
          "elif",
          "fi",
          "for",
          "while",
          "until",
          "do",
          "done",
          "case",
          "esac",
          "function",
          "select",
          "!",
          "{",
          "}",
          "[[",
          "]]");

  private final String script;
  private final ContainerEnv env;
  private final List<String> positional;
  private final String field;
  private final Map<String, String> exported = new LinkedHashMap<>();
  private int i;

  private ShellScript(String script, ContainerEnv env, List<String> positional, String field) {
    this.script = script;
    this.env = env;
    this.positional = positional;
    this.field = field;
  }

  /**
   * Reads {@code script}; {@code positional} are {@code $0 $1 …} (the words after the script in
   * {@code sh -c SCRIPT …}).
   */
  static Parsed parse(String script, ContainerEnv env, List<String> positional, String field) {
    ShellScript s = new ShellScript(script, env, positional, field);
    try {
      return new Parsed(s.commands(), Optional.empty());
    } catch (Unreadable e) {
      return new Parsed(List.of(), Optional.of(e.getMessage()));
    }
  }

  private List<Command> commands() {
    List<Command> out = new ArrayList<>();
    List<Token> words = new ArrayList<>();
    Map<String, String> assigned = new LinkedHashMap<>();
    while (true) {
      skipBlanks();
      if (i >= script.length() || isSeparator()) {
        finish(words, assigned, out);
        words = new ArrayList<>();
        assigned = new LinkedHashMap<>();
        if (i >= script.length()) {
          return out;
        }
        skipSeparator();
        continue;
      }
      char c = script.charAt(i);
      if (c == '#' && (i == 0 || Character.isWhitespace(script.charAt(i - 1)))) {
        while (i < script.length() && script.charAt(i) != '\n') {
          i++;
        }
        continue;
      }
      if (redirection()) {
        continue;
      }
      if (c == '(' || c == ')') {
        throw new Unreadable("a subshell or group '" + c + "'");
      }
      List<Token> w = word();
      if (words.isEmpty() && w.size() == 1 && assignment(w.get(0).text())) {
        String t = w.get(0).text();
        assigned.put(t.substring(0, t.indexOf('=')), t.substring(t.indexOf('=') + 1));
        continue;
      }
      if (words.isEmpty() && w.size() == 1 && KEYWORDS.contains(w.get(0).text())) {
        throw new Unreadable("the shell keyword '" + w.get(0).text() + "'");
      }
      words.addAll(w);
    }
  }

  private void finish(List<Token> words, Map<String, String> assigned, List<Command> out) {
    if (words.isEmpty()) {
      exported.putAll(assigned);
      return;
    }
    if (words.get(0).text().equals("export")) {
      for (Token t : words.subList(1, words.size())) {
        if (assignment(t.text())) {
          exported.put(
              t.text().substring(0, t.text().indexOf('=')),
              t.text().substring(t.text().indexOf('=') + 1));
        }
      }
      return;
    }
    Map<String, String> all = new LinkedHashMap<>(exported);
    all.putAll(assigned);
    out.add(new Command(words, all));
  }

  private static boolean assignment(String t) {
    int eq = t.indexOf('=');
    return eq > 0 && t.substring(0, eq).matches("[A-Za-z_][A-Za-z0-9_]*");
  }

  private void skipBlanks() {
    while (i < script.length()) {
      char c = script.charAt(i);
      if (c == ' ' || c == '\t' || c == '\r') {
        i++;
      } else if (c == '\\' && i + 1 < script.length() && script.charAt(i + 1) == '\n') {
        i += 2;
      } else {
        return;
      }
    }
  }

  private boolean isSeparator() {
    char c = script.charAt(i);
    return c == ';' || c == '&' || c == '|' || c == '\n';
  }

  private void skipSeparator() {
    char c = script.charAt(i);
    if (c == '&' && i + 1 < script.length() && script.charAt(i + 1) == '>') {
      throw new Unreadable("the redirection '&>'");
    }
    i++;
    if (i < script.length() && (c == '&' || c == '|') && script.charAt(i) == c) {
      i++;
    }
    if (c == ';' && i < script.length() && script.charAt(i) == ';') {
      throw new Unreadable("';;'");
    }
  }

  /** Drops {@code [n]>file}, {@code [n]>>file}, {@code <file}, {@code n>&m}; true if one was. */
  private boolean redirection() {
    int j = i;
    while (j < script.length() && Character.isDigit(script.charAt(j))) {
      j++;
    }
    if (j >= script.length() || (script.charAt(j) != '>' && script.charAt(j) != '<')) {
      return false;
    }
    if (script.startsWith("<<", j)) {
      throw new Unreadable("a here-document");
    }
    j++;
    if (j < script.length() && (script.charAt(j) == '>' || script.charAt(j) == '&')) {
      j++;
    }
    i = j;
    skipBlanks();
    word();
    return true;
  }

  /** One shell word; {@code "$@"} can make several. */
  private List<Token> word() {
    StringBuilder text = new StringBuilder();
    String unseen = "";
    List<Token> extra = new ArrayList<>();
    while (i < script.length()) {
      char c = script.charAt(i);
      if (Character.isWhitespace(c) || c == ';' || c == '&' || c == '|' || c == '<' || c == '>') {
        break;
      }
      if (c == '`') {
        throw new Unreadable("command substitution with backquotes");
      }
      if (c == '(' || c == ')') {
        throw new Unreadable("'" + c + "' inside a word");
      }
      i++;
      if (c == '\\') {
        if (i < script.length()) {
          text.append(script.charAt(i++));
        }
      } else if (c == '\'') {
        int close = script.indexOf('\'', i);
        if (close < 0) {
          throw new Unreadable("an unterminated single quote");
        }
        text.append(script, i, close);
        i = close + 1;
      } else if (c == '"') {
        while (true) {
          if (i >= script.length()) {
            throw new Unreadable("an unterminated double quote");
          }
          char d = script.charAt(i++);
          if (d == '"') {
            break;
          }
          if (d == '\\' && i < script.length() && "$`\"\\\n".indexOf(script.charAt(i)) >= 0) {
            text.append(script.charAt(i++));
          } else if (d == '`') {
            throw new Unreadable("command substitution with backquotes");
          } else if (d == '$') {
            if (script.startsWith("@\"", i) && text.length() == 0) {
              // "$@" as a whole word: one word per positional parameter.
              i++;
              List<String> params =
                  positional.size() > 1 ? positional.subList(1, positional.size()) : List.of();
              for (String p : params) {
                extra.add(new Token(p, "", field));
              }
              i++;
              return extra;
            }
            unseen = variable(text, unseen);
          } else {
            text.append(d);
          }
        }
      } else if (c == '$') {
        unseen = variable(text, unseen);
      } else {
        text.append(c);
      }
    }
    extra.add(0, new Token(text.toString(), unseen, field));
    return extra;
  }

  /** Expands the parameter at {@code i} (just after '$') into {@code text}; returns unseen. */
  private String variable(StringBuilder text, String unseen) {
    if (i >= script.length()) {
      text.append('$');
      return unseen;
    }
    char c = script.charAt(i);
    String name;
    if (c == '(') {
      throw new Unreadable("command substitution $(…)");
    } else if (c == '{') {
      int close = script.indexOf('}', i);
      if (close < 0) {
        throw new Unreadable("an unterminated ${");
      }
      name = script.substring(i + 1, close);
      if (!name.matches("[A-Za-z_][A-Za-z0-9_]*|[0-9]")) {
        throw new Unreadable("the parameter expansion ${" + name + "}");
      }
      i = close + 1;
    } else if (Character.isDigit(c) || c == '@' || c == '*') {
      name = String.valueOf(c);
      i++;
    } else if (Character.isLetter(c) || c == '_') {
      int j = i;
      while (j < script.length()
          && (Character.isLetterOrDigit(script.charAt(j)) || script.charAt(j) == '_')) {
        j++;
      }
      name = script.substring(i, j);
      i = j;
    } else {
      text.append('$');
      return unseen;
    }
    if (Character.isDigit(name.charAt(0)) || name.equals("@") || name.equals("*")) {
      int n = Character.isDigit(name.charAt(0)) ? Integer.parseInt(name) : -1;
      if (n >= 0 && n < positional.size()) {
        text.append(positional.get(n));
      } else if (n < 0) {
        text.append(
            String.join(
                " ", positional.size() > 1 ? positional.subList(1, positional.size()) : List.of()));
      }
      return unseen;
    }
    if (exported.containsKey(name)) {
      text.append(exported.get(name));
      return unseen;
    }
    ContainerEnv.Lookup l = env.lookup(name);
    if (l.undefined()) {
      return unseen;
    }
    text.append(l.value().orElse("$" + name));
    return unseen.isEmpty() ? l.unseenName() : unseen;
  }

  /** The script uses something ModelGate does not read. */
  private static final class Unreadable extends RuntimeException {
    Unreadable(String what) {
      super("uses " + what + ", which ModelGate does not read", null, false, false);
    }
  }
}
