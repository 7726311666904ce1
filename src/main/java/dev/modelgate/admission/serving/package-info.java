/**
 * The serving resources a user applies instead of pods: KServe's InferenceService,
 * LLMInferenceService and TrainedModel, and Seldon Core 2's Model. Each is read into the models the
 * pods KServe (or Seldon's agent) will make from it, with the fields the user wrote, so that the
 * same policies decide the resource at once; the pods stay the enforcement point. Knows JSON trees,
 * model URIs and failures; nothing of admission requests, policies or HTTP, so the admission
 * package depends on it and never the reverse.
 */
package dev.modelgate.admission.serving;
