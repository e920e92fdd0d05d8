/**
 * Mnemonic lookup for the assembler: one map lookup per instruction statement gives both the
 * table forms and the pseudo-instruction of a name (instead of one lookup per table), and the
 * canonical spelling, which fixups keep instead of a copy of each statement's text.
 */
import { INSNS_BY_NAME, type InsnSpec } from "./isa/index.ts";
import { PSEUDOS, type Pseudo } from "./pseudo.ts";

export interface Mnemonic {
  /** The lower-case name, as in the tables. */
  readonly name: string;
  /** Table forms to try, in assembly order; undefined when the pseudo-instruction handles every operand. */
  readonly forms: readonly InsnSpec[] | undefined;
  readonly pseudo: Pseudo | undefined;
}

/** Pseudo-instructions that handle every operand value themselves (tried before the table). */
const PSEUDO_FIRST: ReadonlySet<string> = new Set(["li"]);

function build(): Map<string, Mnemonic> {
  const m = new Map<string, Mnemonic>();
  for (const name of new Set([...INSNS_BY_NAME.keys(), ...PSEUDOS.keys()])) {
    const pseudo = PSEUDOS.get(name);
    const forms = pseudo !== undefined && PSEUDO_FIRST.has(name) ? undefined : INSNS_BY_NAME.get(name);
    m.set(name, { name, forms, pseudo });
  }
  return m;
}

const MNEMONICS: ReadonlyMap<string, Mnemonic> = build();

/** The mnemonic spelled `name` (in any case), or undefined. */
export function findMnemonic(name: string): Mnemonic | undefined {
  return MNEMONICS.get(name) ?? MNEMONICS.get(name.toLowerCase());
}
