package dev.modelgate.oms;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes an OMS v1.0 statement in the layout the reference produces (protobuf {@code
 * MessageToJson}: two-space indent, {@code ": "} separators, non-ASCII written as UTF-8, {@code
 * shard_size} as a double such as {@code 8.0}), with the key order of the reference's payload
 * goldens. The bytes are what gets signed, so they are built here once and never re-serialised.
 */
public final class StatementWriter {
  private StatementWriter() {}

  public static byte[] write(String subjectName, Serialization s, List<Resource> resources) {
    Digest root = RootDigest.of(resources);
    StringBuilder b = new StringBuilder(256 + resources.size() * 160);
    b.append("{\n");
    b.append("  \"_type\": ").append(quote(StatementParser.STATEMENT_TYPE)).append(",\n");
    b.append("  \"subject\": [\n    {\n");
    b.append("      \"name\": ").append(quote(subjectName)).append(",\n");
    b.append("      \"digest\": {\n        \"sha256\": ")
        .append(quote(root.hex()))
        .append("\n      }\n");
    b.append("    }\n  ],\n");
    b.append("  \"predicateType\": ").append(quote(PredicateKind.SIGNATURE_V1.uri())).append(",\n");
    b.append("  \"predicate\": {\n    \"serialization\": {\n");
    b.append("      \"method\": ").append(quote(s.method().omsName())).append(",\n");
    b.append("      \"hash_type\": ").append(quote(s.hashType().omsName())).append(",\n");
    b.append("      \"allow_symlinks\": ").append(s.allowSymlinks());
    if (s.method() == SerializationMethod.SHARDS) {
      // Python's repr of an integral double below 1e16 is "<digits>.0".
      b.append(",\n      \"shard_size\": ").append(s.shardSize()).append(".0");
    }
    if (!s.ignorePaths().isEmpty()) {
      b.append(",\n      \"ignore_paths\": [\n");
      for (int i = 0; i < s.ignorePaths().size(); i++) {
        b.append("        ").append(quote(s.ignorePaths().get(i).value()));
        b.append(i + 1 < s.ignorePaths().size() ? ",\n" : "\n");
      }
      b.append("      ]");
    }
    b.append("\n    },\n");
    if (resources.isEmpty()) {
      b.append("    \"resources\": []\n");
    } else {
      b.append("    \"resources\": [\n");
      for (int i = 0; i < resources.size(); i++) {
        Resource r = resources.get(i);
        b.append("      {\n");
        b.append("        \"algorithm\": ").append(quote(r.algorithm())).append(",\n");
        b.append("        \"digest\": ").append(quote(r.digest().hex())).append(",\n");
        b.append("        \"name\": ").append(quote(r.key().name())).append("\n");
        b.append(i + 1 < resources.size() ? "      },\n" : "      }\n");
      }
      b.append("    ]\n");
    }
    b.append("  }\n}");
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** A JSON string as Python's json.dumps(ensure_ascii=False) writes it. */
  static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          b.append("\\\"");
          break;
        case '\\':
          b.append("\\\\");
          break;
        case '\n':
          b.append("\\n");
          break;
        case '\r':
          b.append("\\r");
          break;
        case '\t':
          b.append("\\t");
          break;
        case '\b':
          b.append("\\b");
          break;
        case '\f':
          b.append("\\f");
          break;
        default:
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
      }
    }
    return b.append('"').toString();
  }
}
