/** The symbol table: labels, `.equ`/`.set` values, undefined references, binding and type. */
import type { Expr, SymbolLike } from "./expr.ts";
import type { Section } from "./section.ts";
import type { SourceLocation } from "./diagnostics.ts";

export type Binding = "local" | "global" | "weak";
export type SymbolType = "notype" | "func" | "object" | "section" | "file";

export class Sym implements SymbolLike {
  /** Section of a label; null for an absolute or undefined symbol. */
  section: Section | null = null;
  /** Section offset of a label, or the absolute value of a constant. */
  value = 0;
  /** Number of variable-size items (branches, alignments) before this label in its section. */
  itemIndex = 0;
  /** "label", "equ" (value or expression), or "undef" (referenced, not yet defined). */
  state: "undef" | "label" | "equ" = "undef";
  /** Expression of a `.set`/`.equ` whose value is not a plain constant. */
  expr: Expr | null = null;
  binding: Binding = "local";
  bindingExplicit = false;
  type: SymbolType = "notype";
  size: Expr | null = null;
  defLoc: SourceLocation | null = null;
  /** Referenced by a relocation (kept in the object's symbol table even when `.L` local). */
  usedInReloc = false;
  /** Internal label made by the assembler (pseudo-instruction pcrel pairs). */
  internal = false;
  /** Index in Program.symbols once the program is built (relocations refer to symbols by it). */
  programIndex = -1;
  /** Name written to the ELF symbol table when it differs from the lookup name. */
  elfName: string;
  constructor(readonly name: string) {
    this.elfName = name;
  }

  get defined(): boolean {
    return this.state !== "undef";
  }
}

export class SymbolTable {
  private readonly map = new Map<string, Sym>();
  /** Assembler-made labels (pcrel pairs): not looked up by name, only referenced directly. */
  private readonly anonymous: Sym[] = [];

  /** A new label that is not in the name table. */
  anonymousLabel(elfName: string): Sym {
    const s = new Sym(elfName);
    this.anonymous.push(s);
    return s;
  }

  get(name: string): Sym {
    let s = this.map.get(name);
    if (s === undefined) {
      s = new Sym(name);
      this.map.set(name, s);
    }
    return s;
  }

  find(name: string): Sym | undefined {
    return this.map.get(name);
  }

  /** Named symbols, then anonymous labels. */
  all(): Sym[] {
    return Array.from(this.map.values()).concat(this.anonymous);
  }
}
