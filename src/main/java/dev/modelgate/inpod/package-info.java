/**
 * In-pod verification: models on volumes (claims, emptyDirs a downloader fills, any volume a pod
 * mounts) are verified by an init container ModelGate injects, since the webhook cannot read them.
 * One room for the whole capability, in plain Java: the protocol between the webhook and the
 * verifier ({@link dev.modelgate.inpod.VerifierContainer}: the container /mutate adds and its
 * reading back), where it stands among the init containers ({@code InitContainerOrder}: after the
 * last writer, before any reader), what admission checks of the pod ({@link
 * dev.modelgate.inpod.VolumeVerifier} and its mount rules), and the record the verifier leaves in
 * its termination message and background verification reads back ({@link
 * dev.modelgate.inpod.VerifierOutcome}, {@link dev.modelgate.inpod.RecordedOutcomes}). What the
 * verifier decides is the policy engine's judgement ({@code dev.modelgate.policy}); the command
 * that runs it is {@code modelgate verify-volume} in the CLI. Below admission, scan and the CLI;
 * above policy, verify and source.
 */
package dev.modelgate.inpod;
