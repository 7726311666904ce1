package dev.modelgate.verify;

import dev.modelgate.oms.Resource;
import java.util.List;
import java.util.Objects;

/**
 * What a verified signature signed, as evidence for others to record (a bill of materials): the
 * bundle it came in, by the digest of its bytes, and the signed resources (files, or shards of
 * files) with their digests, in payload order. Present once the statement's root digest held, also
 * when the content then differed: the failures say so.
 *
 * @param bundleDigest {@code sha256:<hex>} of the signature bundle's bytes
 */
public record SignedManifest(String bundleDigest, List<Resource> resources) {
  public SignedManifest {
    Objects.requireNonNull(bundleDigest, "bundleDigest");
    resources = List.copyOf(resources);
  }
}
