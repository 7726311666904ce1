/**
 * The {@code modelgate} command line (picocli): thin commands that map flags onto the core's
 * request records, run them, and print the result for people (stderr) or machines ({@code --json},
 * stdout). Exit codes: 0 verified, 1 verification failed, 2 bad usage or unreadable input, 3 could
 * not decide.
 */
package dev.modelgate.cli;
