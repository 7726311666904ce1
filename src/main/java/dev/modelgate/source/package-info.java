/**
 * Model references and where their bytes live: {@code oci://}, {@code pvc://}, {@code volume://}
 * and {@code file://} URIs as workloads name them (DESIGN.md section 3). Parsing only; it knows
 * nothing about policies.
 */
package dev.modelgate.source;
