package dev.modelgate.cli;

/** The CLI's exit codes (DESIGN.md section 6). */
final class ExitCode {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int BAD_INPUT = 2;
  static final int UNDECIDED = 3;

  private ExitCode() {}
}
