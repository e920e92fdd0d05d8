/**
 * Disassembler: same text as GNU objdump (with and without aliases) for every form with edge
 * values and seeded random instructions; round trip assemble -> disassemble -> assemble.
 */
import { expect } from "chai";
import { ALL_INSNS } from "../../riscv-asm/isa/index.ts";
import { disassemble, tryDisassemble } from "../../riscv-asm/index.ts";
import { edgeLines, randomLines, Rng } from "./forms.ts";
import { objdumpWords, words } from "./reference-tools.ts";
import { oursText } from "./helpers.ts";

const SEED = Number(process.env.ASM_TEST_SEED ?? 20240611);

describe("riscv-asm disassembler", function () {
  this.timeout(120_000);
  const lines = [...edgeLines(ALL_INSNS), ...randomLines(ALL_INSNS, 12_000, SEED + 3)];
  const code = words(oursText(lines.join("\n") + "\n"));

  for (const aliases of [true, false]) {
    it(`prints what objdump -d${aliases ? "" : " -M no-aliases"} prints for every encoded form and 12,000 random instructions`, () => {
      const ref = objdumpWords(code, aliases);
      expect(ref.length).to.equal(code.length);
      const bad: string[] = [];
      code.forEach((w, i) => {
        const mine = disassemble(w, i * 4, { aliases });
        if (mine !== ref[i]) bad.push(`  ${lines[i]} (0x${w.toString(16)}): ours '${mine}' objdump '${ref[i]}'`);
      });
      expect(bad.length, `${bad.length} differ:\n${bad.slice(0, 20).join("\n")}`).to.equal(0);
    });
  }

  it("round trip: assemble, disassemble (both styles), assemble again gives the same bytes", () => {
    for (const aliases of [true, false]) {
      const text = roundTripSource(code, aliases);
      const again = words(oursText(text.join("\n") + "\n"));
      expect(again.length).to.equal(code.length);
      const bad = code.map((w, i) => (w === again[i] ? "" : `  ${text[i]}: ${w.toString(16)} -> ${again[i]?.toString(16)}`)).filter((s) => s !== "");
      expect(bad.length, `${bad.length} words change:\n${bad.slice(0, 20).join("\n")}`).to.equal(0);
    }
  });

  it("words that are not instructions: tryDisassemble gives undefined, disassemble gives .word", () => {
    expect(tryDisassemble(0)).to.equal(undefined);
    expect(tryDisassemble(0xffffffff)).to.equal(undefined);
    expect(disassemble(0x00000000)).to.equal(".word 0x00000000");
    expect(tryDisassemble(0x0001)).to.equal(undefined); // compressed encodings are not supported
    const r = new Rng(SEED);
    for (let i = 0; i < 50_000; i++) {
      const w = r.next();
      const s = disassemble(w, r.next() & ~3);
      expect(s).to.be.a("string").and.not.equal("");
    }
  });
});

/** B/J-type instructions: their last operand is an absolute target address. */
function isTarget(w: number): boolean {
  const op = w & 0x7f;
  return op === 0x63 || op === 0x6f;
}

/** Our disassembly as source lines; branch targets (absolute addresses) written as `.+offset`. */
function roundTripSource(code: readonly number[], aliases: boolean): string[] {
  return code.map((w, i) => {
    const t = disassemble(w, i * 4, { aliases });
    if (!isTarget(w)) return t;
    return t.replace(/(0x[0-9a-f]+)$/, (_m, a: string) => {
      const off = (Number(a) - i * 4) | 0;
      return off < 0 ? `.${off}` : `.+${off}`;
    });
  });
}
