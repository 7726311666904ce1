/**
 * Bills of materials: what ModelGate verified about models, as CycloneDX 1.6 documents built with
 * cyclonedx-core-java. A model's BOM comes from its verification here and now ({@link BomVerifier},
 * then {@link ModelBom}); the cluster's from what admission and background verification recorded in
 * PolicyReports ({@link ClusterBom}). The {@code modelgate:} property names are in {@link
 * BomProperties} and documented in docs/bom.md. Plain Java: the sub-package {@code k8s} alone reads
 * the cluster. Sits above {@code policy} and {@code report}; nothing below knows about it.
 */
package dev.modelgate.bom;
