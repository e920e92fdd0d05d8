/**
 * The static model the hardware rules work on: parsed files, classes and how they extend each
 * other, and an abstract evaluator that maps an expression such as `this.entries[i]!` or
 * `this.mem.ports[0]!.rdata` to the signal (or array, module, memory) it denotes.
 *
 * No type checker: everything is syntactic, resolved by names in lexical scope and by
 * following relative imports. What cannot be resolved evaluates to `unknown`, and the rules
 * never report on unknowns.
 */
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { Node, Project, SyntaxKind, type ClassDeclaration, type SourceFile } from "ts-morph";

export type Kind = "input" | "output" | "wire" | "reg" | "?";

/** What an expression denotes. Ids are stable strings: equal ids are the same signal/array. */
export type Val =
  | { t: "sig"; id: string; kind: Kind }
  | { t: "sigs"; id: string; kind: Kind; elems?: Val[] }
  | { t: "mod"; id: string; cls: ClassInfo | undefined }
  | { t: "mods"; id: string; cls: ClassInfo | undefined }
  | { t: "mem"; id: string; latency: number | undefined }
  | { t: "ports"; id: string; latency: number | undefined }
  | { t: "port"; id: string; latency: number | undefined }
  | { t: "fn"; node: FnNode }
  | { t: "unknown" };

export const UNKNOWN: Val = { t: "unknown" };

export type FnNode = Node; // ArrowFunction | FunctionExpression | FunctionDeclaration | MethodDeclaration | Constructor | accessor

export interface ClassInfo {
  decl: ClassDeclaration;
  name: string;
  file: SourceFile;
}

/** Evaluation context: the class `this` is, the id prefix of `this`, bound parameters. */
export interface Ctx {
  cls: ClassInfo;
  self: string;
  env: ReadonlyMap<Node, Val>;
}

const SIGNAL_DECL: Record<string, Kind> = {
  input: "input",
  output: "output",
  wire: "wire",
  reg: "reg",
  inputWide: "input",
  outputWide: "output",
  wireWide: "wire",
  regWide: "reg",
};

const PORT_WIRES = new Set(["en", "addr", "wen", "wdata", "wmask"]);
const ARRAY_SAME = new Set(["slice", "filter", "reverse", "toReversed", "toSorted", "sort"]);
const ELEMENT_CALLBACK = new Set(["map", "forEach", "filter", "some", "every", "find", "findLast", "flatMap"]);

export function isFunctionLike(n: Node): boolean {
  return (
    Node.isArrowFunction(n) ||
    Node.isFunctionExpression(n) ||
    Node.isFunctionDeclaration(n) ||
    Node.isMethodDeclaration(n) ||
    Node.isConstructorDeclaration(n) ||
    Node.isGetAccessorDeclaration(n) ||
    Node.isSetAccessorDeclaration(n)
  );
}

/** Strips `(x)`, `x!`, `x as T`, `<T>x`, `x satisfies T`. */
export function strip(e: Node): Node {
  for (;;) {
    if (Node.isParenthesizedExpression(e) || Node.isNonNullExpression(e) || Node.isAsExpression(e) || Node.isTypeAssertion(e) || Node.isSatisfiesExpression(e)) {
      e = e.getExpression();
    } else return e;
  }
}

function isThis(e: Node): boolean {
  return strip(e).getKind() === SyntaxKind.ThisKeyword;
}

/** `this.<name>(...)`: the method name, or undefined. */
export function thisCallName(call: Node): string | undefined {
  if (!Node.isCallExpression(call)) return undefined;
  const callee = strip(call.getExpression());
  if (Node.isPropertyAccessExpression(callee) && isThis(callee.getExpression())) return callee.getName();
  return undefined;
}

export function literalIndex(e: Node): string {
  const s = strip(e);
  if (Node.isNumericLiteral(s)) return String(Number(s.getLiteralValue()));
  return "*";
}

export class Model {
  readonly project = new Project({
    skipAddingFilesFromTsConfig: true,
    skipFileDependencyResolution: true,
    compilerOptions: { allowJs: false, noLib: true },
  });
  /** Files that are checked (the rest were parsed to follow imports). */
  readonly checked = new Set<SourceFile>();
  private readonly fileIndex = new Map<SourceFile, number>();
  private readonly classes = new Map<ClassDeclaration, ClassInfo>();
  private readonly byName = new Map<string, ClassInfo[]>();
  private readonly fieldMemo = new Map<string, Val | "busy">();
  private readonly subclassCache = new Map<ClassInfo, boolean>();

  /** Parses `paths` (checked) and, for context, every relative `.ts` import reachable from them. */
  constructor(paths: readonly string[]) {
    const queue: string[] = [];
    for (const p of paths) {
      const sf = this.project.addSourceFileAtPath(p);
      this.checked.add(sf);
      queue.push(p);
    }
    const seen = new Set(paths.map((p) => resolve(p)));
    while (queue.length > 0) {
      const sf = this.project.getSourceFileOrThrow(resolve(queue.pop()!));
      for (const spec of moduleSpecifiers(sf)) {
        if (!spec.startsWith(".") || !spec.endsWith(".ts")) continue;
        const target = resolve(dirname(sf.getFilePath()), spec);
        if (seen.has(target) || !existsSync(target)) continue;
        seen.add(target);
        this.project.addSourceFileAtPath(target);
        queue.push(target);
      }
    }
    let i = 0;
    for (const sf of this.project.getSourceFiles()) {
      this.fileIndex.set(sf, i++);
      for (const c of sf.getDescendantsOfKind(SyntaxKind.ClassDeclaration)) {
        const name = c.getName();
        if (name === undefined) continue;
        const info: ClassInfo = { decl: c, name, file: sf };
        this.classes.set(c, info);
        const list = this.byName.get(name);
        if (list) list.push(info);
        else this.byName.set(name, [info]);
      }
    }
  }

  classInfo(c: ClassDeclaration): ClassInfo | undefined {
    return this.classes.get(c);
  }

  allClasses(): ClassInfo[] {
    return [...this.classes.values()];
  }

  /** A stable key for a node: file index and position. */
  key(n: Node): string {
    return `${this.fileIndex.get(n.getSourceFile()) ?? "?"}:${n.getStart()}`;
  }

  // ---------------------------------------------------------------- classes and imports

  /** The class an identifier (as in `extends X` or `new X`) names, following imports. */
  resolveClassName(ident: Node): ClassInfo | undefined {
    if (!Node.isIdentifier(ident)) return undefined;
    return this.lookupName(ident.getSourceFile(), ident.getText(), 0);
  }

  private lookupName(sf: SourceFile, name: string, depth: number): ClassInfo | undefined {
    if (depth > 10) return undefined;
    const local = sf.getClass(name);
    if (local) return this.classes.get(local);
    for (const imp of sf.getImportDeclarations()) {
      for (const ni of imp.getNamedImports()) {
        const alias = ni.getAliasNode()?.getText() ?? ni.getName();
        if (alias !== name) continue;
        const target = this.importTarget(sf, imp.getModuleSpecifierValue());
        if (target) return this.lookupExport(target, ni.getName(), depth + 1);
        return this.uniqueByName(ni.getName());
      }
    }
    return undefined;
  }

  private lookupExport(sf: SourceFile, name: string, depth: number): ClassInfo | undefined {
    if (depth > 10) return undefined;
    const local = sf.getClass(name);
    if (local) return this.classes.get(local);
    for (const ex of sf.getExportDeclarations()) {
      const spec = ex.getModuleSpecifierValue();
      const target = spec === undefined ? sf : this.importTarget(sf, spec);
      const named = ex.getNamedExports();
      if (named.length === 0) {
        if (target && target !== sf) {
          const found = this.lookupExport(target, name, depth + 1);
          if (found) return found;
        }
        continue;
      }
      for (const ne of named) {
        const exported = ne.getAliasNode()?.getText() ?? ne.getName();
        if (exported !== name) continue;
        if (!target) return this.uniqueByName(ne.getName());
        return target === sf ? this.lookupName(sf, ne.getName(), depth + 1) : this.lookupExport(target, ne.getName(), depth + 1);
      }
    }
    return this.lookupName(sf, name, depth + 1);
  }

  private importTarget(sf: SourceFile, spec: string): SourceFile | undefined {
    if (!spec.startsWith(".")) return undefined;
    return this.project.getSourceFile(resolve(dirname(sf.getFilePath()), spec));
  }

  private uniqueByName(name: string): ClassInfo | undefined {
    const list = this.byName.get(name);
    return list && list.length === 1 ? list[0] : undefined;
  }

  /** The base class, when `extends` names a class we parsed. */
  baseOf(c: ClassInfo): ClassInfo | undefined {
    const ext = c.decl.getExtends();
    if (!ext) return undefined;
    return this.resolveClassName(strip(ext.getExpression()));
  }

  /** The class and its parsed bases, most derived first. */
  chain(c: ClassInfo): ClassInfo[] {
    const out: ClassInfo[] = [];
    for (let k: ClassInfo | undefined = c; k && out.length < 20 && !out.includes(k); k = this.baseOf(k)) out.push(k);
    return out;
  }

  /** The kernel's Module class itself. */
  isKernelModule(c: ClassInfo): boolean {
    return c.name === "Module" && c.decl.isAbstract() && c.decl.getMethod("seq") !== undefined;
  }

  /** A class describing hardware: it extends Module (directly or through parsed bases). */
  isHardware(c: ClassInfo): boolean {
    if (this.isKernelModule(c)) return false;
    let k: ClassInfo = c;
    for (let i = 0; i < 20; i++) {
      const ext = k.decl.getExtends();
      if (!ext) return false;
      const e = strip(ext.getExpression());
      const base = this.resolveClassName(e);
      if (base === undefined) return Node.isIdentifier(e) && e.getText() === "Module";
      if (base.name === "Module") return true;
      k = base;
    }
    return false;
  }

  /** Whether some parsed class extends `c`. */
  hasSubclass(c: ClassInfo): boolean {
    let v = this.subclassCache.get(c);
    if (v === undefined) {
      v = this.allClasses().some((k) => k !== c && this.baseOf(k) === c);
      this.subclassCache.set(c, v);
    }
    return v;
  }

  /** `this.<name>` as a method/arrow-valued member of the class chain. */
  memberFunction(c: ClassInfo, name: string): FnNode | undefined {
    for (const k of this.chain(c)) {
      for (const m of k.decl.getMembers()) {
        if (Node.isMethodDeclaration(m) && m.getName() === name && m.getBody()) return m;
        if (Node.isPropertyDeclaration(m) && m.getName() === name) {
          const init = m.getInitializer();
          if (init && (Node.isArrowFunction(strip(init)) || Node.isFunctionExpression(strip(init)))) return strip(init);
          return undefined;
        }
      }
    }
    return undefined;
  }

  // ---------------------------------------------------------------- evaluation

  /** What the field `name` of an object of class `c` (whose id is `self`) holds. */
  field(c: ClassInfo, name: string, self: string): Val {
    const memoKey = `${this.key(c.decl)}#${name}`;
    let v = this.fieldMemo.get(memoKey);
    if (v === "busy") return UNKNOWN;
    if (v === undefined) {
      this.fieldMemo.set(memoKey, "busy");
      v = this.computeField(c, name);
      this.fieldMemo.set(memoKey, v);
    }
    return reprefix(v, self);
  }

  private computeField(c: ClassInfo, name: string): Val {
    for (const k of this.chain(c)) {
      const ctx: Ctx = { cls: c, self: "§", env: new Map() };
      if (this.isKernelModule(k) && name === "reset") return { t: "sig", id: "reset", kind: "input" };
      let declared = false;
      let annotation: string | undefined;
      const values: Val[] = [];
      for (const m of k.decl.getMembers()) {
        if (Node.isPropertyDeclaration(m) && m.getName() === name) {
          declared = true;
          annotation = m.getTypeNode()?.getText();
          const init = m.getInitializer();
          if (init) values.push(this.eval(init, ctx));
        } else if ((Node.isMethodDeclaration(m) || Node.isGetAccessorDeclaration(m)) && m.getName() === name) {
          return Node.isMethodDeclaration(m) ? { t: "fn", node: m } : UNKNOWN;
        }
      }
      for (const ctor of k.decl.getConstructors()) {
        for (const p of ctor.getParameters()) {
          if (p.getName() === name && p.isParameterProperty()) {
            declared = true;
            annotation = p.getTypeNode()?.getText();
            values.push(UNKNOWN);
          }
        }
        ctor.forEachDescendant((n) => {
          if (!Node.isBinaryExpression(n) || n.getOperatorToken().getKind() !== SyntaxKind.EqualsToken) return;
          const left = strip(n.getLeft());
          if (Node.isPropertyAccessExpression(left) && left.getName() === name && isThis(left.getExpression())) {
            declared = true;
            values.push(this.eval(n.getRight(), ctx));
          }
        });
      }
      if (!declared) continue;
      return mergeField(values, annotation, `§.${name}`);
    }
    return UNKNOWN;
  }

  /** Evaluates an expression. */
  eval(e: Node, ctx: Ctx, depth = 0): Val {
    if (depth > 40) return UNKNOWN;
    e = strip(e);
    if (e.getKind() === SyntaxKind.ThisKeyword) return { t: "mod", id: ctx.self, cls: ctx.cls };
    if (Node.isIdentifier(e)) return this.evalIdentifier(e, ctx, depth);
    if (Node.isPropertyAccessExpression(e)) {
      const obj = this.eval(e.getExpression(), ctx, depth + 1);
      return this.member(obj, e.getName());
    }
    if (Node.isElementAccessExpression(e)) {
      const obj = this.eval(e.getExpression(), ctx, depth + 1);
      const arg = e.getArgumentExpression();
      return element(obj, arg ? literalIndex(arg) : "*");
    }
    if (Node.isArrowFunction(e) || Node.isFunctionExpression(e)) return { t: "fn", node: e };
    if (Node.isNewExpression(e)) {
      const cls = this.resolveClassName(strip(e.getExpression()));
      if (cls && !this.isHardware(cls)) return UNKNOWN;
      return { t: "mod", id: `${ctx.self}/${this.key(e)}`, cls };
    }
    if (Node.isArrayLiteralExpression(e)) {
      const elems: Val[] = [];
      for (const el of e.getElements()) {
        if (Node.isSpreadElement(el)) return UNKNOWN;
        elems.push(this.eval(el, ctx, depth + 1));
      }
      if (elems.length > 0 && elems.every((v) => v.t === "sig")) {
        return { t: "sigs", id: `${ctx.self}/${this.key(e)}`, kind: mergeKinds(elems.map((v) => (v as { kind: Kind }).kind)), elems };
      }
      return UNKNOWN;
    }
    if (Node.isConditionalExpression(e)) {
      const a = this.eval(e.getWhenTrue(), ctx, depth + 1);
      const b = this.eval(e.getWhenFalse(), ctx, depth + 1);
      return sameVal(a, b) ? a : UNKNOWN;
    }
    if (Node.isCallExpression(e)) return this.evalCall(e, ctx, depth);
    return UNKNOWN;
  }

  private evalCall(e: Node & { getExpression(): Node; getArguments(): Node[] }, ctx: Ctx, depth: number): Val {
    const callee = strip(e.getExpression());
    const args = e.getArguments();
    const thisName = thisCallName(e);
    if (thisName !== undefined) {
      const kind = SIGNAL_DECL[thisName];
      if (kind) return { t: "sig", id: `${ctx.self}/${this.key(e)}`, kind };
      if (thisName === "memory" || thisName === "memoryWide") {
        return { t: "mem", id: `${ctx.self}/${this.key(e)}`, latency: readLatency(args[1]) };
      }
      // a vector (BitsVec) stands for its signals: v.get(i) / v.set(i, x) / v.setNext(i, x) access them
      if (thisName === "vec" && args[0]) return this.eval(args[0], ctx, depth + 1);
      return UNKNOWN;
    }
    if (!Node.isPropertyAccessExpression(callee)) return UNKNOWN;
    const method = callee.getName();
    const target = strip(callee.getExpression());
    if (Node.isIdentifier(target) && target.getText() === "Array" && method === "from") {
      if (args.length === 1) return this.eval(args[0]!, ctx, depth + 1);
      const fn = args[1] ? this.eval(args[1], ctx, depth + 1) : UNKNOWN;
      return fn.t === "fn" ? arrayOf(this.returnValue(fn.node, ctx, depth + 1), `${ctx.self}/${this.key(e)}`) : UNKNOWN;
    }
    const obj = this.eval(target, ctx, depth + 1);
    if (obj.t !== "sigs" && obj.t !== "mods" && obj.t !== "ports") return UNKNOWN;
    if (ARRAY_SAME.has(method)) return { ...obj, elems: undefined } as Val;
    if (method === "at") return element(obj, args[0] ? literalIndex(args[0]) : "*");
    if (method === "map" && args[0]) {
      const fn = this.eval(args[0], ctx, depth + 1);
      return fn.t === "fn" ? arrayOf(this.returnValue(fn.node, ctx, depth + 1), `${ctx.self}/${this.key(e)}`) : UNKNOWN;
    }
    return UNKNOWN;
  }

  /** The value a function returns, when every return agrees. */
  private returnValue(fn: Node, ctx: Ctx, depth: number): Val {
    if (Node.isArrowFunction(fn)) {
      const body = fn.getBody();
      if (!Node.isBlock(body)) return this.eval(body, ctx, depth + 1);
    }
    const returns: Val[] = [];
    fn.forEachDescendant((n, trav) => {
      if (n !== fn && isFunctionLike(n)) return trav.skip();
      if (Node.isReturnStatement(n)) {
        const ex = n.getExpression();
        returns.push(ex ? this.eval(ex, ctx, depth + 1) : UNKNOWN);
      }
      return undefined;
    });
    if (returns.length === 0) return UNKNOWN;
    return returns.every((r) => sameVal(r, returns[0]!)) ? returns[0]! : UNKNOWN;
  }

  /** `obj.name`. */
  member(obj: Val, name: string): Val {
    if (obj.t === "mod") return obj.cls ? this.field(obj.cls, name, obj.id) : UNKNOWN;
    if (obj.t === "mem") return name === "ports" ? { t: "ports", id: `${obj.id}.ports`, latency: obj.latency } : UNKNOWN;
    if (obj.t === "port") {
      if (PORT_WIRES.has(name)) return { t: "sig", id: `${obj.id}.${name}`, kind: "wire" };
      if (name === "rdata") return { t: "sig", id: `${obj.id}.rdata`, kind: obj.latency === undefined ? "?" : obj.latency === 0 ? "wire" : "reg" };
    }
    return UNKNOWN;
  }

  private evalIdentifier(id: Node, ctx: Ctx, depth: number): Val {
    const name = id.getText();
    const decl = findDeclaration(id, name);
    if (!decl) return UNKNOWN;
    if (Node.isParameterDeclaration(decl)) {
      const bound = ctx.env.get(decl);
      if (bound) return bound;
      // The element parameter of `arr.map((x) => ...)`, `arr.forEach(...)`.
      const fn = decl.getParent();
      const call = fn.getParent();
      if ((Node.isArrowFunction(fn) || Node.isFunctionExpression(fn)) && call && Node.isCallExpression(call) && call.getArguments()[0] === fn && fn.getParameters()[0] === decl) {
        const callee = strip(call.getExpression());
        if (Node.isPropertyAccessExpression(callee) && ELEMENT_CALLBACK.has(callee.getName())) {
          return element(this.eval(callee.getExpression(), ctx, depth + 1), "*");
        }
      }
      return UNKNOWN;
    }
    if (Node.isVariableDeclaration(decl)) {
      const list = decl.getParent();
      const stmt = list?.getParent();
      if (stmt && Node.isForOfStatement(stmt)) return element(this.eval(stmt.getExpression(), ctx, depth + 1), "*");
      if (!Node.isIdentifier(decl.getNameNode())) return UNKNOWN;
      const init = decl.getInitializer();
      return init ? this.eval(init, ctx, depth + 1) : UNKNOWN;
    }
    if (Node.isFunctionDeclaration(decl)) return { t: "fn", node: decl };
    return UNKNOWN;
  }
}

/** The declaration of `name` visible at `from`: a variable, parameter or function in an enclosing scope. */
export function findDeclaration(from: Node, name: string): Node | undefined {
  for (let a = from.getParent(); a; a = a.getParent()) {
    if (isFunctionLike(a)) {
      for (const p of (a as unknown as { getParameters(): Node[] }).getParameters()) {
        if (!Node.isParameterDeclaration(p)) continue;
        const nn = p.getNameNode();
        if (Node.isIdentifier(nn) ? nn.getText() === name : bindingElement(nn, name) !== undefined) return bindingElement(nn, name) ?? p;
      }
      if (Node.isFunctionExpression(a) && a.getName() === name) return a;
    }
    if (Node.isForOfStatement(a) || Node.isForStatement(a) || Node.isForInStatement(a)) {
      const init = a.getInitializer();
      if (init && Node.isVariableDeclarationList(init)) {
        for (const d of init.getDeclarations()) {
          const nn = d.getNameNode();
          if (Node.isIdentifier(nn) ? nn.getText() === name : bindingElement(nn, name) !== undefined) return bindingElement(nn, name) ?? d;
        }
      }
    }
    if (Node.isCatchClause(a)) {
      const v = a.getVariableDeclaration();
      if (v && v.getName() === name) return v;
    }
    if (Node.isBlock(a) || Node.isSourceFile(a) || Node.isModuleBlock(a) || Node.isCaseClause(a) || Node.isDefaultClause(a)) {
      for (const s of a.getStatements()) {
        if (Node.isVariableStatement(s)) {
          for (const d of s.getDeclarations()) {
            const nn = d.getNameNode();
            if (Node.isIdentifier(nn)) {
              if (nn.getText() === name) return d;
            } else {
              const b = bindingElement(nn, name);
              if (b) return b;
            }
          }
        } else if ((Node.isFunctionDeclaration(s) || Node.isClassDeclaration(s) || Node.isEnumDeclaration(s)) && s.getName() === name) return s;
      }
    }
  }
  return undefined;
}

/** The binding element named `name` in a destructuring pattern. */
function bindingElement(pattern: Node, name: string): Node | undefined {
  if (Node.isIdentifier(pattern)) return undefined;
  for (const b of pattern.getDescendantsOfKind(SyntaxKind.BindingElement)) {
    const nn = b.getNameNode();
    if (Node.isIdentifier(nn) && nn.getText() === name) return b;
  }
  return undefined;
}

function moduleSpecifiers(sf: SourceFile): string[] {
  const out: string[] = [];
  for (const d of sf.getImportDeclarations()) out.push(d.getModuleSpecifierValue());
  for (const d of sf.getExportDeclarations()) {
    const s = d.getModuleSpecifierValue();
    if (s !== undefined) out.push(s);
  }
  return out;
}

function readLatency(opts: Node | undefined): number | undefined {
  if (!opts) return undefined;
  const o = strip(opts);
  if (!Node.isObjectLiteralExpression(o)) return undefined;
  const p = o.getProperty("readLatency");
  if (!p) return o.getProperties().some((q) => Node.isSpreadAssignment(q)) ? undefined : 1;
  if (!Node.isPropertyAssignment(p)) return undefined;
  const init = p.getInitializer();
  return init && Node.isNumericLiteral(strip(init)) ? Number(strip(init).getText()) : undefined;
}

export function mergeKinds(kinds: readonly Kind[]): Kind {
  return kinds.every((k) => k === kinds[0]) && kinds.length > 0 ? kinds[0]! : "?";
}

function sameVal(a: Val, b: Val): boolean {
  return a.t !== "unknown" && a.t === b.t && "id" in a && "id" in b && a.id === b.id;
}

function arrayOf(v: Val, id: string): Val {
  if (v.t === "sig") return { t: "sigs", id, kind: v.kind };
  if (v.t === "mod") return { t: "mods", id, cls: v.cls };
  if (v.t === "port") return { t: "ports", id, latency: v.latency };
  return UNKNOWN;
}

export function element(v: Val, index: string): Val {
  if (v.t === "sigs") {
    if (v.elems && index !== "*") return v.elems[Number(index)] ?? UNKNOWN;
    if (v.elems) return { t: "sig", id: `${v.id}[*]`, kind: v.kind };
    return { t: "sig", id: `${v.id}[${index}]`, kind: v.kind };
  }
  if (v.t === "mods") return { t: "mod", id: `${v.id}[${index}]`, cls: v.cls };
  if (v.t === "ports") return { t: "port", id: `${v.id}[${index}]`, latency: v.latency };
  return UNKNOWN;
}

const SIGNAL_TYPE = /^(Bits|WideBits|Signal)$/;
const SIGNAL_ARRAY_TYPE = /^(readonly\s+)?(Bits|WideBits|Signal)\[\]$|^(Readonly)?Array<(Bits|WideBits|Signal)>$/;

function mergeField(values: Val[], annotation: string | undefined, fallbackId: string): Val {
  const first = values[0];
  if (first && values.every((v) => sameVal(v, first))) return first;
  if (values.length > 0 && values.every((v) => v.t === "sig")) return { t: "sig", id: fallbackId, kind: mergeKinds(values.map((v) => (v as { kind: Kind }).kind)) };
  if (values.length > 0 && values.every((v) => v.t === "sigs")) return { t: "sigs", id: fallbackId, kind: mergeKinds(values.map((v) => (v as { kind: Kind }).kind)) };
  const ann = annotation?.replace(/\s+/g, " ").trim();
  if (ann && SIGNAL_TYPE.test(ann)) return { t: "sig", id: fallbackId, kind: "?" };
  if (ann && SIGNAL_ARRAY_TYPE.test(ann)) return { t: "sigs", id: fallbackId, kind: "?" };
  return UNKNOWN;
}

/** Replaces the leading placeholder `§` of every id with `self`. */
function reprefix(v: Val, self: string): Val {
  if (!("id" in v) || !v.id.startsWith("§")) return v;
  const id = self + v.id.slice(1);
  if (v.t === "sigs" && v.elems) return { ...v, id, elems: v.elems.map((e) => reprefix(e, self)) };
  return { ...v, id } as Val;
}

/** Whether a use `use` falls under a declared `decl` (a signal, or an array of signals). */
export function covers(decl: Val, use: string): boolean {
  if (decl.t === "sigs") {
    if (decl.elems) return decl.elems.some((e) => covers(e, use));
    const d = tokens(decl.id);
    const u = tokens(use);
    return u.length > d.length && tokensMatch(d, u.slice(0, d.length)) && u[d.length]!.startsWith("[");
  }
  if (decl.t === "sig") {
    const d = tokens(decl.id);
    const u = tokens(use);
    return d.length === u.length && tokensMatch(d, u);
  }
  return false;
}

function tokens(id: string): string[] {
  return id.split(/(\[[^\]]*\])/).filter((s) => s !== "");
}

function tokensMatch(a: readonly string[], b: readonly string[]): boolean {
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    if (x.startsWith("[") && y.startsWith("[") && (x === "[*]" || y === "[*]")) continue;
    return false;
  }
  return true;
}
