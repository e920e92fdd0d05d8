/** tsrtl lint: every rule on its fixture (exact file:line:col rule), hw/ itself clean, the CLI's exit codes. */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { LintInputError, formatViolation, lint } from "../../lint/index.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const fixtures = "test/fixtures/lint";

/** `file:line:col rule` of every finding for one fixture, linted from the repository root. */
function findings(fixture: string): string[] {
  return lint([`${fixtures}/${fixture}`], root).violations.map((v) => `${v.file}:${v.line}:${v.col} ${v.rule}`);
}

function at(fixture: string, ...where: string[]): string[] {
  return where.map((w) => `${fixtures}/${fixture}:${w}`);
}

function tsrtl(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(root, "bin", "tsrtl.ts"), ...args], { cwd: root, encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("tsrtl lint", () => {
  describe("rules, one fixture each", () => {
    it("a clean design (arrays, aliases, memories, child modules, helpers, arrow blocks, subclasses) has no findings", () => {
      expect(lint([`${fixtures}/clean.ts`], root).violations.map(formatViolation)).to.deep.equal([]);
    });

    it("reg-assign-outside-seq: a register array written in a comb block or a testbench method, not in its seq block", () => {
      expect(findings("reg-array.ts")).to.deep.equal(at("reg-array.ts", "15:7 reg-assign-outside-seq", "27:5 reg-assign-outside-seq"));
    });

    it("reg-assign-outside-seq: .next in the constructor, in a comb block, in a testbench method; .value on a register", () => {
      expect(findings("reg-assign-outside-seq.ts")).to.deep.equal(
        at(
          "reg-assign-outside-seq.ts",
          "14:5 reg-assign-outside-seq",
          "17:7 reg-assign-outside-seq",
          "23:5 reg-assign-outside-seq",
          "29:5 reg-assign-outside-seq",
          "30:5 reg-assign-outside-seq",
        ),
      );
    });

    it("vectors: setNext in a comb block or a testbench method, set on registers, an undeclared set; right uses pass", () => {
      expect(findings("vectors.ts")).to.deep.equal(
        at("vectors.ts", "27:7 reg-assign-outside-seq", "28:7 reg-assign-outside-seq", "29:7 comb-undeclared-write", "39:5 reg-assign-outside-seq"),
      );
    });

    it("next-on-non-register: .next of a wire and of an output", () => {
      expect(findings("next-on-non-register.ts")).to.deep.equal(at("next-on-non-register.ts", "16:7 next-on-non-register", "17:7 next-on-non-register"));
    });

    it("output-never-driven: a scalar output and an array of outputs; connected, comb-written and array-written ones pass", () => {
      expect(findings("output-never-driven.ts")).to.deep.equal(at("output-never-driven.ts", "8:24 output-never-driven", "15:54 output-never-driven"));
      const msg = lint([`${fixtures}/output-never-driven.ts`], root).violations[0]!.message;
      expect(msg).to.contain('"forgotten"');
    });

    it("nondeterminism: Math.random, Date, performance, timers, process.hrtime; not a local or a type named the same", () => {
      expect(findings("nondeterminism.ts")).to.deep.equal(
        at("nondeterminism.ts", "12:32 nondeterminism", "13:11 nondeterminism", "13:47 nondeterminism", "14:7 nondeterminism", "15:21 nondeterminism"),
      );
    });

    it("io-in-hardware: an fs import (not a type-only one), console, process.env", () => {
      expect(findings("io-in-hardware.ts")).to.deep.equal(at("io-in-hardware.ts", "2:31 io-in-hardware", "14:7 io-in-hardware", "15:11 io-in-hardware"));
    });

    it("comb-undeclared-read / -write: inputs, array elements through an alias, memory read data, a child's output, a helper's parameter", () => {
      expect(findings("comb-undeclared.ts")).to.deep.equal(
        at(
          "comb-undeclared.ts",
          "24:39 comb-undeclared-read",
          "36:5 comb-undeclared-write",
          "42:5 comb-undeclared-write",
          "42:23 comb-undeclared-read",
          "43:20 comb-undeclared-read",
        ),
      );
      const messages = lint([`${fixtures}/comb-undeclared.ts`], root).violations.map((v) => v.message);
      expect(messages[0]).to.equal("this.b: combinational block at line 23 reads this input, which is not in its reads");
      expect(messages[1]).to.equal("o: combinational block 'out' writes this output, which is not in its writes");
    });

    it("comb-declared-unused: a declared read and a declared write the code never touches", () => {
      expect(findings("comb-declared-unused.ts")).to.deep.equal(at("comb-declared-unused.ts", "13:33 comb-declared-unused", "16:45 comb-declared-unused"));
    });

    it("suppressions need a known rule and a reason, and must silence something", () => {
      expect(findings("suppressions.ts")).to.deep.equal(
        at("suppressions.ts", "15:7 bad-suppression", "16:7 io-in-hardware", "17:7 bad-suppression", "19:7 unused-suppression"),
      );
    });

    it("reports sorted by file, line and column across files", () => {
      const vs = lint([fixtures], root).violations;
      const keys = vs.map((v) => [v.file, v.line, v.col] as const);
      const sorted = [...keys].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1] || a[2] - b[2]));
      expect(keys).to.deep.equal(sorted);
      expect(new Set(vs.map((v) => v.file)).size).to.equal(10); // every fixture but clean.ts
    });

    it("a path that does not exist is a LintInputError", () => {
      expect(() => lint(["no/such/dir"], root)).to.throw(LintInputError, "no/such/dir: no such file or directory");
    });
  });

  it("hw/ is clean", () => {
    const { violations, files } = lint(["hw"], root);
    expect(files.length).to.be.greaterThan(10);
    expect(violations.map(formatViolation)).to.deep.equal([]);
  });

  describe("command line", () => {
    it("exit 1 and file:line:col rule message lines on stdout, a summary on stderr", () => {
      const r = tsrtl("lint", `${fixtures}/next-on-non-register.ts`);
      expect(r.status).to.equal(1);
      expect(r.stdout.trimEnd().split("\n")).to.deep.equal([
        `${fixtures}/next-on-non-register.ts:16:7 next-on-non-register this.w: only registers have a next value (this is a wire)`,
        `${fixtures}/next-on-non-register.ts:17:7 next-on-non-register this.out: only registers have a next value (this is an output)`,
      ]);
      expect(r.stderr).to.match(/tsrtl lint: 2 problems in 1 file \(1 file checked, \d+ ms\)/);
    });

    it("exit 0 on a clean file", () => {
      const r = tsrtl("lint", `${fixtures}/clean.ts`);
      expect(r.status).to.equal(0);
      expect(r.stdout).to.equal("");
      expect(r.stderr).to.contain("no problems");
    });

    it("exit 2 with one clear line (no stack) for a missing path or an unknown option", () => {
      const missing = tsrtl("lint", "does/not/exist.ts");
      expect(missing.status).to.equal(2);
      expect(missing.stderr.trim()).to.equal("tsrtl lint: does/not/exist.ts: no such file or directory");
      const bad = tsrtl("lint", "--frobnicate");
      expect(bad.status).to.equal(2);
      expect(bad.stderr.trim()).to.equal("tsrtl lint: unknown option --frobnicate");
    });

    it("--rules lists every rule", () => {
      const r = tsrtl("lint", "--rules");
      expect(r.status).to.equal(0);
      for (const rule of ["reg-assign-outside-seq", "output-never-driven", "nondeterminism", "io-in-hardware", "comb-undeclared-read", "comb-undeclared-write", "comb-declared-unused"]) {
        expect(r.stdout).to.contain(rule);
      }
    });
  });
});
