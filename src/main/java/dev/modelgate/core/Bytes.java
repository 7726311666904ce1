package dev.modelgate.core;

import java.util.Arrays;
import java.util.Base64;

/** An immutable byte string, so records can hold bytes and still compare by value. */
public final class Bytes {
  private final byte[] value;

  private Bytes(byte[] value) {
    this.value = value;
  }

  public static Bytes copyOf(byte[] value) {
    return new Bytes(value.clone());
  }

  public byte[] toArray() {
    return value.clone();
  }

  public int length() {
    return value.length;
  }

  public String base64() {
    return Base64.getEncoder().encodeToString(value);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Bytes && Arrays.equals(value, ((Bytes) o).value);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return value.length + " bytes";
  }
}
