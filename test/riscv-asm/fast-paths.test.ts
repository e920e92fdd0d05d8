/**
 * Inputs that exercise the assembler's fast paths (numbers, symbols and data arguments read
 * without the general parser, register and mnemonic lookups, reused statement records, branch
 * reach checked without evaluating) next to the general code they stand in for: the bytes,
 * relocations and messages must be exactly those of the general path. Expected values were
 * produced before the fast paths existed.
 */
import { createHash } from "node:crypto";
import { expect } from "chai";
import { assemble, formatDiagnostic } from "../../riscv-asm/index.ts";

/** Diagnostics, section bytes and relocations of an object, as text. */
function summary(source: string): string {
  const r = assemble(source, { file: "t.s", output: "object" });
  const out = [`object ok=${r.ok}`, ...r.diagnostics.map(formatDiagnostic)];
  for (const s of r.program?.sections ?? []) {
    if (s.size === 0) continue;
    const relocs = s.relocations.map((x) => `${x.offset}:${x.type}:${x.symbol}:${x.addend}`).join(",");
    // (long sections by size and hash, to keep this file short)
    const bytes = s.size > 64 ? `${s.size} bytes, sha256 ${createHash("sha256").update(s.bytes).digest("hex")}` : Buffer.from(s.bytes).toString("hex");
    out.push(`${s.name} ${bytes} relocs=${relocs}`);
  }
  return out.join("\n");
}

const CASES: [name: string, source: string, expected: string][] = [
  ["data", ".data\nx: .word 1, (2 + 3), 'a', x, \"sym\"\n.byte 0x7f, 0X10, 010, -1\n.half 0xFFFF,2\n.dword  0x123456789abcdef0, -5\n", "object ok=true\n.data 01000000050000006100000000000000000000007f1008ffffff0200f0debc9a78563412fbffffffffffffff relocs=12:1:0:0,16:1:1:0"],
  ["dataErrors", ".data\n.word 1), 2\n.word (1,2)\n.word 1,\n.word ,1\n.byte 1 2\n", "object ok=false\nt.s:2:8: error: .word: unexpected ')' after the expression\n.word 1), 2\n       ^\nt.s:3:9: error: expected ')', found ','\n.word (1,2)\n        ^\nt.s:4:9: error: expected an expression, found end of line\n.word 1,\n        ^\nt.s:5:7: error: expected an expression, found end of line\n.word ,1\n      ^\nt.s:6:9: error: .byte: unexpected '2' after the expression\n.byte 1 2\n        ^"],
  ["numbers", "addi a0, a0, 0x7ff\naddi a1,a1,-0X10\nli a2, 0xABCDEF\nli a3, 0x80000000\nli a4, 4096\nli a5, -4096\nli a6, 010\n", "object ok=true\n.text 1305f57f938505ff37d6ab001306f6deb706008037170000b7f7ffff13088000 relocs="],
  ["badNumber", "addi a7, a7, 0x\n", "object ok=false\nt.s:1:14: error: malformed number '0x'\naddi a7, a7, 0x\n             ^"],
  ["symbols", "la a0, sym\nla a1, .\nj foo\nfoo: call foo\nla a2, foo + 4\nbeq a0, a1, foo\n", "object ok=true\n.text 170500001305050097050000938505006f00400097000000e78000001706000013060600e308b5fe relocs=0:23:5:0,4:24:2:0,8:23:0:0,12:24:3:0,16:17:1:0,20:19:1:0,28:23:1:4,32:24:4:0,36:16:1:0"],
  ["registerAsSymbol", "beq a0, a1, x0\njal t0, v1\n", "object ok=false\nt.s:1:13: error: expected an expression, found register 'x0'\nbeq a0, a1, x0\n            ^\nt.s:2:9: error: expected an expression, found register 'v1'\njal t0, v1\n        ^"],
  ["vtype", "vsetvli a0, a1, e8, m2, tu, mu\nvsetvli a0, a1, e32, ta\nvsetivli a0, 5, e16, mf2, ta, ma\n", "object ok=true\n.text 57f5150057f5050557f5f2cc relocs="],
  ["badVtype", "vsetvli a0, a1, e32, m1, mx\n", "object ok=false\nt.s:1:26: error: vsetvli: expected tail policy (ta, tu), found 'mx'\nvsetvli a0, a1, e32, m1, mx\n                         ^"],
  ["macros", ".macro m a\n addi a0, a0, \\a\n.endm\n m 5 ; m 6\n.rept 2\n nop\n.endr\n.irp r, a0, a1\n mv \\r, zero\n.endr\n", "object ok=true\n.text 130555001305650013000000130000001305000093050000 relocs="],
  ["macroError", ".macro m a\n addi a0, a0, \\a\n.endm\n nop\n m 99999\n", "object ok=false\nt.s:5:14: error: immediate 99999 out of range for addi: -2048..2047\naddi a0, a0, 99999\n             ^"],
  ["unterminated", "nop\n.macro never\n nop\n", "object ok=false\nt.s:2:1: error: missing .endm for the .macro started here\n.macro never\n^"],
  ["unterminatedIf", "nop\n.if 0\n nop\n", "object ok=false\nt.s:2:1: error: missing .endif for this .if (1 still open at end of input)\n.if 0\n^"],
  ["upper", "ADDI a0, a0, 1\n.WORD 5\nLi a0, 70000\n", "object ok=true\n.text 13051500050000003715010013050517 relocs="],
  ["relaxation", "beq a0, a1, far\nbne a0, a1, ext\nblt a0, a1, wk\nbge a0, a1, eq\nbeq a0, a1, near\nnear: nop\n.space 5000\nfar: nop\n.weak wk\nwk: nop\n.equ eq, far\n1: beq a0, a1, 1b\n", "object ok=true\n.text 5052 bytes, sha256 e382b7a6b992e9ba9d5f817dcc2bf7b71c66a7bfa63b1b5d0363829d6921b8e9 relocs=4:17:0:0,12:17:4:0,20:17:5:0,28:17:0:0,32:16:2:0,5048:16:3:0"],
];

describe("riscv-asm fast paths", () => {
  for (const [name, source, want] of CASES) {
    it(`${name} assembles as the general path does`, () => {
      expect(summary(source)).to.equal(want);
    });
  }
});
