/**
 * Source text to statements: strips `#`, `//` and `/* *\/` comments, honours C preprocessor
 * line markers (`# 12 "file.S"`), and splits lines at `;` outside strings.
 */

import type { SourceLocation } from "./diagnostics.ts";

/** Characters the splitter must look at: " ' # / ; */
export const SPECIAL = new Uint8Array(128);
for (const ch of "\"'#/;") SPECIAL[ch.charCodeAt(0)] = 1;

/**
 * One statement and where it came from (file, line and the whole source line as `text`, as a
 * SourceLocation). A splitter reuses one record for all its statements, so that splitting
 * allocates nothing per statement: copy it (copyStatement) to keep it beyond the call.
 */
export interface Statement extends SourceLocation {
  readonly file: string;
  readonly line: number;
  /** The whole source line, for diagnostics. */
  readonly text: string;
  /** The line to parse: text with block comments blanked (same columns). */
  readonly src: string;
  /** Start and end of the statement within the line. */
  readonly start: number;
  readonly end: number;
}

/** A copy of a statement that stays as it is (the splitter's record does not). */
export function copyStatement(st: Statement): Statement {
  return { file: st.file, line: st.line, text: st.text, src: st.src, start: st.start, end: st.end };
}

/** The splitter's reusable statement. */
class StatementRecord implements Statement {
  file = "";
  line = 0;
  text = "";
  src = "";
  start = 0;
  end = 0;
}

/** Splits source text into statements, calling `each` for every one (in order). */
export class StatementSplitter {
  /** Inside a block comment that began on an earlier line. */
  inBlockComment = false;
  private readonly record = new StatementRecord();
  file: string;
  line = 0;

  constructor(file: string) {
    this.file = file;
  }

  /** Processes one physical line, calling `each` for every non-blank statement on it. */
  splitLine(raw: string, each: (s: Statement) => void): void {
    this.line++;
    let text = raw;
    const n0 = text.length;
    if (n0 > 0 && text.charCodeAt(n0 - 1) === 13) text = text.slice(0, n0 - 1);
    const n = text.length;
    let p = 0;
    // C preprocessor line marker: # 12 "file"
    if (!this.inBlockComment && n > 2 && text.charCodeAt(0) === 35) {
      const m = /^#\s*(?:line\s+)?(\d+)\s+"([^"]*)"/.exec(text);
      if (m !== null) {
        this.line = Number(m[1]) - 1;
        if (m[2] !== "") this.file = m[2]!;
        return;
      }
    }
    let start = 0;
    let needsClean = false;
    // common case: nothing to look at (native scans are much faster than a character loop)
    if (!this.inBlockComment && text.indexOf("#") < 0 && text.indexOf(";") < 0 && text.indexOf("/") < 0 && text.indexOf('"') < 0 && text.indexOf("'") < 0) {
      this.emit(text, 0, n, false, each);
      return;
    }
    while (p < n) {
      if (this.inBlockComment) {
        const close = text.indexOf("*/", p);
        if (close < 0) {
          p = n;
          break;
        }
        this.inBlockComment = false;
        // a comment that began on an earlier line: everything before its end is comment
        if (!needsClean) start = close + 2;
        p = close + 2;
        continue;
      }
      const c = text.charCodeAt(p);
      if (c >= 128 || SPECIAL[c] === 0) {
        p++;
        continue;
      }
      if (c === 34) {
        // string
        p++;
        while (p < n) {
          const d = text.charCodeAt(p);
          if (d === 92) p += 2;
          else if (d === 34) break;
          else p++;
        }
        p++;
        continue;
      }
      if (c === 39) {
        // character constant: skip an escaped or plain char so that '#' or ';' are not special
        p += text.charCodeAt(p + 1) === 92 ? 3 : 2;
        continue;
      }
      if (c === 35 || (c === 47 && text.charCodeAt(p + 1) === 47)) {
        this.emit(text, start, p, needsClean, each);
        return;
      }
      if (c === 47) {
        if (text.charCodeAt(p + 1) === 42) {
          this.inBlockComment = true;
          needsClean = true;
          p += 2;
          continue;
        }
        p++;
        continue;
      }
      // c === 59 ';'
      this.emit(text, start, p, needsClean, each);
      needsClean = false;
      start = p + 1;
      p++;
    }
    if (!this.inBlockComment || start < n) this.emit(text, start, Math.min(p, n), needsClean, each);
  }

  private emit(text: string, start: number, end: number, clean: boolean, each: (s: Statement) => void): void {
    if (clean) {
      // blank out block comments inside [start, end) keeping columns
      const chars = text.split("");
      let inC = false;
      for (let i = start; i < end; i++) {
        if (!inC && chars[i] === "/" && chars[i + 1] === "*") {
          inC = true;
          chars[i] = " ";
          chars[i + 1] = " ";
          i++;
          continue;
        }
        if (inC) {
          if (chars[i] === "*" && chars[i + 1] === "/") {
            inC = false;
            chars[i] = " ";
            chars[i + 1] = " ";
            i++;
            continue;
          }
          chars[i] = " ";
        }
      }
      const cleaned = chars.join("");
      if (cleaned.slice(start, end).trim() === "") return;
      this.fill(text, cleaned, start, end);
      each(this.record);
      return;
    }
    // skip blank statements quickly
    let s = start;
    while (s < end) {
      const c = text.charCodeAt(s);
      if (c !== 32 && c !== 9) break;
      s++;
    }
    if (s === end) return;
    this.fill(text, text, s, end);
    each(this.record);
  }

  private fill(text: string, src: string, start: number, end: number): void {
    const r = this.record;
    r.file = this.file;
    r.line = this.line;
    r.text = text;
    r.src = src;
    r.start = start;
    r.end = end;
  }
}

