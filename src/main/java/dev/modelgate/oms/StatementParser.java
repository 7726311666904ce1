package dev.modelgate.oms;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Limits;
import dev.modelgate.core.Reason;
import dev.modelgate.core.StrictJson;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Parses the DSSE payload into an {@link OmsStatement}. Checks shape, not trust: the caller has
 * already verified the signature over these exact bytes, and compares the root digest afterwards.
 *
 * <p>Rules (model_signing {@code signing.py}; OMS spec 6): {@code _type} is in-toto Statement v1;
 * the v1.0 predicate has exactly one subject whose sha256 is the root digest; resource names are
 * safe relative paths (or {@code path:start:end} for shards), unique; digests match their
 * algorithm's length; {@code shard_size} is an integral number even when written as {@code 8.0}.
 */
public final class StatementParser {
  public static final String STATEMENT_TYPE = "https://in-toto.io/Statement/v1";

  private final StrictJson json = StrictJson.forDocument(Reason.STATEMENT_MALFORMED, "statement");

  public OmsStatement parse(byte[] payload) {
    JsonNode root = json.parse(payload);
    if (!root.isObject()) {
      throw json.fail("is not a JSON object");
    }
    String type = json.text(root, "_type", "_type");
    if (!STATEMENT_TYPE.equals(type)) {
      throw json.fail("has _type '" + Digest.abbreviate(type) + "', expected " + STATEMENT_TYPE);
    }
    String predicateType = json.text(root, "predicateType", "predicateType");
    if (predicateType.equals(PredicateKind.SIGNATURE_V1.uri())) {
      return parseV1(root);
    }
    if (predicateType.equals(PredicateKind.LEGACY_DIGESTS_V01.uri())) {
      return parseLegacy(root);
    }
    throw json.fail(
        Reason.PREDICATE_UNSUPPORTED,
        "has predicateType '"
            + Digest.abbreviate(predicateType)
            + "', expected "
            + PredicateKind.SIGNATURE_V1.uri());
  }

  private OmsStatement parseV1(JsonNode root) {
    List<JsonNode> subjects = json.array(root, "subject", "subject", true);
    if (subjects.size() != 1) {
      throw json.fail("has " + subjects.size() + " subjects, expected exactly 1");
    }
    JsonNode subject = subjects.get(0);
    String subjectName = json.optionalText(subject, "name", "subject[0].name");
    JsonNode subjectDigests = json.object(subject, "digest", "subject[0].digest");
    Digest subjectDigest =
        Digest.fromHex(
            HashAlgorithm.SHA256, json.text(subjectDigests, "sha256", "subject[0].digest.sha256"));

    JsonNode predicate = json.object(root, "predicate", "predicate");
    Serialization serialization = parseSerialization(predicate);
    List<JsonNode> items = json.array(predicate, "resources", "predicate.resources", true);
    if (items.isEmpty()) {
      // An empty manifest verifies any empty directory and proves nothing; OMS v1.0 requires one
      // resource at least (the reference still writes empty ones for empty models).
      throw json.fail(
          "lists no resources; OMS v1.0 requires at least one, and an empty manifest proves nothing");
    }
    if (items.size() > Limits.MAX_RESOURCES) {
      throw json.fail(
          Reason.LIMIT_EXCEEDED,
          "lists " + items.size() + " resources, more than the limit of " + Limits.MAX_RESOURCES);
    }
    List<Resource> resources = new ArrayList<>(items.size());
    Set<ResourceKey> seen = new HashSet<>();
    for (int i = 0; i < items.size(); i++) {
      Resource r = parseResource(items.get(i), i, serialization);
      if (!seen.add(r.key())) {
        throw json.fail(
            Reason.DUPLICATE_RESOURCE, "lists resource '" + r.key().name() + "' more than once");
      }
      resources.add(r);
    }
    return new OmsStatement(
        PredicateKind.SIGNATURE_V1, subjectName, subjectDigest, serialization, resources);
  }

  private Serialization parseSerialization(JsonNode predicate) {
    JsonNode s = json.object(predicate, "serialization", "predicate.serialization");
    String method = json.text(s, "method", "predicate.serialization.method");
    HashAlgorithm hash =
        HashAlgorithm.fromOmsName(json.text(s, "hash_type", "predicate.serialization.hash_type"));
    boolean allowSymlinks = json.bool(s, "allow_symlinks", "serialization.allow_symlinks", false);
    List<RelativePath> ignore = new ArrayList<>();
    for (JsonNode p :
        json.array(s, "ignore_paths", "predicate.serialization.ignore_paths", false)) {
      if (!p.isTextual()) {
        throw json.fail("has an ignore_paths entry that is not a string");
      }
      ignore.add(RelativePath.parse(p.textValue()));
    }
    Serialization result;
    if (method.equals(SerializationMethod.FILES.omsName())) {
      result = Serialization.files(hash, allowSymlinks);
    } else if (method.equals(SerializationMethod.SHARDS.omsName())) {
      result = Serialization.shards(hash, shardSize(s), allowSymlinks);
    } else {
      throw json.fail(
          Reason.HASH_ALGORITHM_UNSUPPORTED,
          "has serialization method '" + Digest.abbreviate(method) + "', expected files or shards");
    }
    return result.withIgnorePaths(ignore);
  }

  private long shardSize(JsonNode s) {
    JsonNode n = s.get("shard_size");
    if (n == null || !n.isNumber()) {
      throw json.fail("has a shards serialization without a numeric shard_size");
    }
    // A protobuf Struct stores numbers as doubles, so the reference writes 1000000000.0.
    double d = n.doubleValue();
    if (d != Math.rint(d) || d < 1 || d > Serialization.MAX_SHARD_SIZE) {
      throw json.fail("has shard_size " + n + ", expected a whole number from 1 to 2^53");
    }
    return (long) d;
  }

  private Resource parseResource(JsonNode item, int index, Serialization serialization) {
    String where = "predicate.resources[" + index + "]";
    if (!item.isObject()) {
      throw json.fail("has " + where + " that is not an object");
    }
    String name = json.text(item, "name", where + ".name");
    String algorithm = json.text(item, "algorithm", where + ".algorithm");
    String hex = json.text(item, "digest", where + ".digest");
    if (!serialization.acceptsResourceAlgorithm(algorithm)) {
      throw json.fail(
          Reason.HASH_ALGORITHM_UNSUPPORTED,
          "has "
              + where
              + " ('"
              + Digest.abbreviate(name)
              + "') with algorithm '"
              + Digest.abbreviate(algorithm)
              + "', expected '"
              + serialization.resourceAlgorithm()
              + "'");
    }
    ResourceKey key =
        serialization.method() == SerializationMethod.SHARDS
            ? ResourceKey.parseShard(name)
            : ResourceKey.file(RelativePath.parse(name));
    Digest digest;
    try {
      digest = Digest.fromHex(serialization.hashType(), hex);
    } catch (InvalidInputException e) {
      throw json.fail(
          Reason.DIGEST_MALFORMED, "has " + where + " ('" + name + "'): " + e.getMessage());
    }
    return new Resource(key, algorithm, digest);
  }

  /** model_signing v0.2.0: one subject per file, {@code name} = path, {@code digest.sha256}. */
  private OmsStatement parseLegacy(JsonNode root) {
    List<JsonNode> subjects = json.array(root, "subject", "subject", true);
    if (subjects.size() > Limits.MAX_RESOURCES) {
      throw json.fail(Reason.LIMIT_EXCEEDED, "lists " + subjects.size() + " subjects");
    }
    List<Resource> resources = new ArrayList<>(subjects.size());
    Set<ResourceKey> seen = new HashSet<>();
    for (int i = 0; i < subjects.size(); i++) {
      JsonNode s = subjects.get(i);
      String where = "subject[" + i + "]";
      ResourceKey key = ResourceKey.file(RelativePath.parse(json.text(s, "name", where + ".name")));
      JsonNode digests = json.object(s, "digest", where + ".digest");
      Digest d =
          Digest.fromHex(
              HashAlgorithm.SHA256, json.text(digests, "sha256", where + ".digest.sha256"));
      if (!seen.add(key)) {
        throw json.fail(
            Reason.DUPLICATE_RESOURCE, "lists subject '" + key.name() + "' more than once");
      }
      resources.add(new Resource(key, HashAlgorithm.SHA256.omsName(), d));
    }
    String firstName = resources.isEmpty() ? "" : resources.get(0).key().name();
    return new OmsStatement(
        PredicateKind.LEGACY_DIGESTS_V01,
        firstName,
        RootDigest.of(resources),
        Serialization.files(HashAlgorithm.SHA256, false),
        resources);
  }
}
