/**
 * Seeded fuzzing: 20,000+ mutated lines of valid programs per run. The assembler must never
 * throw, never report an internal error, never hang, and every diagnostic must be well formed.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { ALL_INSNS } from "../../riscv-asm/isa/index.ts";
import { assemble, formatDiagnostic, readElf, writeElf } from "../../riscv-asm/index.ts";
import { randomLines, Rng } from "./forms.ts";
import { mutate } from "./mutate.ts";

const SEED = Number(process.env.ASM_FUZZ_SEED ?? 0x5eed);
const LINES = 20_000;
const CHUNK = 250;
const fixtures = join(import.meta.dirname, "..", "fixtures", "riscv-asm");

describe("riscv-asm fuzz", function () {
  this.timeout(120_000);

  it(`${LINES} mutated lines (seed 0x${SEED.toString(16)}): no crash, no internal error, no hang, well-formed diagnostics`, () => {
    const r = new Rng(SEED);
    const corpus = [
      ...["program.s", "macros.s"].flatMap((f) => readFileSync(join(fixtures, f), "utf8").split("\n")),
      ...readFileSync(join(fixtures, "rvtest.S"), "utf8").split("\n").filter((l) => !l.startsWith("#")),
      ...randomLines(ALL_INSNS, 2000, SEED),
    ].filter((l) => l.trim() !== "");
    let total = 0;
    let withErrors = 0;
    let okPrograms = 0;
    while (total < LINES) {
      const lines: string[] = [];
      for (let i = 0; i < CHUNK; i++) {
        const l = r.pick(corpus);
        lines.push(r.int(0, 9) < 8 ? mutate(l, r) : l);
      }
      total += lines.length;
      const src = lines.join("\n") + "\n";
      let result: ReturnType<typeof assemble>;
      try {
        result = assemble(src, { file: "fuzz.s", readFile: () => undefined, output: r.int(0, 1) === 0 ? "object" : "executable" });
      } catch (e) {
        expect.fail(`assemble threw for input:\n${src}\n${String((e as Error).stack)}`);
      }
      for (const d of result.diagnostics) {
        expect(d.message, `internal error for input:\n${src}`).not.to.match(/internal error/);
        expect(d.line).to.be.greaterThan(0);
        expect(d.col).to.be.greaterThan(0);
        expect(d.message.length).to.be.greaterThan(0);
        expect(formatDiagnostic(d).split("\n").length).to.equal(3);
      }
      if (result.ok && result.program) {
        okPrograms++;
        const elf = readElf(writeElf(result.program));
        expect(elf.sections.length).to.be.greaterThan(0);
      } else withErrors++;
    }
    expect(total).to.be.at.least(LINES);
    expect(withErrors).to.be.greaterThan(0);
    void okPrograms;
  });
});
