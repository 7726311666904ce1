package dev.modelgate.core;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A metric label whose values come from untrusted input (a registry host a workload names): the
 * first {@code max} distinct values keep their name and every later one is {@code other}, so nobody
 * can grow the number of series without bound.
 */
public final class BoundedLabels {
  public static final String OTHER = "other";

  private final int max;
  private final Set<String> named = ConcurrentHashMap.newKeySet();

  public BoundedLabels(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("at least one label value, not " + max);
    }
    this.max = max;
  }

  public String of(String value) {
    if (named.contains(value)) {
      return value;
    }
    synchronized (this) {
      if (named.size() < max) {
        named.add(value);
        return value;
      }
    }
    return named.contains(value) ? value : OTHER;
  }
}
