/**
 * A cursor over one statement's text: the lexer. Character-code scanning, no regular
 * expressions in the hot path. `base` is the statement's offset within its source line, so
 * errors can point at the right column.
 */
import { AsmError } from "./diagnostics.ts";

export const CH_SPACE = 32, CH_TAB = 9, CH_COMMA = 44, CH_LPAREN = 40, CH_RPAREN = 41, CH_PERCENT = 37;
export const CH_QUOTE = 34, CH_APOS = 39, CH_BACKSLASH = 92, CH_COLON = 58, CH_DOT = 46, CH_MINUS = 45;

/** Identifier start: letter, `_`, `.`, `$`. */
export function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 46 || c === 36;
}
/** Identifier character: start characters and digits. */
export function isIdentChar(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}
export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export class Cursor {
  // `declare`d and assigned in the constructor rather than declared as class fields: with
  // ES2022 class fields every construction (one per statement) would first define each field
  // as undefined, and the numeric fields would lose their small-integer representation.
  declare text: string;
  /** Offset of the text's start in the source line (added to positions to give columns). */
  declare base: number;
  declare end: number;
  declare pos: number;
  constructor(text: string, base: number, start = 0, end = text.length) {
    this.text = text;
    this.base = base;
    this.end = end;
    this.pos = start;
  }

  /** Points this cursor at another statement (the fast path reuses one cursor for all lines). */
  reset(text: string, base: number, start: number, end: number): void {
    this.text = text;
    this.base = base;
    this.end = end;
    this.pos = start;
  }

  /** Column offset (0-based, in the source line) of the current position. */
  get offset(): number {
    return this.base + this.pos;
  }

  skipSpaces(): void {
    const t = this.text;
    let p = this.pos;
    while (p < this.end) {
      const c = t.charCodeAt(p);
      if (c !== CH_SPACE && c !== CH_TAB) break;
      p++;
    }
    this.pos = p;
  }

  atEnd(): boolean {
    this.skipSpaces();
    return this.pos >= this.end;
  }

  peek(): number {
    return this.pos < this.end ? this.text.charCodeAt(this.pos) : -1;
  }

  /** Skips spaces, then consumes `c` if it is next. */
  eat(c: number): boolean {
    this.skipSpaces();
    if (this.pos < this.end && this.text.charCodeAt(this.pos) === c) {
      this.pos++;
      return true;
    }
    return false;
  }

  expect(c: number, what: string): void {
    if (!this.eat(c)) this.fail(`expected ${what}${this.describeHere()}`);
  }

  /** Reads an identifier (after spaces), or returns "" without moving. */
  ident(): string {
    this.skipSpaces();
    const t = this.text;
    const start = this.pos;
    if (start >= this.end || !isIdentStart(t.charCodeAt(start))) return "";
    let p = start + 1;
    while (p < this.end && isIdentChar(t.charCodeAt(p))) p++;
    this.pos = p;
    return t.slice(start, p);
  }

  /** The rest of the statement, trimmed. */
  rest(): string {
    return this.text.slice(this.pos, this.end).trim();
  }

  /** ", found 'xyz'" or ", found end of line" for error messages. */
  describeHere(): string {
    this.skipSpaces();
    if (this.pos >= this.end) return ", found end of line";
    let p = this.pos;
    const t = this.text;
    if (isIdentChar(t.charCodeAt(p))) while (p < this.end && isIdentChar(t.charCodeAt(p))) p++;
    else p++;
    return `, found '${t.slice(this.pos, p)}'`;
  }

  fail(message: string, at: number = this.pos): never {
    throw new AsmError(message, this.base + at);
  }

  /** Splits the remaining text at top-level commas (outside parentheses and quotes). */
  splitArgs(): { text: string; start: number }[] {
    const out: { text: string; start: number }[] = [];
    const t = this.text;
    let start = this.pos;
    for (;;) {
      const comma = argEnd(t, start, this.end);
      if (comma >= this.end) break;
      out.push({ text: t.slice(start, comma), start });
      start = comma + 1;
    }
    const last = t.slice(start, this.end);
    if (out.length > 0 || last.trim() !== "") out.push({ text: last, start });
    this.pos = this.end;
    return out;
  }
}

/** The end of the argument starting at `p`: the next comma outside parentheses and quotes, or `end`. */
export function argEnd(t: string, p: number, end: number): number {
  // common case, found with native searches: no parenthesis or quote before the next comma
  let stop = t.indexOf(",", p);
  if (stop < 0 || stop > end) stop = end;
  if (absent(t, "(", p, stop) && absent(t, ")", p, stop) && absent(t, '"', p, stop)) return stop;
  let depth = 0;
  while (p < end) {
    const c = t.charCodeAt(p);
    if (c === CH_QUOTE) {
      p++;
      while (p < end && t.charCodeAt(p) !== CH_QUOTE) p += t.charCodeAt(p) === CH_BACKSLASH ? 2 : 1;
    } else if (c === CH_LPAREN) depth++;
    else if (c === CH_RPAREN) depth--;
    else if (c === CH_COMMA && depth === 0) return p;
    p++;
  }
  return end;
}

/** `ch` does not occur in t[p, stop). */
function absent(t: string, ch: string, p: number, stop: number): boolean {
  const at = t.indexOf(ch, p);
  return at < 0 || at >= stop;
}
