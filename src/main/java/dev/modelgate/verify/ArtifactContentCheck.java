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
 */
final class ArtifactContentCheck {
  static final RelativePath SIGNATURE_LAYER = RelativePath.parse("model.sig");

  ContentResult check(
      VerifiedStatement verified, ArtifactContents artifact, VerifyOptions options) {
    List<Failure> failures = new ArrayList<>(artifact.problems());
    Serialization s = verified.statement().serialization();
    if (s.method() != SerializationMethod.FILES || s.hashType() != HashAlgorithm.SHA256) {
      failures.add(
          Failure.of(
              Reason.LAYER_NOT_VERIFIABLE,
              "the signature hashes files with %s/%s; layer digests are sha256 of whole files, so only files/sha256 signatures can be checked against a manifest",
              s.method().omsName(),
              s.hashType().omsName()));
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
