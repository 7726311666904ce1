package dev.modelgate.oms;

/** How a model is cut into manifest entries: one per file, or one per fixed-size shard. */
public enum SerializationMethod {
  FILES("files"),
  SHARDS("shards");

  private final String omsName;

  SerializationMethod(String omsName) {
    this.omsName = omsName;
  }

  public String omsName() {
    return omsName;
  }
}
