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

const SEED = Number(process.env.ASM_FUZZ_SEED ?? 0x5eed);
const LINES = 20_000;
const CHUNK = 250;
const fixtures = join(import.meta.dirname, "..", "fixtures", "riscv-asm");

const ALPHABET = " \t,()%.:;#\"'\\-+*/<>=!&|^~@$_0123456789abcdefxvtmsp\n";
const SNIPPETS = [
  ".macro", ".endm", ".rept 3", ".endr", ".irp x, 1, 2", ".if 1", ".else", ".endif", ".ifdef", ".include \"nowhere.s\"",
  "%hi(", "%lo(x)", "%pcrel_lo(1b)", "1b", "2f", "0x", "0b", "'", "\"", "v0.t", ",", "(", ")", ":", ";", "\\", "\\@",
  "4096", "-2049", "0xffffffffffffffff", "99999999999999999999", "1<<40", ".", "x31", "x32", "v32", "e64", "mf8",
  ".section .foo, \"awx\", @nobits", ".pushsection .x", ".popsection", ".option rvc", ".option pop", ".align 20", ".balign 3",
  ".fill 100000000, 8, 1", ".space 1 << 30", ".equ a, a + 1", ".set b, c", "c = b", ".size x, y - z", ".word 1b - 2f",
];

function mutate(line: string, r: Rng): string {
  let s = line;
  const n = 1 + r.int(0, 2);
  for (let k = 0; k < n; k++) {
    const p = s.length === 0 ? 0 : r.int(0, s.length - 1);
    switch (r.int(0, 7)) {
      case 0:
        s = s.slice(0, p) + s.slice(p + 1);
        break;
      case 1:
        s = s.slice(0, p) + ALPHABET[r.int(0, ALPHABET.length - 1)] + s.slice(p);
        break;
      case 2:
        s = s.slice(0, p) + r.pick(SNIPPETS) + s.slice(p);
        break;
      case 3:
        s = s.slice(0, p);
        break;
      case 4:
        s = s.replace(/-?\d+/, String(r.pick([0, -1, 2047, 2048, -2048, -2049, 4095, 0x7fffffff, -0x80000000, 0xffffffff, 2 ** 53, 31, 32])));
        break;
      case 5:
        s = s + s.slice(p);
        break;
      case 6:
        s = r.pick(SNIPPETS) + " " + s;
        break;
      default: {
        const q = r.int(0, Math.max(0, s.length - 1));
        const a = s.split("");
        [a[p], a[q]] = [a[q] ?? "", a[p] ?? ""];
        s = a.join("");
      }
    }
  }
  return s;
}

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
