/** Mutation of valid source lines into likely-invalid ones, for the fuzz and fast-path tests. */
import type { Rng } from "./forms.ts";

const ALPHABET = " \t,()%.:;#\"'\\-+*/<>=!&|^~@$_0123456789abcdefxvtmsp\n";
const SNIPPETS = [
  ".macro", ".endm", ".rept 3", ".endr", ".irp x, 1, 2", ".if 1", ".else", ".endif", ".ifdef", ".include \"nowhere.s\"",
  "%hi(", "%lo(x)", "%pcrel_lo(1b)", "1b", "2f", "0x", "0b", "'", "\"", "v0.t", ",", "(", ")", ":", ";", "\\", "\\@",
  "4096", "-2049", "0xffffffffffffffff", "99999999999999999999", "1<<40", ".", "x31", "x32", "v32", "e64", "mf8",
  ".section .foo, \"awx\", @nobits", ".pushsection .x", ".popsection", ".option rvc", ".option pop", ".align 20", ".balign 3",
  ".fill 100000000, 8, 1", ".space 1 << 30", ".equ a, a + 1", ".set b, c", "c = b", ".size x, y - z", ".word 1b - 2f",
];

/** One to three random edits of `line`: characters, snippets, numbers at range edges, cuts, swaps. */
export function mutate(line: string, r: Rng): string {
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
