/**
 * The assembler proper: one pass over the statements, emitting bytes into sections and
 * recording fixups for what is not known yet. Directives, macros and pseudo-instructions
 * live in their own files and call back into this class.
 */
import { Cursor, CH_COLON, isDigit } from "./cursor.ts";
import { AsmError, MAX_ERRORS, type Diagnostic, type SourceLocation } from "./diagnostics.ts";
import { evaluate, type Expr, type ExprEnv, type Value } from "./expr.ts";
import { countOperands, encodeOperands, type OperandHost, type PendingFixup } from "./operands.ts";
import type { InsnSpec } from "./isa/index.ts";
import { findMnemonic } from "./mnemonics.ts";
import { Section, type SectionFlags } from "./section.ts";
import type { FixupSource, FixupTable } from "./fixups.ts";
import { Sym, SymbolTable } from "./symbols.ts";
import { StatementSplitter, type Statement } from "./source.ts";
import { DIRECTIVES, MAX_FILL, findDirective } from "./directives.ts";
import { MacroProcessor } from "./macros.ts";
import { emptyArray } from "./empty-array.ts";
import { FastPath } from "./fast-path.ts";

export interface AssemblerOptions {
  /** File name used in messages. */
  file?: string;
  /** Directories searched by `.include` (after the including file's directory). */
  includeDirs?: readonly string[];
  /** Symbols defined before assembly (`--defsym NAME=VALUE`). */
  defsym?: Readonly<Record<string, number>>;
  /** Reads an included file; returns undefined when it does not exist. */
  readFile?: (path: string) => string | undefined;
  /** Record a listing. */
  listing?: boolean;
  /** Stop after this many errors (default 100). */
  maxErrors?: number;
  /** Send every line through the general statement path (tests compare the two). */
  noFastPath?: boolean;
}

interface CondFrame {
  /** This branch is being assembled. */
  active: boolean;
  /** Some branch of this .if has been taken. */
  taken: boolean;
  /** The enclosing context was active. */
  parentActive: boolean;
  sawElse: boolean;
  /** Where the .if is (for "missing .endif"). */
  readonly loc: SourceLocation;
  readonly col: number;
}

export class Assembler implements OperandHost {
  readonly symbols = new SymbolTable();
  readonly sections: Section[] = [];
  readonly diagnostics: Diagnostic[] = [];
  readonly env: ExprEnv<Sym>;
  cur: Section;
  previous: Section;
  readonly sectionStack: [Section, Section][] = [];
  readonly options: AssemblerOptions;
  readonly macros: MacroProcessor;
  /** `.option rvc` is in effect (compressed code is not supported). */
  rvc = false;
  rvcReported = false;
  relax = false;
  readonly optionStack: { rvc: boolean; relax: boolean }[] = [];
  readonly conds: CondFrame[] = [];
  /** The statement being assembled (for diagnostics and fixups). Not to be kept: see Statement. */
  stmt: Statement = { file: "", line: 0, text: "", src: "", start: 0, end: 0 };
  /** this.stmt's location once something asked for it (most statements never need one). */
  private stmtLoc: SourceLocation | null = null;
  includeDepth = 0;
  /** The last statement assembled (for end-of-input messages), kept as values: statement records are reused. */
  private lastFile = "";
  private lastLine = 1;
  /** The last line is lastSrc[lastStart, lastEnd) (not sliced unless needed). */
  private lastSrc = "";
  private lastStart = 0;
  private lastEnd = 0;
  /** Null when every statement must take the normal path (listings record each statement). */
  private readonly fastPath: FastPath | null;
  errorCount = 0;
  stopped = false;
  private readonly localCounts = new Map<number, number>();
  private readonly pending: PendingFixup[] = emptyArray();
  private readonly maxErrors: number;

  constructor(options: AssemblerOptions = {}) {
    this.options = options;
    this.maxErrors = options.maxErrors ?? MAX_ERRORS;
    this.fastPath = options.listing || options.noFastPath ? null : new FastPath();
    this.cur = this.section(".text");
    this.previous = this.cur;
    this.section(".data");
    this.section(".bss");
    this.macros = new MacroProcessor(this);
    const self = this;
    this.env = {
      symbolValue: (name, at) => self.symbolValue(name, at),
      dotValue: () => self.dotValue(),
      localLabel: (n, fwd, at) => self.localLabelName(n, fwd, at),
    };
    for (const [name, value] of Object.entries(options.defsym ?? {})) {
      const s = this.symbols.get(name);
      s.state = "equ";
      s.value = value;
    }
  }

  // ---------------------------------------------------------------- sections

  /** Finds or creates a section, with the flags GNU as gives well-known names. */
  section(name: string, flags?: SectionFlags, type?: "progbits" | "nobits"): Section {
    for (const s of this.sections) if (s.name === name) return s;
    const f = flags ?? defaultFlags(name);
    const t = type ?? (name === ".bss" || name.startsWith(".bss.") || name === ".sbss" || name.startsWith(".sbss.") ? "nobits" : "progbits");
    const s = new Section(name, t, f, this.sections.length);
    this.sections.push(s);
    return s;
  }

  switchTo(s: Section): void {
    if (s !== this.cur) {
      this.previous = this.cur;
      this.cur = s;
    }
  }

  // ---------------------------------------------------------------- symbols

  symbolValue(name: string, at: number): Value<Sym> {
    const s = this.symbols.get(name);
    if (s.state === "equ") {
      if (s.expr === null) return { v: s.value, sym: null, sub: null };
      if (this.equDepth > 64) throw new AsmError(`symbol '${name}' is defined in terms of itself`, at);
      this.equDepth++;
      try {
        return evaluate(s.expr, this.env);
      } finally {
        this.equDepth--;
      }
    }
    return { v: 0, sym: s, sub: null };
  }
  private equDepth = 0;

  dotValue(): Value<Sym> {
    const s = new Sym(".");
    s.state = "label";
    s.section = this.cur;
    s.value = this.cur.size;
    s.internal = true;
    return { v: 0, sym: s, sub: null };
  }

  /** Replaces `.` in an expression by a label at the current position, so it can be evaluated later. */
  bindDot(e: Expr): Expr {
    switch (e.k) {
      case "dot": {
        const sec = this.cur;
        const name = `.Ldot\x01${sec.index}\x01${sec.size}`;
        const s = this.symbols.get(name);
        if (!s.defined) {
          s.state = "label";
          s.section = sec;
          s.value = sec.size;
          s.itemIndex = sec.items.length;
          s.internal = true;
          sec.labels.push(s);
        }
        return { k: "sym", name, at: e.at };
      }
      case "un": {
        const x = this.bindDot(e.e);
        return x === e.e ? e : { k: "un", op: e.op, e: x };
      }
      case "bin": {
        const a = this.bindDot(e.a);
        const b = this.bindDot(e.b);
        return a === e.a && b === e.b ? e : { k: "bin", op: e.op, a, b, at: e.at };
      }
      default:
        return e;
    }
  }

  localLabelName(n: number, forward: boolean, at: number): string {
    const count = this.localCounts.get(n) ?? 0;
    if (!forward && count === 0) throw new AsmError(`no previous definition of local label '${n}' (for '${n}b')`, at);
    return `.L${n}\x02${forward ? count + 1 : count}`;
  }

  tryConstant(e: Expr): number | undefined {
    if (e.k === "num") return e.v;
    const v = evaluate(e, this.env);
    return v.sym === null && v.sub === null ? v.v : undefined;
  }

  /** Value of fixup i's expression at the end of assembly (in `out` when given: one per fixup adds up). */
  fixupValue(fixups: FixupTable, i: number, out: Value<Sym> = { v: 0, sym: null, sub: null }): Value<Sym> {
    const t = fixups.target[i]!;
    if (t !== null && t.state !== "equ") {
      out.v = 0;
      out.sym = t;
      out.sub = null;
      return out;
    }
    const v = evaluate(fixups.exprOf(i), this.env);
    out.v = v.v;
    out.sym = v.sym;
    out.sub = v.sub;
    return out;
  }

  /** Evaluates an expression that must be an absolute constant now. */
  constant(e: Expr, at: number, what: string): number {
    const v = this.tryConstant(e);
    if (v === undefined) throw new AsmError(`${what}: expected a constant expression`, at);
    return v;
  }

  defineLabel(name: string, at: number): Sym {
    const s = this.symbols.get(name);
    if (s.state === "label" && s.section === this.cur && s.value === this.cur.size && s.itemIndex === this.cur.items.length) return s; // `x: x:` (GNU allows)
    if (s.defined) {
      const where = s.defLoc ? ` at ${s.defLoc.file}:${s.defLoc.line}` : "";
      throw new AsmError(`symbol '${name}' is already defined${where}`, at);
    }
    s.state = "label";
    s.section = this.cur;
    s.value = this.cur.size;
    s.itemIndex = this.cur.items.length;
    s.defLoc = this.loc;
    this.cur.labels.push(s);
    return s;
  }

  defineLocalLabel(n: number, at: number): void {
    const count = (this.localCounts.get(n) ?? 0) + 1;
    this.localCounts.set(n, count);
    this.defineLabel(`.L${n}\x02${count}`, at);
  }

  /** A fresh internal label at the current position (the `.L0 ` labels of pcrel pairs). */
  internalLabel(): Sym {
    const s = this.symbols.anonymousLabel(".L0 ");
    s.state = "label";
    s.section = this.cur;
    s.value = this.cur.size;
    s.itemIndex = this.cur.items.length;
    s.internal = true;
    this.cur.labels.push(s);
    return s;
  }

  /** `.set`/`.equ`/`=`: constant now, else remembered as an expression. */
  assign(name: string, e: Expr, at: number, mustBeNew: boolean): void {
    const s = this.symbols.get(name);
    if (s.state === "label" || (mustBeNew && s.defined)) throw new AsmError(`symbol '${name}' is already defined`, at);
    const v = evaluate(e, this.env);
    s.state = "equ";
    s.defLoc = this.loc;
    if (v.sym === null && v.sub === null) {
      s.value = v.v;
      s.expr = null;
    } else if (v.sub === null && v.sym !== null && v.sym.state === "label" && v.sym.name === ".") {
      // `.set x, .` (plus a constant): a label
      s.state = "label";
      s.section = v.sym.section;
      s.value = v.sym.value + v.v;
      s.itemIndex = s.section!.items.length;
      s.section!.labels.push(s);
    } else s.expr = e;
  }

  // ---------------------------------------------------------------- emission

  /** Emits one instruction word with the fixups its operands requested. */
  emitInsn(word: number, fixups: readonly PendingFixup[], what: string): void {
    const sec = this.cur;
    if (sec.type === "nobits") throw new AsmError(`instructions are not allowed in ${sec.name} (no contents)`);
    if (this.rvc && !this.rvcReported) {
      this.rvcReported = true;
      throw new AsmError("compressed instructions are not supported: this code follows '.option rvc' (use '.option norvc')");
    }
    if (sec.mapping.length === 0 || sec.mapping[sec.mapping.length - 1]!.kind !== "$x") sec.markMapping("$x");
    if (sec.align < 4) sec.align = 4;
    const off = sec.emit32(word);
    for (let i = 0; i < fixups.length; i++) {
      const p = fixups[i]!;
      const expr = p.expr.k === "sym" ? p.expr : this.bindDotAt(p.expr, off);
      const target = p.target ?? (expr.k === "sym" ? this.symbols.get(expr.name) : null);
      const fix = sec.fixups.add(off, p.kind, expr, target, p.col, what, sec.items.length, this.statementSource());
      if (p.kind === "branch" && p.expr.k !== "num") sec.items.push({ kind: "branch", pos: off, fixup: fix, size: 4 });
    }
  }

  /** The statement being assembled, as the location fixups record. */
  private statementSource(): FixupSource {
    if (this.inFast) return this.source;
    const st = this.stmt;
    return this.fixupSource(st.file, st.line, st.text, 0, st.text.length);
  }

  /** Line `line` of `file` is text[start, end): one reused record (fixups copy its fields). */
  private fixupSource(file: string, line: number, text: string, start: number, end: number): FixupSource {
    const r = this.source;
    r.file = file;
    r.line = line;
    r.text = text;
    r.start = start;
    r.end = end;
    return r;
  }
  private readonly source = { file: "", line: 0, text: "", start: 0, end: 0 };
  /** `source` is the fast path's statement (see beginFast). */
  private inFast = false;

  /** bindDot for an instruction already emitted at `off`. */
  private bindDotAt(e: Expr, off: number): Expr {
    const sec = this.cur;
    const size = sec.size;
    sec.size = off;
    try {
      return this.bindDot(e);
    } finally {
      sec.size = size;
    }
  }

  /** Records a data fixup at `offset` of the current section. */
  dataFixup(offset: number, bytes: number, e: Expr, col: number, what: string): void {
    const kind = bytes === 1 ? "data8" : bytes === 2 ? "data16" : bytes === 4 ? "data32" : "data64";
    const sec = this.cur;
    sec.fixups.add(offset, kind, e, e.k === "sym" ? this.symbols.get(e.name) : null, col, what, sec.items.length, this.statementSource());
  }

  // ---------------------------------------------------------------- diagnostics

  report(e: AsmError, severity: "error" | "warning" = "error"): void {
    const st = this.stmt;
    const col = e.offset >= 0 ? e.offset : st.start;
    this.diag(severity, e.message, this.loc, col);
  }

  diag(severity: "error" | "warning", message: string, loc: SourceLocation, col: number): void {
    if (severity === "error") {
      this.errorCount++;
      if (this.errorCount > this.maxErrors) {
        this.stopped = true;
        return;
      }
    }
    this.diagnostics.push({ severity, file: loc.file, line: loc.line, col: col + 1, message, sourceLine: loc.text });
    if (this.errorCount === this.maxErrors && severity === "error") {
      this.diagnostics.push({ severity: "error", file: loc.file, line: loc.line, col: col + 1, message: `too many errors (${this.maxErrors}), stopping`, sourceLine: loc.text });
      this.stopped = true;
    }
  }

  warn(message: string, col = -1): void {
    this.report(new AsmError(message, col), "warning");
  }

  // ---------------------------------------------------------------- statements

  /** Assembles a whole source text (a file or an included file). */
  assembleText(text: string, file: string): void {
    const splitter = new StatementSplitter(file);
    const each = (s: Statement): void => this.statement(s);
    const fast = this.fastPath;
    let p = 0;
    const n = text.length;
    while (p <= n && !this.stopped) {
      let q = text.indexOf("\n", p);
      if (q < 0) q = n;
      if (q === n && p === n) break;
      if (fast === null || splitter.inBlockComment || !fast.line(this, splitter, text, p, q)) splitter.splitLine(text.slice(p, q), each);
      p = q + 1;
    }
  }

  /** Whether an instruction may skip statement() (which handles conditionals and macro bodies). */
  acceptsFastPath(): boolean {
    return !this.macros.isCollecting && (this.conds.length === 0 || this.conds[this.conds.length - 1]!.active);
  }

  /**
   * Starts a statement of the fast path, line `line` of `file` being text[p, q): fixups and
   * labels take their location from it. False (nothing done) when an instruction here would be
   * an error that the normal path must report.
   */
  beginFast(file: string, line: number, text: string, p: number, q: number): boolean {
    if (this.cur.type === "nobits" || (this.rvc && !this.rvcReported)) return false;
    this.fixupSource(file, line, text, p, q);
    this.inFast = true;
    return true;
  }

  /** Ends the fast path's statement; `done` false when nothing was done (the normal path takes the line). */
  endFast(done: boolean): boolean {
    const src = this.source;
    this.inFast = false;
    if (done) {
      this.lastFile = src.file;
      this.lastLine = src.line;
      this.lastSrc = src.text;
      this.lastStart = src.start;
      this.lastEnd = src.end;
    }
    return done;
  }

  /** Where the statement being assembled is: one object per statement, made when first needed. */
  get loc(): SourceLocation {
    if (this.inFast) {
      const f = this.source;
      return { file: f.file, line: f.line, text: f.text.slice(f.start, f.end) };
    }
    let l = this.stmtLoc;
    if (l === null) {
      const st = this.stmt;
      l = { file: st.file, line: st.line, text: st.text };
      this.stmtLoc = l;
    }
    return l;
  }

  /** Location of the last statement assembled (for end-of-input messages). */
  get lastLoc(): SourceLocation {
    return { file: this.lastFile, line: this.lastLine, text: this.lastSrc.slice(this.lastStart, this.lastEnd) };
  }

  statement(st: Statement): void {
    if (this.stopped) return;
    const prevStmt = this.stmt;
    const prevLoc = this.stmtLoc;
    this.stmt = st;
    this.stmtLoc = null;
    this.lastFile = st.file;
    this.lastLine = st.line;
    this.lastSrc = st.text;
    this.lastStart = 0;
    this.lastEnd = st.text.length;
    try {
      if (this.macros.collecting(st)) return;
      if (this.conds.length > 0 && !this.conds[this.conds.length - 1]!.active) {
        this.skipInactive(st);
        return;
      }
      if (this.options.listing) {
        const sec = this.cur;
        const before = sec.size;
        const items = sec.items.length;
        this.execute(st);
        if (sec.size > before) sec.listing.push({ offset: before, size: sec.size - before, loc: this.loc, itemIndex: items });
      } else this.execute(st);
    } catch (e) {
      if (e instanceof AsmError) this.report(e);
      else throw e;
    } finally {
      this.stmt = prevStmt;
      this.stmtLoc = prevLoc;
    }
  }

  /** In a false `.if` branch: only conditionals are looked at. */
  private skipInactive(st: Statement): void {
    const c = new Cursor(st.src, 0, st.start, st.end);
    const id = c.ident().toLowerCase();
    if (id.startsWith(".if")) this.conds.push({ active: false, taken: true, parentActive: false, sawElse: false, loc: this.loc, col: st.start });
    else if (id === ".else" || id === ".elseif" || id === ".endif") DIRECTIVES.get(id)!(this, c, id);
  }

  private execute(st: Statement): void {
    const c = new Cursor(st.src, 0, st.start, st.end);
    let name = "";
    for (;;) {
      c.skipSpaces();
      const at = c.pos;
      const ch = c.peek();
      if (isDigit(ch)) {
        let p = c.pos;
        while (p < c.end && isDigit(st.src.charCodeAt(p))) p++;
        if (st.src.charCodeAt(p) === CH_COLON) {
          c.pos = p + 1;
          this.defineLocalLabel(Number(st.src.slice(at, p)), at);
          continue;
        }
        c.fail(`expected a label, instruction or directive${c.describeHere()}`);
      }
      name = c.ident();
      if (name === "") {
        if (c.atEnd()) return;
        c.fail(`expected a label, instruction or directive${c.describeHere()}`);
      }
      if (c.peek() === CH_COLON) {
        c.pos++;
        this.defineLabel(name, at);
        name = "";
        continue;
      }
      break;
    }
    const nameAt = c.pos - name.length;
    c.skipSpaces();
    if (c.peek() === 61 /* = */ && st.src.charCodeAt(c.pos + 1) !== 61) {
      c.pos++;
      DIRECTIVES.get(".set")!(this, c, "=", name, nameAt);
      return;
    }
    if (name.charCodeAt(0) === 46 /* . */) {
      const d = findDirective(name);
      if (d !== undefined) {
        d.run(this, c, d.name);
        return;
      }
    }
    if (this.macros.has(name)) {
      this.macros.invoke(name, c);
      return;
    }
    if (name.charCodeAt(0) === 46) {
      if (name.startsWith(".cfi_")) return; // call-frame information from compilers: ignored
      throw new AsmError(`unknown directive '${name}'`, nameAt);
    }
    this.instruction(name, c, nameAt);
  }

  private instruction(written: string, c: Cursor, nameAt: number): void {
    const m = findMnemonic(written);
    if (m === undefined) throw new AsmError(`unknown instruction '${written}'`, nameAt);
    const { name, forms, pseudo } = m;
    const start = c.pos;
    this.bestError = undefined;
    if (forms !== undefined) {
      if (forms.length === 1 && pseudo === undefined) {
        // the only way to write it: no need to count operands first
        if (this.tryForm(forms[0]!, c, start, name)) return;
      } else {
        // forms written with this many operands first: no exceptions in the common case
        const n = countOperands(c);
        let counted = false;
        for (let i = 0; i < forms.length; i++) {
          const f = forms[i]!;
          if (n < f.minOperands || n > f.maxOperands) continue;
          counted = true;
          if (this.tryForm(f, c, start, name)) return;
        }
        // nothing has this operand count: let each form explain what it expected
        if (!counted && pseudo === undefined) for (let i = 0; i < forms.length; i++) if (this.tryForm(forms[i]!, c, start, name)) return;
      }
    }
    if (pseudo !== undefined) {
      c.pos = start;
      try {
        pseudo(this, c, name);
        return;
      } catch (e) {
        if (!(e instanceof AsmError)) throw e;
        this.noteError(e);
      }
    }
    throw this.bestError!;
  }

  /** The error of the attempt that got furthest (for instructions with several forms). */
  private bestError: AsmError | undefined;

  private noteError(e: AsmError): void {
    const b = this.bestError;
    if (b === undefined || e.offset > b.offset || (e.offset === b.offset && e.rank >= b.rank)) this.bestError = e;
  }

  /** Encodes and emits one form; false (error noted) when the operands do not fit it. */
  private tryForm(f: InsnSpec, c: Cursor, start: number, name: string): boolean {
    c.pos = start;
    const pending = this.pending;
    if (pending.length !== 0) pending.length = 0; // (setting length is a call even when it is already 0)
    try {
      const w = encodeOperands(f, c, this, pending);
      this.emitInsn(w, pending, name);
      return true;
    } catch (e) {
      if (!(e instanceof AsmError)) throw e;
      this.noteError(e);
      return false;
    }
  }

  /** `.align`/`.p2align`/`.balign`: pads now and records the alignment for layout. */
  alignTo(bytes: number, fill: number | undefined, maxSkip: number): void {
    const sec = this.cur;
    if (bytes > sec.align) sec.align = bytes;
    const code = sec.flags.exec && fill === undefined;
    const pos = sec.size;
    const pad = alignPadding(pos, bytes, maxSkip);
    if (pad > MAX_FILL) throw new AsmError(`alignment to ${bytes} bytes would add ${pad} bytes of padding (limit ${MAX_FILL})`);
    sec.items.push({ kind: "align", pos, align: bytes, fill: fill ?? 0, fillSize: 1, maxSkip, code, size: pad });
    if (pad === 0) return;
    const at = sec.reserve(pad);
    if (sec.type !== "nobits") writePadding(sec.data, at, pad, code, fill ?? 0);
  }

  /** The section offset an expression names in the current section (for `.org`). */
  sectionOffset(e: Expr, at: number, what: string): { value: number } {
    const v = evaluate(e, this.env);
    if (v.sub === null && v.sym === null) return { value: v.v };
    if (v.sub === null && v.sym !== null && v.sym.state === "label" && v.sym.section === this.cur) return { value: v.sym.value + v.v };
    throw new AsmError(`${what}: expected a constant or a position in ${this.cur.name}`, at);
  }

  /** `.include "file"`: searched next to the including file, then in the include directories. */
  includeFile(path: string): void {
    const read = this.options.readFile;
    if (read === undefined) throw new AsmError(`.include: file inclusion is not available here ('${path}')`);
    if (this.includeDepth >= 32) throw new AsmError(`.include: nesting too deep (is '${path}' including itself?)`);
    const here = this.loc.file;
    const dir = here.includes("/") ? here.slice(0, here.lastIndexOf("/") + 1) : "";
    const candidates = path.startsWith("/") ? [path] : [dir + path, ...(this.options.includeDirs ?? []).map((d) => `${d.replace(/\/+$/, "")}/${path}`), path];
    for (const p of candidates) {
      const text = read(p);
      if (text === undefined) continue;
      this.includeDepth++;
      const saveLoc = this.stmtLoc;
      const saveStmt = this.stmt;
      try {
        this.assembleText(text, p);
      } finally {
        this.includeDepth--;
        this.stmtLoc = saveLoc;
        this.stmt = saveStmt;
      }
      return;
    }
    throw new AsmError(`.include: cannot find '${path}' (searched ${candidates.join(", ")})`);
  }
}

/** Padding bytes to reach a multiple of `align` from `pos` (0 when more than maxSkip would be needed). */
export function alignPadding(pos: number, align: number, maxSkip: number): number {
  const pad = (align - (pos % align)) % align;
  return maxSkip > 0 && pad > maxSkip ? 0 : pad;
}

/** Alignment padding in code, as GNU as: a zero byte to an even offset, a 2-byte c.nop if needed, then nops. */
export function writePadding(d: Uint8Array, at: number, pad: number, code: boolean, fill: number): void {
  if (!code) {
    d.fill(fill & 0xff, at, at + pad);
    return;
  }
  let p = at;
  if (pad % 2 === 1) d[p++] = 0;
  if ((at + pad - p) % 4 === 2) {
    d[p++] = 0x01;
    d[p++] = 0x00;
  }
  for (; p < at + pad; p += 4) {
    d[p] = 0x13;
    d[p + 1] = 0;
    d[p + 2] = 0;
    d[p + 3] = 0;
  }
}

/** Flags GNU as gives a section from its name when `.section` names none. */
export function defaultFlags(name: string): SectionFlags {
  const is = (p: string): boolean => name === p || name.startsWith(p + ".");
  if (is(".text") || name.startsWith(".text")) return { alloc: true, write: false, exec: true };
  if (is(".data") || is(".sdata") || is(".bss") || is(".sbss") || is(".tdata") || is(".tbss")) return { alloc: true, write: true, exec: false };
  if (is(".rodata") || is(".srodata")) return { alloc: true, write: false, exec: false };
  if (name === ".init_array" || name === ".fini_array" || name === ".preinit_array") return { alloc: true, write: true, exec: false };
  return { alloc: false, write: false, exec: false };
}
