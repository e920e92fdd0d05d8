/**
 * The rules about hardware classes (classes extending Module): registers assigned outside
 * clocked logic, outputs never driven, and combinational blocks whose code does not match
 * their declared reads and writes.
 *
 * Each block registered with `this.seq(fn)` / `this.comb(deps, fn)` is traced: the function's
 * body, the nested arrow functions in it, and the methods (`this.m(...)`) and local functions
 * it calls, with their parameters bound to the arguments. Every `.value`, `.next`, `bit()`,
 * `word()`, `setWord()`, `copyFrom()`, `setNextWord()`, `copyNextFrom()` and a vector's
 * `get()`, `set()`, `setNext()` on the way is an access, resolved to a signal by Model.eval.
 */
import { Node, SyntaxKind, type SourceFile } from "ts-morph";
import { Model, UNKNOWN, covers, element, isFunctionLike, literalIndex, strip, thisCallName, type ClassInfo, type Ctx, type FnNode, type Val } from "./model.ts";
import type { RuleName } from "./rules.ts";

export type Report = (node: Node, rule: RuleName, message: string) => void;

interface Access {
  node: Node;
  /** The receiver expression (`this.out` in `this.out.value = 1`). */
  target: Node;
  val: Val;
}

interface Trace {
  reads: Access[];
  writes: Access[];
  nexts: Access[];
  /** An access whose receiver did not resolve. */
  unresolvedReads: boolean;
  unresolvedWrites: boolean;
  /** Ids of signals/modules handed to code we do not follow. */
  escapes: string[];
  /** `this` (or an unresolvable `this.m()`) handed to code we do not follow. */
  escapeAll: boolean;
  visited: Set<string>;
  /** Every `.next` assignment node reached, resolved or not. */
  nextNodes: Node[];
}

const DECL_CALLS = new Set(["input", "output", "wire", "reg", "inputWide", "outputWide", "wireWide", "regWide", "memory", "memoryWide", "connect", "comb", "seq"]);
const READ_CALLS = new Set(["bit", "word"]);
/** A vector's (BitsVec's) accesses, when the receiver resolves to signals. */
const VECTOR_CALLS = new Set(["get", "set", "setNext"]);

function newTrace(): Trace {
  return { reads: [], writes: [], nexts: [], unresolvedReads: false, unresolvedWrites: false, escapes: [], escapeAll: false, visited: new Set(), nextNodes: [] };
}

function isAssignment(n: Node): boolean {
  if (!Node.isBinaryExpression(n)) return false;
  const k = n.getOperatorToken().getKind();
  return k >= SyntaxKind.FirstAssignment && k <= SyntaxKind.LastAssignment;
}

function isIncDec(n: Node): boolean {
  return (
    (Node.isPrefixUnaryExpression(n) || Node.isPostfixUnaryExpression(n)) &&
    (n.getOperatorToken() === SyntaxKind.PlusPlusToken || n.getOperatorToken() === SyntaxKind.MinusMinusToken)
  );
}

/** For a `.value` / `.next` property access: "write" (plain =), "rw" (compound, ++), or "read". */
function accessMode(pa: Node): "write" | "rw" | "read" {
  let n: Node = pa;
  let p = n.getParent();
  while (p && (Node.isParenthesizedExpression(p) || Node.isNonNullExpression(p))) {
    n = p;
    p = p.getParent();
  }
  if (p && isAssignment(p) && (p as unknown as { getLeft(): Node }).getLeft() === n) {
    return (p as unknown as { getOperatorToken(): Node }).getOperatorToken().getKind() === SyntaxKind.EqualsToken ? "write" : "rw";
  }
  if (p && isIncDec(p)) return "rw";
  return "read";
}

export function displayName(v: Val): string {
  return v.t === "sig" ? v.kind : v.t;
}

export class HardwareChecker {
  /** `.next` sites reached from some seq block / comb block of any parsed class. */
  private readonly seqReached = new Set<Node>();
  private readonly combReached = new Set<Node>();
  /** Classes with a seq registration whose function did not resolve. */
  private readonly unresolvedSeq = new Set<ClassInfo>();

  constructor(
    private readonly model: Model,
    private readonly report: Report,
  ) {
    for (const cls of model.allClasses()) {
      if (!model.isHardware(cls)) continue;
      const ctx = this.ctx(cls);
      for (const { what, call } of this.registrations(cls)) {
        const args = call.getArguments();
        const fn = this.resolveFn(args[what === "seq" ? 0 : 1], ctx);
        if (!fn) {
          if (what === "seq") this.unresolvedSeq.add(cls);
          continue;
        }
        const tr = newTrace();
        this.trace(fn, ctx, tr);
        for (const a of tr.nexts) (what === "seq" ? this.seqReached : this.combReached).add(a.node);
        for (const n of tr.nextNodes) (what === "seq" ? this.seqReached : this.combReached).add(n);
      }
    }
  }

  /** `this.seq(...)` / `this.comb(...)` calls in the class and its parsed bases. */
  private registrations(cls: ClassInfo): { what: "seq" | "comb"; call: Node & { getArguments(): Node[] }; owner: ClassInfo }[] {
    const out: { what: "seq" | "comb"; call: Node & { getArguments(): Node[] }; owner: ClassInfo }[] = [];
    for (const k of this.model.chain(cls)) {
      if (this.model.isKernelModule(k)) break;
      for (const call of k.decl.getDescendantsOfKind(SyntaxKind.CallExpression)) {
        const what = thisCallName(call);
        if (what === "seq" || what === "comb") out.push({ what, call, owner: k });
      }
    }
    return out;
  }

  /** Whether the class, a base or a subclass registers a seq block we could not resolve. */
  private seqUnknown(cls: ClassInfo): boolean {
    for (const k of this.unresolvedSeq) {
      if (this.model.chain(k).includes(cls) || this.model.chain(cls).includes(k)) return true;
    }
    return false;
  }

  checkFile(sf: SourceFile): void {
    for (const c of sf.getDescendantsOfKind(SyntaxKind.ClassDeclaration)) {
      const info = this.model.classInfo(c);
      if (info && this.model.isHardware(info)) this.checkClass(info);
    }
  }

  // ---------------------------------------------------------------- tracing

  private ctx(cls: ClassInfo): Ctx {
    return { cls, self: "this", env: new Map() };
  }

  /** The function a registration's `fn` argument denotes. */
  private resolveFn(arg: Node | undefined, ctx: Ctx): FnNode | undefined {
    if (!arg) return undefined;
    let e = strip(arg);
    if (Node.isCallExpression(e)) {
      const callee = strip(e.getExpression());
      if (Node.isPropertyAccessExpression(callee) && callee.getName() === "bind") e = strip(callee.getExpression());
      else return undefined;
    }
    const v = this.model.eval(e, ctx);
    // An abstract method has no body: what runs is decided by a subclass.
    return v.t === "fn" && (v.node as unknown as { getBody(): Node | undefined }).getBody() !== undefined ? v.node : undefined;
  }

  private trace(fn: FnNode, ctx: Ctx, tr: Trace, depth = 0): void {
    const envKey = [...ctx.env.values()].map((v) => ("id" in v ? v.id : v.t)).join(",");
    const key = `${this.model.key(fn)}(${envKey})`;
    if (tr.visited.has(key) || depth > 12) return;
    tr.visited.add(key);
    const body = (fn as unknown as { getBody(): Node | undefined }).getBody();
    if (!body) return;
    const visit = (n: Node): void => {
      this.visitNode(n, ctx, tr, depth);
      n.forEachChild(visit);
    };
    visit(body);
  }

  private visitNode(n: Node, ctx: Ctx, tr: Trace, depth: number): void {
    if (Node.isPropertyAccessExpression(n)) {
      const name = n.getName();
      if (name !== "value" && name !== "signed" && name !== "next") return;
      // `this.x.value(...)`-style calls are not accesses.
      const parent = n.getParent();
      if (parent && Node.isCallExpression(parent) && parent.getExpression() === n) return;
      const target = n.getExpression();
      const val = this.model.eval(target, ctx);
      const mode = name === "signed" ? "read" : accessMode(n);
      if (name === "next") {
        if (mode !== "read") this.record(tr, "next", n, target, val);
        return;
      }
      if (mode !== "write") this.record(tr, "read", n, target, val);
      if (mode !== "read") this.record(tr, "write", n, target, val);
      return;
    }
    if (!Node.isCallExpression(n)) return;
    const callee = strip(n.getExpression());
    const args = n.getArguments();
    const thisName = thisCallName(n);
    if (thisName !== undefined) {
      if (DECL_CALLS.has(thisName)) return;
      const fn = this.model.memberFunction(ctx.cls, thisName);
      if (fn) this.traceCall(fn, args, ctx, tr, depth);
      else tr.escapeAll = true;
      return;
    }
    if (Node.isPropertyAccessExpression(callee)) {
      const name = callee.getName();
      const target = callee.getExpression();
      if (READ_CALLS.has(name) || name === "setWord" || name === "copyFrom" || name === "setNextWord" || name === "copyNextFrom") {
        const val = this.model.eval(target, ctx);
        if (READ_CALLS.has(name)) this.record(tr, "read", n, target, val);
        else if (name === "setWord" || name === "copyFrom") this.record(tr, "write", n, target, val);
        else this.record(tr, "next", n, target, val);
        if ((name === "copyFrom" || name === "copyNextFrom") && args[0]) this.record(tr, "read", n, args[0], this.model.eval(args[0], ctx));
        return;
      }
      if (name === "nextWord") return;
      if (name === "set" && isRegArraySet(n)) {
        tr.nextNodes.push(n); // a register array's next state, like `.next =`
        return;
      }
      if (VECTOR_CALLS.has(name)) {
        // a vector's signals: get reads, set drives (like `.value =`), setNext assigns next (like `.next =`)
        const vec = this.model.eval(target, ctx);
        if (name === "setNext" && vec.t !== "sigs") tr.nextNodes.push(n); // reached from this block, even unresolved
        if (vec.t === "sigs") {
          const signal = element(vec, args[0] ? literalIndex(args[0]) : "*");
          this.record(tr, name === "get" ? "read" : name === "set" ? "write" : "next", n, target, signal);
          return;
        }
      }
    }
    if (Node.isPropertyAccessExpression(callee)) {
      // A method of a child module (`this.child.step()`, `for (const pe of this.pes) pe.step()`).
      const obj = this.model.eval(callee.getExpression(), ctx);
      if (obj.t === "mod" && obj.cls && obj.id !== ctx.self) {
        const fn = this.model.memberFunction(obj.cls, callee.getName());
        if (fn) {
          this.traceCall(fn, args, { cls: obj.cls, self: obj.id, env: ctx.env }, tr, depth);
          return;
        }
      }
    }
    if (Node.isIdentifier(callee)) {
      const v = this.model.eval(callee, ctx);
      if (v.t === "fn") {
        this.traceCall(v.node, args, ctx, tr, depth);
        return;
      }
    }
    // A call we do not follow: whatever hardware it is handed escapes.
    const handed = [...args];
    if (Node.isPropertyAccessExpression(callee)) handed.push(callee.getExpression());
    for (const a of handed) {
      if (Node.isArrowFunction(a) || Node.isFunctionExpression(a)) continue;
      const v = this.model.eval(a, ctx);
      if (v.t === "mod" && v.id === ctx.self) tr.escapeAll = true;
      else if (v.t !== "unknown" && v.t !== "fn") tr.escapes.push(v.id);
    }
  }

  private traceCall(fn: FnNode, args: readonly Node[], ctx: Ctx, tr: Trace, depth: number): void {
    const env = new Map(ctx.env);
    const params = (fn as unknown as { getParameters?(): Node[] }).getParameters?.() ?? [];
    params.forEach((p, i) => {
      const a = args[i];
      env.set(p, a ? this.model.eval(a, ctx) : UNKNOWN);
    });
    this.trace(fn, { cls: ctx.cls, self: ctx.self, env }, tr, depth + 1);
  }

  private record(tr: Trace, what: "read" | "write" | "next", node: Node, target: Node, val: Val): void {
    if (what === "next") tr.nextNodes.push(node);
    if (val.t !== "sig") {
      if (val.t === "unknown" && what === "read") tr.unresolvedReads = true;
      if (val.t === "unknown" && what !== "read") tr.unresolvedWrites = true;
      return;
    }
    const a: Access = { node, target, val };
    if (what === "read") tr.reads.push(a);
    else if (what === "write") tr.writes.push(a);
    else tr.nexts.push(a);
  }

  // ---------------------------------------------------------------- per class

  private checkClass(cls: ClassInfo): void {
    const model = this.model;
    const ctx = this.ctx(cls);
    const tracedWrites = new Map<Node, Val>();
    const reported = new Set<string>();
    const report = (node: Node, rule: RuleName, message: string): void => {
      const k = `${model.key(node)}|${rule}|${message}`;
      if (reported.has(k)) return;
      reported.add(k);
      this.report(node, rule, message);
    };
    const ownDecl = cls.decl;
    const inOwn = (n: Node): boolean => n.getSourceFile() === ownDecl.getSourceFile() && n.getStart() >= ownDecl.getStart() && n.getEnd() <= ownDecl.getEnd();

    // Registrations in the class and its bases (a base's constructor registers for us too).
    const combWriteItems: { items: Val[]; open: boolean }[] = [];
    for (const { what, call, owner } of this.registrations(cls)) {
      // Findings inside a base class are reported when the base itself is checked.
      const rep: Report = owner === cls ? report : (node, rule, message) => inOwn(node) && report(node, rule, message);
      const args = call.getArguments();
      if (what === "seq") {
        const fn = this.resolveFn(args[0], ctx);
        if (!fn) continue;
        const tr = newTrace();
        this.trace(fn, ctx, tr);
        this.checkAccesses(tr, undefined, rep, tracedWrites);
        continue;
      }
      const deps = this.deps(args[0], ctx);
      if (owner === cls) combWriteItems.push(deps.writes);
      const fn = this.resolveFn(args[1], ctx);
      if (!fn) continue;
      const tr = newTrace();
      this.trace(fn, ctx, tr);
      const label = deps.name !== undefined ? `'${deps.name}'` : this.fnLabel(args[1]!, call);
      for (const a of tr.nexts) {
        rep(a.node, "reg-assign-outside-seq", `${a.target.getText()}: a register's next value is assigned in combinational block ${label} (only this.seq blocks may)`);
      }
      this.checkAccesses(tr, undefined, rep, tracedWrites);
      this.checkComb(tr, deps, label, rep);
    }

    // Every `.next` assignment in the class must be reached from a seq block.
    const escaped = this.escapedMethods(cls);
    const unknownSeq = this.seqUnknown(cls);
    for (const site of this.nextSites(ownDecl)) {
      if (isRegArraySet(site.node) && this.combReached.has(site.node) && !this.seqReached.has(site.node)) {
        report(site.node, "reg-assign-outside-seq", `${site.target.getText()}: a register array is written in a combinational block (only this.seq blocks may)`);
        continue;
      }
      if (this.seqReached.has(site.node) || this.combReached.has(site.node)) continue;
      if (unknownSeq) continue;
      const owner = this.enclosingMember(site.node, cls);
      if (owner !== undefined && escaped.has(owner)) continue;
      report(site.node, "reg-assign-outside-seq", `${site.target.getText()}: a register's next value is assigned outside clocked logic (not reached from any this.seq block)`);
    }
    // Plain (unbound) evaluation of every access in the class, for the kind checks.
    const plain = newTrace();
    for (const n of ownDecl.getDescendants()) this.visitNodeShallow(n, ctx, plain);
    this.checkAccesses(plain, inOwn, report, tracedWrites);

    this.checkOutputs(cls, ctx, combWriteItems, plain, tracedWrites, report);
  }

  /** Visits a node without following calls (for whole-class scans). */
  private visitNodeShallow(n: Node, ctx: Ctx, tr: Trace): void {
    if (Node.isPropertyAccessExpression(n)) {
      this.visitNode(n, ctx, tr, 0);
      return;
    }
    if (!Node.isCallExpression(n)) return;
    const callee = strip(n.getExpression());
    if (!Node.isPropertyAccessExpression(callee)) return;
    const name = callee.getName();
    if (READ_CALLS.has(name) || VECTOR_CALLS.has(name) || name === "setWord" || name === "copyFrom" || name === "setNextWord" || name === "copyNextFrom") {
      this.visitNode(n, ctx, tr, 0);
    }
  }

  /** Kind checks on accesses: `.value =` on a register, `.next` on a non-register. */
  private checkAccesses(tr: Trace, only: ((n: Node) => boolean) | undefined, report: Report, tracedWrites: Map<Node, Val>): void {
    for (const a of tr.writes) {
      if (!only) tracedWrites.set(a.node, a.val);
      if (only && !only(a.node)) continue;
      if (a.val.t === "sig" && a.val.kind === "reg") {
        report(a.node, "reg-assign-outside-seq", `${a.target.getText()}: a register is driven like a wire (assign its next value in a this.seq block)`);
      }
    }
    for (const a of tr.nexts) {
      if (only && !only(a.node)) continue;
      if (a.val.t === "sig" && a.val.kind !== "reg" && a.val.kind !== "?") {
        report(a.node, "next-on-non-register", `${a.target.getText()}: only registers have a next value (this is an ${a.val.kind === "input" || a.val.kind === "output" ? a.val.kind : "wire"})`.replace("an wire", "a wire"));
      }
    }
  }

  /** `.next =`, `setNextWord(...)`, `copyNextFrom(...)`, a vector's `setNext(...)` nodes in a class. */
  private nextSites(decl: Node): { node: Node; target: Node }[] {
    const out: { node: Node; target: Node }[] = [];
    decl.forEachDescendant((n) => {
      if (Node.isPropertyAccessExpression(n) && n.getName() === "next" && accessMode(n) !== "read") out.push({ node: n, target: n.getExpression() });
      else if (Node.isCallExpression(n)) {
        const callee = strip(n.getExpression());
        if (Node.isPropertyAccessExpression(callee) && (callee.getName() === "setNextWord" || callee.getName() === "copyNextFrom" || callee.getName() === "setNext")) {
          out.push({ node: n, target: callee.getExpression() });
        } else if (isRegArraySet(n)) {
          out.push({ node: n, target: (callee as Node & { getExpression(): Node }).getExpression() });
        }
      }
    });
    return out;
  }

  /** Methods referenced as values (`this.m` neither called nor registered): they may run anywhere. */
  private escapedMethods(cls: ClassInfo): Set<string> {
    const out = new Set<string>();
    cls.decl.forEachDescendant((n) => {
      if (!Node.isPropertyAccessExpression(n) || strip(n.getExpression()).getKind() !== SyntaxKind.ThisKeyword) return;
      let p: Node | undefined = n.getParent();
      let child: Node = n;
      while (p && (Node.isParenthesizedExpression(p) || Node.isNonNullExpression(p))) {
        child = p;
        p = p.getParent();
      }
      if (!p) return;
      if (Node.isCallExpression(p)) {
        if (p.getExpression() === child) return; // called
        const reg = thisCallName(p);
        if (reg === "seq" || reg === "comb") return; // registered
      }
      if (Node.isPropertyAccessExpression(p) && p.getExpression() === child) {
        if (p.getName() === "bind") {
          const call = p.getParent();
          const reg = call?.getParent();
          if (reg && (thisCallName(reg) === "seq" || thisCallName(reg) === "comb")) return;
        } else return; // this.m.x: a field's member, not the method
      }
      if (this.model.memberFunction(cls, n.getName())) out.add(n.getName());
    });
    return out;
  }

  /** The method / arrow-valued property of `cls` that contains `n`. */
  private enclosingMember(n: Node, cls: ClassInfo): string | undefined {
    for (let a: Node | undefined = n; a; a = a.getParent()) {
      const p = a.getParent();
      if (p === cls.decl) {
        if (Node.isMethodDeclaration(a) || Node.isPropertyDeclaration(a)) return a.getName();
        return undefined;
      }
    }
    return undefined;
  }

  private fnLabel(arg: Node, call: Node): string {
    const e = strip(arg);
    if (Node.isPropertyAccessExpression(e)) return `'${e.getName()}'`;
    return `at line ${call.getStartLineNumber()}`;
  }

  // ---------------------------------------------------------------- comb blocks

  private deps(arg: Node | undefined, ctx: Ctx): { reads: DeclList; writes: DeclList; name: string | undefined } {
    const open: DeclList = { items: [], nodes: [], open: true };
    let o = arg ? strip(arg) : undefined;
    if (o && Node.isIdentifier(o)) o = findConstObject(o);
    if (!o || !Node.isObjectLiteralExpression(o)) return { reads: open, writes: open, name: undefined };
    let reads = open;
    let writes = open;
    let name: string | undefined;
    for (const p of o.getProperties()) {
      let init: Node | undefined;
      let pname: string | undefined;
      if (Node.isPropertyAssignment(p)) {
        pname = p.getName();
        init = p.getInitializer();
      } else if (Node.isShorthandPropertyAssignment(p)) {
        pname = p.getName();
        init = p.getNameNode();
      } else return { reads: open, writes: open, name: undefined };
      if (!init) continue;
      if (pname === "reads") reads = this.declList(init, ctx);
      else if (pname === "writes") writes = this.declList(init, ctx);
      else if (pname === "name") {
        const s = strip(init);
        if (Node.isStringLiteral(s) || Node.isNoSubstitutionTemplateLiteral(s)) name = s.getLiteralValue();
      }
    }
    return { reads, writes, name };
  }

  private declList(e: Node, ctx: Ctx): DeclList {
    const out: DeclList = { items: [], nodes: [], open: false };
    const add = (x: Node): void => {
      const s = strip(x);
      if (Node.isArrayLiteralExpression(s)) {
        for (const el of s.getElements()) {
          if (Node.isSpreadElement(el)) add(el.getExpression());
          else add(el);
        }
        return;
      }
      const v = this.model.eval(s, ctx);
      if (v.t === "sig" || v.t === "sigs") {
        out.items.push(v);
        out.nodes.push(s);
      } else out.open = true;
    };
    add(e);
    return out;
  }

  private checkComb(tr: Trace, deps: { reads: DeclList; writes: DeclList }, label: string, report: Report): void {
    const { reads, writes } = deps;
    const declared = (list: DeclList, id: string): boolean => list.items.some((d) => covers(d, id));
    if (!reads.open && !writes.open) {
      for (const a of tr.reads) {
        const v = a.val as Extract<Val, { t: "sig" }>;
        if (v.kind === "reg" || v.kind === "?") continue;
        if (declared(reads, v.id) || declared(writes, v.id)) continue;
        report(a.node, "comb-undeclared-read", `${a.target.getText()}: combinational block ${label} reads this ${v.kind}, which is not in its reads`);
      }
    }
    if (!writes.open) {
      for (const a of tr.writes) {
        const v = a.val as Extract<Val, { t: "sig" }>;
        if (v.kind === "reg") continue;
        if (declared(writes, v.id)) continue;
        report(a.node, "comb-undeclared-write", `${a.target.getText()}: combinational block ${label} writes this ${v.kind === "?" ? "signal" : v.kind}, which is not in its writes`);
      }
    }
    if (tr.escapeAll) return;
    const escaped = (d: Val): boolean =>
      tr.escapes.some((id) => covers(d, id) || ("id" in d && (d.id === id || d.id.startsWith(`${id}/`) || d.id.startsWith(`${id}.`) || d.id.startsWith(`${id}[`))));
    if (!writes.open && !tr.unresolvedWrites) {
      writes.items.forEach((d, i) => {
        if (tr.writes.some((a) => covers(d, (a.val as { id: string }).id)) || escaped(d)) return;
        report(writes.nodes[i]!, "comb-declared-unused", `${writes.nodes[i]!.getText()}: declared in the writes of combinational block ${label}, which never writes it`);
      });
    }
    if (!reads.open && !tr.unresolvedReads) {
      reads.items.forEach((d, i) => {
        if (tr.reads.some((a) => covers(d, (a.val as { id: string }).id)) || escaped(d)) return;
        if (tr.writes.some((a) => covers(d, (a.val as { id: string }).id))) return;
        report(reads.nodes[i]!, "comb-declared-unused", `${reads.nodes[i]!.getText()}: declared in the reads of combinational block ${label}, which never reads it`);
      });
    }
  }

  // ---------------------------------------------------------------- outputs

  private checkOutputs(cls: ClassInfo, ctx: Ctx, combWrites: { items: Val[]; open: boolean }[], plain: Trace, traced: Map<Node, Val>, report: Report): void {
    const model = this.model;
    if (cls.decl.isAbstract() || model.hasSubclass(cls)) return;
    const decls: { call: Node; id: string; arrayId: string | undefined }[] = [];
    const driven: Val[] = [];
    const escapes: string[] = [];
    for (const call of cls.decl.getDescendantsOfKind(SyntaxKind.CallExpression)) {
      const what = thisCallName(call);
      if (what === "output" || what === "outputWide") {
        const arrayCall = this.arrayContainer(call);
        // Only outputs held in a field or a local (directly or as an array) are tracked;
        // one put in an object literal, a Map or a push() is not flagged.
        if (arrayCall ? simplyHeld(arrayCall) : simplyHeld(call)) {
          decls.push({ call, id: `this/${model.key(call)}`, arrayId: arrayCall ? `this/${model.key(arrayCall)}` : undefined });
        }
        continue;
      }
      if (what === "connect") {
        const sink = call.getArguments()[0];
        const v = sink ? model.eval(sink, ctx) : UNKNOWN;
        if (v.t === "unknown") return;
        driven.push(v);
        continue;
      }
      if (what !== undefined && DECL_CALLS.has(what)) continue;
      for (const a of call.getArguments()) {
        const s = strip(a);
        if (Node.isArrowFunction(s) || Node.isFunctionExpression(s) || Node.isLiteralExpression(s)) continue;
        const v = model.eval(s, ctx);
        if (v.t === "sig" || v.t === "sigs" || v.t === "mem" || v.t === "port" || v.t === "ports") escapes.push(v.id);
      }
    }
    if (decls.length === 0) return;
    for (const w of combWrites) {
      if (w.open) return;
      driven.push(...w.items);
    }
    for (const a of plain.writes) driven.push(a.val);
    for (const v of traced.values()) driven.push(v);
    if (plain.unresolvedWrites) {
      // Unresolved only if some write did not resolve in any traced (parameter-bound) pass either.
      const resolved = new Set([...plain.writes.map((a) => a.node), ...traced.keys()]);
      let bad = false;
      cls.decl.forEachDescendant((n) => {
        if (bad) return;
        if (Node.isPropertyAccessExpression(n) && n.getName() === "value" && accessMode(n) !== "read" && !resolved.has(n)) bad = true;
      });
      if (bad) return;
    }
    const ids = (v: Val): string[] => (v.t === "sigs" && v.elems ? v.elems.flatMap(ids) : "id" in v ? [v.id] : []);
    const all = [...driven.flatMap(ids), ...escapes];
    for (const d of decls) {
      const hit = all.some(
        (id) => id === d.id || id.startsWith(`${d.id}[`) || (d.arrayId !== undefined && (id === d.arrayId || id.startsWith(`${d.arrayId}[`))),
      );
      if (hit) continue;
      const nameArg = (d.call as unknown as { getArguments(): Node[] }).getArguments()[0];
      const name = nameArg ? nameArg.getText() : "?";
      report(d.call, "output-never-driven", `output ${name} is never driven: not a connect sink, not in any comb block's writes, never assigned`);
    }
  }

  /** For a declaration inside `Array.from(n, (_, i) => this.output(...))` or `.map(...)`: that call. */
  private arrayContainer(call: Node): Node | undefined {
    let n: Node = call;
    for (let p = n.getParent(); p; n = p, p = p.getParent()) {
      if (Node.isParenthesizedExpression(p) || Node.isReturnStatement(p) || Node.isBlock(p) || Node.isAsExpression(p) || Node.isNonNullExpression(p)) continue;
      if (Node.isArrowFunction(p) || Node.isFunctionExpression(p)) {
        const c = p.getParent();
        if (c && Node.isCallExpression(c) && c.getArguments().includes(p)) {
          const callee = strip(c.getExpression());
          if (Node.isPropertyAccessExpression(callee) && (callee.getName() === "from" || callee.getName() === "map")) return c;
        }
        return undefined;
      }
      if (isFunctionLike(p)) return undefined;
      if (Node.isVariableDeclaration(p) || Node.isVariableDeclarationList(p) || Node.isVariableStatement(p)) continue;
      return undefined;
    }
    return undefined;
  }
}

/** `x` is a field initialiser, `this.f = x`, or `const v = x`. */
function simplyHeld(x: Node): boolean {
  let n: Node = x;
  let p = n.getParent();
  while (p && (Node.isParenthesizedExpression(p) || Node.isNonNullExpression(p) || Node.isAsExpression(p))) {
    n = p;
    p = p.getParent();
  }
  if (!p) return false;
  if (Node.isPropertyDeclaration(p)) return p.getInitializer() === n;
  if (Node.isVariableDeclaration(p)) return p.getInitializer() === n && Node.isIdentifier(p.getNameNode());
  if (Node.isBinaryExpression(p) && p.getOperatorToken().getKind() === SyntaxKind.EqualsToken && p.getRight() === n) {
    const left = strip(p.getLeft());
    return Node.isPropertyAccessExpression(left) && strip(left.getExpression()).getKind() === SyntaxKind.ThisKeyword;
  }
  return false;
}

interface DeclList {
  items: Val[];
  nodes: Node[];
  open: boolean;
}

function findConstObject(id: Node): Node | undefined {
  for (let a = id.getParent(); a; a = a.getParent()) {
    if (Node.isBlock(a) || Node.isSourceFile(a)) {
      for (const s of a.getStatements()) {
        if (!Node.isVariableStatement(s)) continue;
        for (const d of s.getDeclarations()) {
          if (d.getName() === id.getText()) {
            const init = d.getInitializer();
            return init ? strip(init) : undefined;
          }
        }
      }
    }
  }
  return undefined;
}

/**
 * `this.<field>.set(...)` where the field was declared with `this.regArray(...)` in the same
 * class: writing a register array, which like `.next =` belongs in clocked logic.
 */
function isRegArraySet(n: Node): boolean {
  if (!Node.isCallExpression(n)) return false;
  const callee = strip(n.getExpression());
  if (!Node.isPropertyAccessExpression(callee) || callee.getName() !== "set") return false;
  const target = strip(callee.getExpression());
  if (!Node.isPropertyAccessExpression(target) || target.getExpression().getKind() !== SyntaxKind.ThisKeyword) return false;
  const cls = n.getFirstAncestorByKind(SyntaxKind.ClassDeclaration);
  if (!cls) return false;
  const field = target.getName();
  return cls.getDescendantsOfKind(SyntaxKind.CallExpression).some((c) => {
    const e = strip(c.getExpression());
    if (!Node.isPropertyAccessExpression(e) || e.getName() !== "regArray" || e.getExpression().getKind() !== SyntaxKind.ThisKeyword) return false;
    const parent = c.getParent();
    if (parent && Node.isPropertyDeclaration(parent)) return parent.getName() === field;
    if (parent && Node.isBinaryExpression(parent)) {
      const left = strip(parent.getLeft());
      return Node.isPropertyAccessExpression(left) && left.getName() === field;
    }
    return false;
  });
}
