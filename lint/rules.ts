/** The rules of `tsrtl lint`: names, one-line summaries. docs/lint.md has an example of each. */

export const RULES = {
  "reg-assign-outside-seq":
    "a register's next value (.next =, setNextWord, copyNextFrom) is assigned outside a clocked block (this.seq), or a register's .value is assigned",
  "next-on-non-register": ".next / setNextWord / copyNextFrom on a signal that is not a register (input, output or wire)",
  "output-never-driven": "an output is never driven: not a connect sink, not in any comb writes, never assigned",
  nondeterminism: "Math.random, Date, performance, process.hrtime, crypto or timers in hardware code",
  "io-in-hardware": "console, process I/O or an import of an I/O module (fs, net, http, child_process, ...) in hardware code",
  "comb-undeclared-read": "a combinational block reads a non-register signal that is not in its reads (or writes)",
  "comb-undeclared-write": "a combinational block writes a signal that is not in its writes",
  "comb-declared-unused": "a signal in a combinational block's reads or writes that the block never reads or writes",
  "bad-suppression": "a tsrtl-lint-disable comment without a known rule name or without a reason (-- why)",
  "unused-suppression": "a tsrtl-lint-disable comment that suppresses nothing",
  "syntax-error": "the file does not parse",
} as const;

export type RuleName = keyof typeof RULES;

export function isRuleName(s: string): s is RuleName {
  return Object.prototype.hasOwnProperty.call(RULES, s);
}

/** One finding. `line` and `col` are 1-based. */
export interface Violation {
  file: string;
  line: number;
  col: number;
  rule: RuleName;
  message: string;
}
