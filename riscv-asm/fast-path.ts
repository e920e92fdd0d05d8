/**
 * The fast path for the most common lines: blank lines, comments, a label alone, a data
 * directive of plain numbers and symbols, one instruction (or pseudo-instruction) or several
 * instructions separated by `;`, each optionally followed by a `#` comment, outside macro
 * bodies and false conditionals. Such a line skips the statement splitter, the statement
 * record, the per-statement cursor and the form search. Anything else (strings, block
 * comments, macros...) and every line with an error or a warning takes the normal path:
 * nothing here has a side effect before it is sure to succeed, so the normal path can start
 * the line over (and is the one place that explains errors).
 */
import type { Assembler } from "./assembler.ts";
import { Cursor, isIdentChar, isIdentStart } from "./cursor.ts";
import { DATA_SIZES, dataRangeMessage } from "./directives.ts";
import { emptyArray } from "./empty-array.ts";
import { simpleExpr, type Expr } from "./expr.ts";
import type { InsnSpec } from "./isa/index.ts";
import { findMnemonic, type Mnemonic } from "./mnemonics.ts";
import { countOperands, encodeOperands, type PendingFixup } from "./operands.ts";
import { SPECIAL, type StatementSplitter } from "./source.ts";

const CH_HASH = 35, CH_COLON = 58, CH_EQUALS = 61, CH_CR = 13, CH_DOT = 46, CH_COMMA = 44, CH_SEMI = 59;
/** encode(): the line must take the normal path. */
const REFUSED = -1;
/** encode(): a pseudo-instruction, which emits as it goes (see instruction()). */
const PSEUDO = -2;

export class FastPath {
  private readonly cursor = new Cursor("", 0);
  /** Fixups of each instruction of a line (all encoded before any is emitted). */
  private readonly pending: PendingFixup[][] = [emptyArray()];
  private readonly words: number[] = [];
  private readonly names: string[] = [];
  /** The mnemonic encode() found. */
  private mnemonic: Mnemonic | undefined = undefined;
  /** A data line's arguments, all read before any is emitted. */
  private readonly args: Expr[] = emptyArray();
  private readonly scan = new SpecialScan();

  /** Assembles line [p, q) of `text` and returns true, or returns false having done nothing. */
  line(asm: Assembler, splitter: StatementSplitter, text: string, p: number, q: number): boolean {
    const c = this.cursor;
    c.reset(text, 0 - p, p, q); // (not -p: -0, for p = 0, would make the field a double)
    c.skipSpaces();
    const s = c.pos;
    if (s === q) {
      splitter.line++; // blank
      return true;
    }
    if (text.charCodeAt(q - 1) === CH_CR) return false;
    const first = text.charCodeAt(s);
    if (first === CH_HASH) {
      if (s === p) return false; // in column 0 it may be a preprocessor line marker
      splitter.line++;
      return true;
    }
    if (!isIdentStart(first)) return false;
    const e = identEnd(text, s, q);
    const end = this.scan.statementEnd(text, e, q);
    if (end < 0 || !asm.acceptsFastPath()) return false;
    c.pos = e;
    c.end = end;
    if (!asm.beginFast(splitter.file, splitter.line + 1, text, p, q)) return false;
    let done: boolean;
    if (end < q && text.charCodeAt(end) === CH_SEMI) done = first !== CH_DOT && this.instructions(asm, c, s, e, q);
    else if (text.charCodeAt(e) === CH_COLON) done = label(asm, c, s, e);
    else if (first === CH_DOT) done = this.data(asm, c, text.slice(s, e));
    else done = this.instruction(asm, c, s, e);
    if (asm.endFast(done)) splitter.line++;
    return done;
  }

  /** The instruction named by text[s, e), operands up to c.end. */
  private instruction(asm: Assembler, c: Cursor, s: number, e: number): boolean {
    const pending = this.pending[0]!;
    const word = this.encode(asm, c, s, e, pending);
    const m = this.mnemonic!;
    if (word === PSEUDO) {
      // pseudo-instructions read all their operands before they emit anything
      try {
        m.pseudo!(asm, c, m.name);
        return true;
      } catch {
        return false;
      }
    }
    if (word === REFUSED) return false;
    asm.emitInsn(word, pending, m.name);
    return true;
  }

  /**
   * A line of `;`-separated instructions of the tables, the first named by text[s, e) with
   * operands up to c.end (the first `;`): all are encoded before any is emitted.
   */
  private instructions(asm: Assembler, c: Cursor, s: number, e: number, q: number): boolean {
    const text = c.text;
    const { words, names, pending } = this;
    words.length = 0;
    names.length = 0;
    for (;;) {
      if (e < q && text.charCodeAt(e) === CH_COLON) return false; // a label
      const n = words.length;
      if (pending.length === n) pending.push(emptyArray());
      const word = this.encode(asm, c, s, e, pending[n]!);
      if (word < 0) return false;
      words.push(word);
      names.push(this.mnemonic!.name);
      // the next statement: skip empty ones; a comment or the line's end ends the line
      let stop = c.end;
      for (;;) {
        if (stop >= q || text.charCodeAt(stop) === CH_HASH) return this.emitAll(asm);
        c.pos = stop + 1;
        c.end = q;
        c.skipSpaces();
        s = c.pos;
        if (s === q || text.charCodeAt(s) !== CH_SEMI) break;
        stop = s;
      }
      const first = text.charCodeAt(s);
      if (s === q || first === CH_HASH) return this.emitAll(asm);
      if (!isIdentStart(first) || first === CH_DOT) return false;
      e = identEnd(text, s, q);
      stop = this.scan.statementEnd(text, e, q);
      if (stop < 0) return false;
      c.pos = e;
      c.end = stop;
    }
  }

  private emitAll(asm: Assembler): boolean {
    const { words, names, pending } = this;
    for (let i = 0; i < words.length; i++) asm.emitInsn(words[i]!, pending[i]!, names[i]!);
    return true;
  }

  /**
   * Encodes the instruction named by text[s, e) with the operands up to c.end, the fixups in
   * `pending`: the word, PSEUDO (this.mnemonic is a pseudo-instruction) or REFUSED.
   */
  private encode(asm: Assembler, c: Cursor, s: number, e: number, pending: PendingFixup[]): number {
    c.skipSpaces();
    if (c.peek() === CH_EQUALS) return REFUSED;
    const name = c.text.slice(s, e);
    if (asm.macros.has(name)) return REFUSED;
    const m = findMnemonic(name);
    if (m === undefined) return REFUSED;
    this.mnemonic = m;
    if (m.forms === undefined) return PSEUDO;
    const form = firstForm(m.forms, m.pseudo !== undefined, c);
    if (form === undefined) return REFUSED;
    if (pending.length !== 0) pending.length = 0;
    try {
      return encodeOperands(form, c, asm, pending);
    } catch {
      return REFUSED;
    }
  }

  /** `.word` and friends (up to 4 bytes) whose arguments are numbers that fit, or symbols not defined by `.set`. */
  private data(asm: Assembler, c: Cursor, name: string): boolean {
    const bytes = DATA_SIZES.get(name);
    if (bytes === undefined || bytes > 4 || c.atEnd()) return false;
    const args = this.args;
    if (args.length !== 0) args.length = 0;
    for (;;) {
      const x = simpleExpr(c);
      if (x === undefined) return false;
      if (x.k === "num" ? dataRangeMessage(x.v, bytes, name) !== undefined : x.k !== "sym" || asm.symbols.get(x.name).state === "equ") return false;
      args.push(x);
      if (c.pos >= c.end) break;
      if (c.text.charCodeAt(c.pos) !== CH_COMMA) return false;
      c.pos++;
    }
    const sec = asm.cur;
    for (let i = 0; i < args.length; i++) {
      const x = args[i]!;
      if (sec.flags.exec) sec.markMapping("$d");
      if (x.k === "num") sec.emitValue(x.v, bytes);
      else if (x.k === "sym") asm.dataFixup(sec.reserve(bytes), bytes, x, x.at, name);
    }
    return true;
  }
}

/** `name:` alone on its line (s..e the name), unless the name is taken (the normal path reports that). */
function label(asm: Assembler, c: Cursor, s: number, e: number): boolean {
  c.pos = e + 1;
  if (!c.atEnd()) return false;
  const name = c.text.slice(s, e);
  if (asm.symbols.find(name)?.defined === true) return false;
  asm.defineLabel(name, c.base + s);
  return true;
}

/**
 * Finds the characters the statement splitter looks at (SPECIAL: " ' # / ;) with native
 * searches rather than a loop over every character: for each, the next occurrence in the text
 * is remembered, so each search runs once over the text in all (lines come in order).
 */
class SpecialScan {
  private text = "";
  /** Where the last search started: positions only grow within one pass over a text. */
  private from = 0;
  private readonly chars: string[] = [];
  private readonly next: number[] = [];

  constructor() {
    for (let c = 0; c < 128; c++) {
      if (SPECIAL[c] === 0) continue;
      this.chars.push(String.fromCharCode(c));
      this.next.push(-1);
    }
  }

  /** Where the statement from `p` ends: a `;`, a `#` comment or the line's end `q`; -1 when another special character needs the splitter. */
  statementEnd(text: string, p: number, q: number): number {
    const next = this.next;
    if (text !== this.text || p < this.from) {
      // another text (an included file, or back from one; a file included again): search again from here
      this.text = text;
      for (let k = 0; k < next.length; k++) next[k] = text.indexOf(this.chars[k]!, p);
    }
    this.from = p;
    let end = q;
    for (let k = 0; k < next.length; k++) {
      let at = next[k]!;
      if (at >= 0 && at < p) next[k] = at = text.indexOf(this.chars[k]!, p);
      if (at >= 0 && at < end) end = at;
    }
    if (end === q) return q;
    const ch = text.charCodeAt(end);
    return ch === CH_HASH || ch === CH_SEMI ? end : -1;
  }
}

/** The end of the identifier that starts at `s`. */
function identEnd(text: string, s: number, q: number): number {
  let e = s + 1;
  while (e < q && isIdentChar(text.charCodeAt(e))) e++;
  return e;
}

/** The form the normal path tries first: the only one, or the first that takes this many operands. */
function firstForm(forms: readonly InsnSpec[], hasPseudo: boolean, c: Cursor): InsnSpec | undefined {
  if (forms.length === 1 && !hasPseudo) return forms[0];
  const n = countOperands(c);
  for (let i = 0; i < forms.length; i++) {
    const f = forms[i]!;
    if (n >= f.minOperands && n <= f.maxOperands) return f;
  }
  return undefined;
}
