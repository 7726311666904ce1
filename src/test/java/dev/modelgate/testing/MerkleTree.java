package dev.modelgate.testing;

import dev.modelgate.oms.HashAlgorithm;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/** RFC 6962 Merkle tree hashing: leaf = H(0x00||d), node = H(0x01||l||r), and audit paths. */
final class MerkleTree {
  private MerkleTree() {}

  static byte[] leafHash(byte[] data) {
    MessageDigest md = HashAlgorithm.sha256();
    md.update((byte) 0);
    md.update(data);
    return md.digest();
  }

  static byte[] node(byte[] l, byte[] r) {
    MessageDigest md = HashAlgorithm.sha256();
    md.update((byte) 1);
    md.update(l);
    md.update(r);
    return md.digest();
  }

  /** MTH(D[n]) over leaf hashes. */
  static byte[] root(List<byte[]> leaves) {
    if (leaves.size() == 1) {
      return leaves.get(0);
    }
    int k = largestPowerOfTwoBelow(leaves.size());
    return node(root(leaves.subList(0, k)), root(leaves.subList(k, leaves.size())));
  }

  /** PATH(m, D[n]): the audit path of leaf m. */
  static List<byte[]> path(int m, List<byte[]> leaves) {
    List<byte[]> out = new ArrayList<>();
    if (leaves.size() <= 1) {
      return out;
    }
    int k = largestPowerOfTwoBelow(leaves.size());
    if (m < k) {
      out.addAll(path(m, leaves.subList(0, k)));
      out.add(root(leaves.subList(k, leaves.size())));
    } else {
      out.addAll(path(m - k, leaves.subList(k, leaves.size())));
      out.add(root(leaves.subList(0, k)));
    }
    return out;
  }

  private static int largestPowerOfTwoBelow(int n) {
    int k = 1;
    while (k << 1 < n) {
      k <<= 1;
    }
    return k;
  }
}
