/**
 * Serving runtimes as ModelGate reads them from a pod spec: which known server a container runs
 * (recognised by its command and argument shape, never by image name), which of its arguments name
 * models, and what each value is (a path in a verified model's mount, a path on another volume, or
 * a download the server makes itself). Also the runtime seal ({@code HF_HUB_OFFLINE}) and the
 * remedies a workload that names no model is told. It knows pod specs (Jackson trees) and model
 * references, never policies or verification.
 */
package dev.modelgate.admission.runtimeargs;
