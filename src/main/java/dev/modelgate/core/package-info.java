/**
 * Vocabulary shared by every capability: stable failure {@link dev.modelgate.core.Reason} codes,
 * the {@link dev.modelgate.core.Failure} value, the small exception tree and the named input {@link
 * dev.modelgate.core.Limits}. It depends on nothing else in ModelGate.
 */
package dev.modelgate.core;
