package dev.modelgate.verify;

import dev.modelgate.core.Failure;
import dev.modelgate.core.Reason;
import dev.modelgate.oms.Digest;
import dev.modelgate.oms.HashAlgorithm;
import dev.modelgate.oms.IgnoreRules;
import dev.modelgate.oms.RelativePath;
import dev.modelgate.oms.Resource;
import dev.modelgate.oms.ResourceKey;
import dev.modelgate.oms.Serialization;
import dev.modelgate.oms.SerializationMethod;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The signed file list matches the artifact's layers, with no weight downloaded: for a raw layer
 * the digest is the sha256 of the file, so it is compared with the signed digest directly
 * (oci-models.md section 7). Only {@code files}/{@code sha256} signatures can be checked this way.
 * Archive layers cannot, and are denied with their path; so are unsigned layers, and layers whose
 * annotations name no safe path.
 *
 * <p>A statement signed from the OCI manifest itself ({@link ManifestEntries}: layers by title or
 * position, the config as {@code config.json}) passes when it names exactly the manifest's entries
 * with the same digests: every layer and the config, nothing missing, nothing extra, nothing
 * ignored. Either reading passing is proof, since each binds every byte the runtime pulls; when
 * neither passes, the differences are reported for the reading whose layer names the statement
 * shares more of (the file reading on a tie, and {@code config.json} does not count: a model
 * directory's statement often signs a file of that name).
 */
final class ArtifactContentCheck {
  static final RelativePath SIGNATURE_LAYER = RelativePath.parse("model.sig");

  ContentResult check(
      VerifiedStatement verified, ArtifactContents artifact, VerifyOptions options) {
    return check(verified, artifact, ManifestEntries.NONE, options);
  }

  ContentResult check(
      VerifiedStatement verified,
      ArtifactContents artifact,
      ManifestEntries manifest,
      VerifyOptions options) {
    ContentResult files = files(verified, artifact, options);
    if (files.failures().isEmpty() || manifest.entries().isEmpty()) {
      return files;
    }
    List<Failure> described = manifestFailures(verified, manifest);
    if (described.isEmpty()) {
      return new ContentResult(List.of(), manifest.entries().size(), 0, List.of());
    }
    Set<String> signed =
        verified.statement().resources().stream()
            .map(r -> r.key().path().value())
            .collect(Collectors.toSet());
    // The config is left out: a model directory's statement often signs its own config.json.
    long asManifest =
        manifest.entries().keySet().stream()
            .filter(p -> !p.equals(ManifestEntries.CONFIG) && signed.contains(p.value()))
            .count();
    long asFiles =
        artifact.rawFiles().keySet().stream().filter(p -> signed.contains(p.value())).count()
            + artifact.archives().stream().filter(p -> signed.contains(p.value())).count();
    return asManifest > asFiles ? ContentResult.refused(described) : files;
  }

  /** The statement against the manifest's own entries: exactly equal, or the differences. */
  private static List<Failure> manifestFailures(
      VerifiedStatement verified, ManifestEntries manifest) {
    Serialization s = verified.statement().serialization();
    if (s.method() != SerializationMethod.FILES || s.hashType() != HashAlgorithm.SHA256) {
      return List.of(notSha256Files(s));
    }
    List<Failure> differences = new ArrayList<>(manifest.problems());
    List<Resource> found = new ArrayList<>();
    manifest
        .entries()
        .forEach(
            (path, digest) ->
                found.add(
                    new Resource(ResourceKey.file(path), HashAlgorithm.SHA256.omsName(), digest)));
    found.sort(Comparator.comparing(Resource::key));
    differences.addAll(
        ManifestComparison.compare(verified.statement().resources(), found, Set.of()));
    List<Failure> failures = new ArrayList<>();
    for (Failure f : differences) {
      failures.add(new Failure(f.reason(), f.subject(), f.message() + ManifestEntries.ABOUT));
    }
    return failures;
  }

  private static Failure notSha256Files(Serialization s) {
    return Failure.of(
        Reason.LAYER_NOT_VERIFIABLE,
        "the signature hashes files with %s/%s; layer digests are sha256 of whole files, so only files/sha256 signatures can be checked against a manifest",
        s.method().omsName(),
        s.hashType().omsName());
  }

  private static ContentResult files(
      VerifiedStatement verified, ArtifactContents artifact, VerifyOptions options) {
    List<Failure> failures = new ArrayList<>(artifact.problems());
    Serialization s = verified.statement().serialization();
    if (s.method() != SerializationMethod.FILES || s.hashType() != HashAlgorithm.SHA256) {
      failures.add(notSha256Files(s));
      return ContentResult.refused(failures);
    }
    List<RelativePath> ignored = new ArrayList<>(options.ignorePaths());
    ignored.addAll(s.ignorePaths());
    ignored.add(SIGNATURE_LAYER);
    IgnoreRules ignore = new IgnoreRules(ignored);
    // Ignore rules do not apply to an archive's own name: its entries land wherever their tar paths
    // say, not under that name, so an unread archive is never ignorable.
    for (RelativePath archive : artifact.archives()) {
      failures.add(
          Failure.about(
              Reason.LAYER_NOT_VERIFIABLE,
              archive,
              "layer '%s' is an archive; its files cannot be checked without downloading it (set verification.allowLayerDownload)",
              archive));
    }
    List<Resource> found = new ArrayList<>();
    for (Map.Entry<RelativePath, Digest> e : artifact.rawFiles().entrySet()) {
      if (!ignore.ignores(e.getKey())) {
        found.add(
            new Resource(
                ResourceKey.file(e.getKey()), HashAlgorithm.SHA256.omsName(), e.getValue()));
      }
    }
    found.sort(Comparator.comparing(Resource::key));
    List<Resource> signed =
        verified.statement().resources().stream()
            .filter(r -> !ignore.ignores(r.key().path()))
            .toList();
    if (options.ignoreUnsignedFilesUnsafe()) {
      var names = signed.stream().map(r -> r.key()).collect(Collectors.toSet());
      found.removeIf(r -> !names.contains(r.key()));
    }
    Set<String> reported = new HashSet<>();
    failures.forEach(f -> reported.add(f.subject()));
    failures.addAll(ManifestComparison.compare(signed, found, reported));
    return new ContentResult(failures, found.size(), 0, List.of());
  }
}
