package dev.modelgate.policy;

/** What a policy does when a model's source cannot be reached in time. */
public enum OnError {
  /** Deny, as for any other failure. */
  DENY,
  /** Admit with a warning that says the model was not verified. */
  ALLOW
}
