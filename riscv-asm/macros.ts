/**
 * `.macro`/`.endm`, `.rept`, `.irp`, `.irpc`/`.endr`: body collection (at statement level, so
 * `.macro init; .endm` on one line works) and expansion with `\param` substitution.
 */
import type { Assembler } from "./assembler.ts";
import { Cursor, CH_COMMA, isIdentChar, isIdentStart } from "./cursor.ts";
import { AsmError } from "./diagnostics.ts";
import { copyStatement, type Statement } from "./source.ts";

interface MacroParam {
  readonly name: string;
  readonly def: string;
  readonly required: boolean;
  readonly vararg: boolean;
}

interface MacroDef {
  readonly name: string;
  readonly params: readonly MacroParam[];
  readonly body: readonly Statement[];
}

interface Collecting {
  readonly kind: "macro" | "rept" | "irp";
  readonly body: Statement[];
  depth: number;
  readonly start: Statement;
  readonly finish: (body: Statement[]) => void;
}

const MAX_DEPTH = 100;

export class MacroProcessor {
  private readonly defs = new Map<string, MacroDef>();
  private collect: Collecting | null = null;
  private depth = 0;
  private counter = 0;
  private exitRequested = false;
  private macroDepth = 0;

  constructor(private readonly asm: Assembler) {}

  has(name: string): boolean {
    return this.defs.size > 0 && this.defs.has(name);
  }

  purge(name: string): void {
    if (!this.defs.delete(name)) throw new AsmError(`.purgem: no macro named '${name}'`);
  }

  /** A .macro/.rept/.irp body is being collected (statements go into it, not into sections). */
  get isCollecting(): boolean {
    return this.collect !== null;
  }

  /** While collecting a body, takes the statement and returns true. */
  collecting(st: Statement): boolean {
    const col = this.collect;
    if (col === null) return false;
    const c = new Cursor(st.src, 0, st.start, st.end);
    // a statement may start with labels; only the directive matters for nesting
    let id = c.ident();
    while (id !== "" && c.peek() === 58) {
      c.pos++;
      id = c.ident();
    }
    const lower = id.toLowerCase();
    const opens = col.kind === "macro" ? lower === ".macro" : lower === ".rept" || lower === ".irp" || lower === ".irpc";
    const closes = col.kind === "macro" ? lower === ".endm" : lower === ".endr";
    if (opens) col.depth++;
    if (closes) {
      if (col.depth === 0) {
        this.collect = null;
        col.finish(col.body);
        return true;
      }
      col.depth--;
    }
    col.body.push(copyStatement(st));
    return true;
  }

  /** Unterminated bodies at end of input. */
  checkEnd(): void {
    const col = this.collect;
    if (col === null) return;
    this.collect = null;
    this.asm.diag("error", `missing ${col.kind === "macro" ? ".endm" : ".endr"} for the ${col.kind === "macro" ? ".macro" : col.kind === "rept" ? ".rept" : ".irp"} started here`, col.start, col.start.start);
  }

  private begin(kind: Collecting["kind"], finish: (body: Statement[]) => void): void {
    this.collect = { kind, body: [], depth: 0, start: copyStatement(this.asm.stmt), finish };
  }

  defineMacro(c: Cursor): void {
    c.skipSpaces();
    const at = c.pos;
    const name = c.ident();
    if (name === "") c.fail(`.macro: expected a macro name${c.describeHere()}`);
    const params: MacroParam[] = [];
    for (;;) {
      c.eat(CH_COMMA);
      c.skipSpaces();
      if (c.atEnd()) break;
      const pat = c.pos;
      const p = c.ident();
      if (p === "") c.fail(`.macro: expected a parameter name${c.describeHere()}`);
      let required = false;
      let vararg = false;
      if (c.peek() === 58) {
        c.pos++;
        const q = c.ident();
        if (q === "req") required = true;
        else if (q === "vararg") vararg = true;
        else c.fail(`.macro: unknown parameter qualifier ':${q}' (expected :req or :vararg)`);
      }
      let def = "";
      c.skipSpaces();
      if (c.peek() === 61) {
        c.pos++;
        c.skipSpaces();
        const s = c.pos;
        while (c.pos < c.end && c.text.charCodeAt(c.pos) !== CH_COMMA && c.text.charCodeAt(c.pos) !== 32 && c.text.charCodeAt(c.pos) !== 9) c.pos++;
        def = c.text.slice(s, c.pos);
      }
      if (params.some((x) => x.name === p)) c.fail(`.macro: duplicate parameter '${p}'`, pat);
      params.push({ name: p, def, required, vararg });
    }
    const asm = this.asm;
    const loc = asm.loc;
    this.begin("macro", (body) => {
      if (this.defs.has(name)) asm.diag("error", `macro '${name}' is already defined`, loc, at);
      else this.defs.set(name, { name, params, body });
    });
  }

  exitMacro(): void {
    if (this.macroDepth === 0) throw new AsmError(".exitm outside a macro");
    this.exitRequested = true;
  }

  beginRept(count: number): void {
    if (count < 0) count = 0;
    if (count > 1_000_000) throw new AsmError(`.rept: count ${count} is too large`);
    this.begin("rept", (body) => {
      for (let i = 0; i < count && !this.asm.stopped; i++) this.expand(body, null, false);
    });
  }

  beginIrp(c: Cursor, chars: boolean): void {
    c.skipSpaces();
    const name = c.ident();
    if (name === "") c.fail(`${chars ? ".irpc" : ".irp"}: expected a parameter name${c.describeHere()}`);
    let values: string[];
    if (chars) {
      c.eat(CH_COMMA);
      values = c.rest().split("");
      if (values.length === 0) values = [""];
    } else if (c.eat(CH_COMMA)) {
      values = splitMacroArgs(c.rest());
      if (values.length === 0) values = [""];
    } else values = [""];
    this.begin("irp", (body) => {
      for (const v of values) {
        if (this.asm.stopped) break;
        this.expand(body, new Map([[name, v]]), false);
      }
    });
  }

  invoke(name: string, c: Cursor): void {
    const def = this.defs.get(name)!;
    const args = splitMacroArgs(c.rest());
    const values = new Map<string, string>();
    let positional = 0;
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      const eq = /^([A-Za-z_.$][\w.$]*)\s*=(.*)$/s.exec(a);
      if (eq !== null && def.params.some((p) => p.name === eq[1])) {
        values.set(eq[1]!, eq[2]!.trim());
        continue;
      }
      const p = def.params[positional];
      if (p === undefined) throw new AsmError(`macro '${name}' takes ${def.params.length} argument${def.params.length === 1 ? "" : "s"}, got ${args.length}`);
      if (p.vararg) {
        values.set(p.name, args.slice(i).join(","));
        break;
      }
      values.set(p.name, a);
      positional++;
    }
    for (const p of def.params) {
      const v = values.get(p.name);
      if (v === undefined || v === "") {
        if (p.required) throw new AsmError(`macro '${name}': missing value for required parameter '${p.name}'`);
        values.set(p.name, p.def);
      }
    }
    this.macroDepth++;
    try {
      this.expand(def.body, values, true);
    } finally {
      this.macroDepth--;
      this.exitRequested = false;
    }
  }

  /** Assembles a body, substituting `\name` (and `\@`, `\()`). */
  private expand(body: readonly Statement[], values: ReadonlyMap<string, string> | null, isMacro: boolean): void {
    if (this.depth >= MAX_DEPTH) throw new AsmError(`macro or .rept expansion nested more than ${MAX_DEPTH} deep (recursive macro?)`);
    this.depth++;
    const n = this.counter++;
    const inv = this.asm.loc;
    try {
      for (const st of body) {
        if (this.asm.stopped || (isMacro && this.exitRequested)) break;
        const raw = st.src.slice(st.start, st.end);
        if (values === null && !isMacro) {
          this.asm.statement(st);
          continue;
        }
        const text = raw.includes("\\") ? substitute(raw, values, n) : raw;
        const loc = isMacro ? inv : st;
        this.asm.statement({ file: loc.file, line: loc.line, text, src: text, start: 0, end: text.length });
      }
    } finally {
      this.depth--;
    }
  }
}

function substitute(text: string, values: ReadonlyMap<string, string> | null, counter: number): string {
  let out = "";
  let p = 0;
  for (;;) {
    const q = text.indexOf("\\", p);
    if (q < 0) return out + text.slice(p);
    out += text.slice(p, q);
    const next = text.charCodeAt(q + 1);
    if (next === 64 /* @ */) {
      out += String(counter);
      p = q + 2;
      continue;
    }
    if (next === 40 && text.charCodeAt(q + 2) === 41) {
      p = q + 3;
      continue;
    }
    if (values !== null && isIdentStart(next)) {
      let e = q + 2;
      while (e < text.length && isIdentChar(text.charCodeAt(e)) && text.charCodeAt(e) !== 46) e++;
      const name = text.slice(q + 1, e);
      const v = values.get(name);
      if (v !== undefined) {
        out += v;
        p = e;
        continue;
      }
    }
    out += "\\";
    p = q + 1;
  }
}

/** Macro arguments: separated by commas (or blanks when there are no commas), quotes kept together. */
export function splitMacroArgs(text: string): string[] {
  const t = text.trim();
  if (t === "") return [];
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  let inStr = false;
  for (let i = 0; i < t.length; i++) {
    const ch = t[i]!;
    if (inStr) {
      cur += ch;
      if (ch === "\\") cur += t[++i] ?? "";
      else if (ch === '"') inStr = false;
      continue;
    }
    if (ch === '"') inStr = true;
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      out.push(cur.trim());
      cur = "";
      continue;
    }
    cur += ch;
  }
  out.push(cur.trim());
  if (out.length === 1 && !t.includes(",") && /\s/.test(t) && !t.includes('"') && !t.includes("(")) return t.split(/\s+/);
  return out.map((a) => (a.length >= 2 && a.startsWith('"') && a.endsWith('"') && !a.slice(1, -1).includes('"') ? a.slice(1, -1) : a));
}
