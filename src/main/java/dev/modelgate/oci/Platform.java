package dev.modelgate.oci;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An image platform as an OCI index entry states it, and the choice a node's containerd makes with
 * it. Everything here follows containerd's {@code platforms} package (containerd commit
 * 2806fc1057397dbaeefbea0e4e17bddfbd388f38, v1.6.20, the containerd of Debian 12): {@code
 * database.go} normalizeOS and normalizeArch, {@code platforms.go} Normalize and matcher.Match,
 * {@code compare.go} platformVector and Only, which {@code platforms.Default()} (what the CRI
 * plugin and {@code ctr} pull with) uses for the node's own platform.
 *
 * @param os e.g. {@code linux}
 * @param architecture e.g. {@code amd64}
 * @param variant e.g. {@code v8}, or empty
 */
public record Platform(String os, String architecture, String variant) {
  /** What most Kubernetes nodes run, and the node platform unless one is configured. */
  public static final Platform LINUX_AMD64 = new Platform("linux", "amd64", "");

  public Platform {
    os = os == null ? "" : os;
    architecture = architecture == null ? "" : architecture;
    variant = variant == null ? "" : variant;
  }

  /** {@code os/arch[/variant]}, as {@code ctr --platform} and Docker write it. */
  public static Platform parse(String s) {
    String[] p = s.split("/", -1);
    if (p.length < 2 || p.length > 3 || p[0].isEmpty() || p[1].isEmpty()) {
      throw new IllegalArgumentException("platform must be os/arch[/variant], not '" + s + "'");
    }
    return new Platform(p[0], p[1], p.length == 3 ? p[2] : "");
  }

  /**
   * containerd's Normalize: an empty OS is the node's own (Linux, for a Kubernetes node), and
   * architecture aliases and default variants fold together ({@code x86_64} is {@code amd64},
   * {@code aarch64/v8} is {@code arm64}, bare {@code arm} is {@code arm/v7}).
   */
  public Platform normalized() {
    String o = os.isEmpty() ? "linux" : os.toLowerCase(Locale.ROOT);
    if (o.equals("macos")) {
      o = "darwin";
    }
    String a = architecture.toLowerCase(Locale.ROOT);
    String v = variant.toLowerCase(Locale.ROOT);
    switch (a) {
      case "i386":
        a = "386";
        v = "";
        break;
      case "x86_64":
      case "x86-64":
      case "amd64":
        a = "amd64";
        if (v.equals("v1")) {
          v = "";
        }
        break;
      case "aarch64":
      case "arm64":
        a = "arm64";
        if (v.equals("8") || v.equals("v8")) {
          v = "";
        }
        break;
      case "armhf":
        a = "arm";
        v = "v7";
        break;
      case "armel":
        a = "arm";
        v = "v6";
        break;
      case "arm":
        if (v.isEmpty() || v.equals("7")) {
          v = "v7";
        } else if (v.equals("5") || v.equals("6") || v.equals("8")) {
          v = "v" + v;
        }
        break;
      default:
        break;
    }
    return new Platform(o, a, v);
  }

  /**
   * The platforms a node of this platform runs, best first (containerd's platformVector): {@code
   * amd64/vN} also runs the lower amd64 variants and {@code 386}; {@code arm64} runs {@code arm/v8}
   * down to {@code arm/v5}; {@code arm/vN} runs the lower arm variants.
   */
  public List<Platform> vector() {
    Platform p = normalized();
    List<Platform> out = new ArrayList<>(List.of(p));
    switch (p.architecture) {
      case "amd64":
        int amd = version(p.variant);
        for (int v = amd - 1; amd > 1 && v >= 1; v--) {
          out.add(new Platform(p.os, "amd64", "v" + v));
        }
        out.add(new Platform(p.os, "386", ""));
        break;
      case "arm":
        int arm = version(p.variant);
        for (int v = arm - 1; arm > 5 && v >= 5; v--) {
          out.add(new Platform(p.os, "arm", "v" + v));
        }
        break;
      case "arm64":
        out.addAll(new Platform(p.os, "arm", p.variant.isEmpty() ? "v8" : p.variant).armVector());
        break;
      default:
        break;
    }
    return out;
  }

  private List<Platform> armVector() {
    List<Platform> out = new ArrayList<>(List.of(this));
    int arm = version(variant);
    for (int v = arm - 1; arm > 5 && v >= 5; v--) {
      out.add(new Platform(os, "arm", "v" + v));
    }
    return out;
  }

  /**
   * Where {@code candidate} ranks for a node of this platform (0 best), or -1 when the node does
   * not run it: containerd's matcher compares the normalised candidate with each platform of the
   * vector, field by field.
   */
  public int rank(Platform candidate) {
    Platform c = candidate.normalized();
    List<Platform> v = vector();
    for (int i = 0; i < v.size(); i++) {
      // containerd's Ordered matcher normalises each platform of the vector too (amd64/v1 is
      // amd64).
      if (v.get(i).normalized().equals(c)) {
        return i;
      }
    }
    return -1;
  }

  private static int version(String variant) {
    try {
      return Integer.parseInt(variant.startsWith("v") ? variant.substring(1) : variant);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  @Override
  public String toString() {
    return os + "/" + architecture + (variant.isEmpty() ? "" : "/" + variant);
  }
}
