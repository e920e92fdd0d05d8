/**
 * A section's fixups, stored column-wise: numbers in typed arrays, references in plain arrays,
 * and the source location as (file, line, the text holding the line, its start and end), so
 * that a fixup costs no objects of its own. Large programs have one fixup every few lines, and
 * an object per fixup (with its location and expression) was a visible share of the garbage
 * collector's work. (Arrays start as emptyArray(): every section has a table, and one section's
 * first fixup late in a file must not meet arrays of another hidden class.)
 */
import type { SourceLocation } from "./diagnostics.ts";
import type { Expr } from "./expr.ts";
import type { Sym } from "./symbols.ts";
import { emptyArray } from "./empty-array.ts";

/** How a fixup's value is put into the section. */
export type FixupKind =
  | "data8" | "data16" | "data32" | "data64"
  | "branch" | "jal" | "call"
  | "hi20" | "lo12i" | "lo12s"
  | "pcrel_hi20" | "pcrel_lo12i" | "pcrel_lo12s";

/** Where a fixup was written: line `line` of `file` is text[start, end). */
export interface FixupSource {
  readonly file: string;
  readonly line: number;
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

export class FixupTable {
  length = 0;
  /** Section offset of the instruction or data the fixup patches. */
  offset = new Int32Array(64);
  /** Column offset of the operand in the source line. */
  col = new Int32Array(64);
  /** Number of variable-size items before the fixup in its section (for layout). */
  itemIndex = new Int32Array(64);
  line = new Int32Array(64);
  /** Index into `sources` of the file and text holding the line. */
  source = new Int32Array(64);
  textStart = new Int32Array(64);
  textEnd = new Int32Array(64);
  readonly kind: FixupKind[] = emptyArray();
  /** The symbol when the expression is exactly one symbol (saves a name lookup at the end). */
  readonly target: (Sym | null)[] = emptyArray();
  /** The expression; null when it is just `target` (see exprOf). */
  readonly expr: (Expr | null)[] = emptyArray();
  /** Mnemonic or directive, for range error messages. */
  readonly what: string[] = emptyArray();
  /** The (file, text) pairs fixups were written in: mostly one per file (the whole file's text). */
  private readonly sources: { readonly file: string; readonly text: string }[] = emptyArray();

  add(offset: number, kind: FixupKind, expr: Expr, target: Sym | null, col: number, what: string, itemIndex: number, src: FixupSource): number {
    const i = this.length;
    if (i === this.offset.length) this.grow();
    this.offset[i] = offset;
    this.col[i] = col;
    this.itemIndex[i] = itemIndex;
    this.line[i] = src.line;
    this.source[i] = this.sourceIndex(src.file, src.text);
    this.textStart[i] = src.start;
    this.textEnd[i] = src.end;
    this.kind.push(kind);
    this.target.push(target);
    // a lone symbol is rebuilt from the target when needed
    this.expr.push(expr.k === "sym" && target !== null && target.name === expr.name && expr.at === col ? null : expr);
    this.what.push(what);
    this.length = i + 1;
    return i;
  }

  private sourceIndex(file: string, text: string): number {
    const n = this.sources.length;
    const last = this.sources[n - 1];
    if (last !== undefined && last.text === text && last.file === file) return n - 1;
    this.sources.push({ file, text });
    return n;
  }

  /** The expression of fixup i. */
  exprOf(i: number): Expr {
    return this.expr[i] ?? { k: "sym", name: this.target[i]!.name, at: this.col[i]! };
  }

  /** Where fixup i was written (made on demand: only messages need it). */
  loc(i: number): SourceLocation {
    const src = this.sources[this.source[i]!]!;
    return { file: src.file, line: this.line[i]!, text: src.text.slice(this.textStart[i], this.textEnd[i]) };
  }

  private grow(): void {
    const n = this.offset.length * 2;
    const bigger = (a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    this.offset = bigger(this.offset);
    this.col = bigger(this.col);
    this.itemIndex = bigger(this.itemIndex);
    this.line = bigger(this.line);
    this.source = bigger(this.source);
    this.textStart = bigger(this.textStart);
    this.textEnd = bigger(this.textEnd);
  }
}
