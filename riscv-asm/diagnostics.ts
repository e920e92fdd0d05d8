/** Diagnostics: every error names file:line:col, shows the source line and a caret. */

export interface SourceLocation {
  readonly file: string;
  /** 1-based line number. */
  readonly line: number;
  /** The full text of the source line (after macro expansion, if any). */
  readonly text: string;
}

export interface Diagnostic {
  readonly severity: "error" | "warning";
  readonly file: string;
  readonly line: number;
  /** 1-based column. */
  readonly col: number;
  readonly message: string;
  readonly sourceLine: string;
}

/**
 * Thrown inside the assembler for bad input; always caught and turned into a Diagnostic.
 * Deliberately not an Error subclass: no stack trace is captured (operand-form matching
 * throws these routinely, so they must be cheap).
 */
export class AsmError {
  /**
   * @param offset column offset into the statement's line (0-based), or -1 for "the start of the statement"
   * @param rank between errors at the same column of different operand forms, the higher rank is reported
   */
  constructor(readonly message: string, readonly offset: number = -1, readonly rank = 1) {}
}

/** `file.s:12:9: error: message`, the line, and a caret under column 9. */
export function formatDiagnostic(d: Diagnostic): string {
  const text = d.sourceLine.replace(/\t/g, " ");
  const caret = " ".repeat(Math.max(0, Math.min(d.col - 1, text.length))) + "^";
  return `${d.file}:${d.line}:${d.col}: ${d.severity}: ${d.message}\n${text}\n${caret}`;
}

/** Most errors reported for one assembly before giving up. */
export const MAX_ERRORS = 100;
