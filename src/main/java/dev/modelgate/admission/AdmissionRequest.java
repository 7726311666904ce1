package dev.modelgate.admission;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * The parts of an {@code AdmissionReview.request} ModelGate reads. {@code object} and {@code
 * oldObject} are JSON trees (missing nodes when absent); {@code apiVersion} is the review's, so the
 * answer can echo it.
 */
public record AdmissionRequest(
    String apiVersion,
    String uid,
    String kind,
    String namespace,
    String name,
    String operation,
    String subResource,
    boolean dryRun,
    JsonNode object,
    JsonNode oldObject) {
  public AdmissionRequest {
    Objects.requireNonNull(apiVersion, "apiVersion");
    Objects.requireNonNull(uid, "uid");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(subResource, "subResource");
    Objects.requireNonNull(object, "object");
    Objects.requireNonNull(oldObject, "oldObject");
  }
}
