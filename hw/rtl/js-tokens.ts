/**
 * A small JavaScript tokenizer for the batch compiler (compile-batch.ts). It recognises
 * what method bodies emitted by TypeScript/esbuild contain; anything it is not sure about
 * (regular expressions, template substitutions, private names) makes it give up, and the
 * caller then runs the method unchanged.
 */
export type TokenKind = "ident" | "number" | "string" | "punct";

export interface Token {
  kind: TokenKind;
  text: string;
  /** Offsets into the source: [start, end). */
  start: number;
  end: number;
}

const PUNCTUATORS = [
  ">>>=", "...", "===", "!==", "**=", "<<=", ">>=", ">>>", "&&=", "||=", "??=",
  "=>", "==", "!=", "<=", ">=", "&&", "||", "??", "?.", "++", "--", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<", ">>", "**",
  "{", "}", "(", ")", "[", "]", ";", ",", "<", ">", "+", "-", "*", "%", "&", "|", "^", "!", "~", "?", ":", "=", ".", "/", "@",
];

/** Tokens after which a `/` starts a regular expression rather than a division. */
function slashIsDivision(prev: Token | undefined): boolean {
  if (prev === undefined) return false;
  if (prev.kind === "number" || prev.kind === "string") return true;
  if (prev.kind === "ident") return !["return", "typeof", "case", "do", "else", "in", "of", "new", "delete", "void", "throw", "instanceof"].includes(prev.text);
  return prev.text === ")" || prev.text === "]";
}

/** Tokens of `src`, or undefined when it holds something this tokenizer does not handle. */
export function tokenize(src: string): Token[] | undefined {
  const out: Token[] = [];
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) {
      i++;
      continue;
    }
    if (src.startsWith("//", i)) {
      const e = src.indexOf("\n", i);
      i = e < 0 ? n : e;
      continue;
    }
    if (src.startsWith("/*", i)) {
      const e = src.indexOf("*/", i + 2);
      if (e < 0) return undefined;
      i = e + 2;
      continue;
    }
    const start = i;
    const ch = src[i]!;
    if (/[A-Za-z_$]/.test(ch)) {
      while (i < n && /[\w$]/.test(src[i]!)) i++;
      out.push({ kind: "ident", text: src.slice(start, i), start, end: i });
      continue;
    }
    if (/[0-9]/.test(ch) || (ch === "." && /[0-9]/.test(src[i + 1] ?? ""))) {
      while (i < n && /[\w.]/.test(src[i]!)) {
        if ((src[i] === "e" || src[i] === "E") && (src[i + 1] === "+" || src[i + 1] === "-") && !/^0[xXbBoO]/.test(src.slice(start, i))) i++;
        i++;
      }
      out.push({ kind: "number", text: src.slice(start, i), start, end: i });
      continue;
    }
    if (ch === '"' || ch === "'" || ch === "`") {
      i++;
      while (i < n && src[i] !== ch) {
        if (src[i] === "\\") i++;
        else if (ch === "`" && src[i] === "$" && src[i + 1] === "{") return undefined;
        else if (ch !== "`" && src[i] === "\n") return undefined;
        i++;
      }
      if (i >= n) return undefined;
      i++;
      out.push({ kind: "string", text: src.slice(start, i), start, end: i });
      continue;
    }
    if (ch === "#") return undefined;
    const p = PUNCTUATORS.find((q) => src.startsWith(q, i));
    if (p === undefined) return undefined;
    if (p === "/" || p === "/=") {
      if (!slashIsDivision(out[out.length - 1])) return undefined;
    }
    i += p.length;
    out.push({ kind: "punct", text: p, start, end: i });
  }
  return out;
}
