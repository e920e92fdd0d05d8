/**
 * The compiled engine of a fabric (router-fabric.ts, ni-fabric.ts, traffic-fabric.ts): its
 * class's per-cycle methods compiled to WebAssembly (hw/rtl/wasm) with the parameters as
 * constants, over the NoC heap. The simulation thread's instances share one module per class and
 * parameter set, compiled once per process; the router fabric's second thread takes a module of
 * its own (`compileFabric`), because a module's scratch arrays sit at fixed addresses.
 */
import { DesignError } from "../rtl/index.ts";
import { bindFields, compileClass, type CompiledClass } from "../rtl/wasm/compile-class.ts";
import { NOC_HEAP } from "./heap.ts";

export interface FabricEngineSpec {
  /** Path of the TypeScript source and the class in it. */
  readonly file: string;
  readonly className: string;
  /** The methods the instance exports. */
  readonly entries: readonly string[];
  /** Fields that hold parameters: compiled as constants (the engine folds them). */
  readonly parameters: readonly string[];
  /** Places the class's scratch arrays (bytes): a range of the heap; without it the class may have none. */
  readonly reserveScratch?: (bytes: number) => number;
}

/** The parameters' values in `owner`, as the engine's constants (booleans as 0/1). */
export function fabricConstants(owner: object, parameters: readonly string[]): Record<string, number> {
  const values = owner as Record<string, unknown>;
  const constants: Record<string, number> = {};
  for (const f of parameters) constants[f] = Number(values[f]);
  return constants;
}

/** A new module of the class for these constants (with scratch arrays of its own). */
export function compileFabric(spec: FabricEngineSpec, constants: Readonly<Record<string, number>>): CompiledClass {
  return compileClass({
    file: spec.file,
    className: spec.className,
    entries: spec.entries,
    reserveScratch:
      spec.reserveScratch ??
      (() => {
        throw new DesignError(`${spec.className}: its compiled step uses no scratch arrays`);
      }),
    constants,
    sharedPages: NOC_HEAP.pages,
  });
}

const modules = new Map<string, CompiledClass>();

/** An instance of `owner`'s compiled engine over the heap, its globals loaded from `owner`'s fields. */
export function instantiateFabric(owner: object, spec: FabricEngineSpec): WebAssembly.Exports {
  const constants = fabricConstants(owner, spec.parameters);
  const key = `${spec.file}#${spec.className}#${JSON.stringify(constants)}`;
  let c = modules.get(key);
  if (c === undefined) modules.set(key, (c = compileFabric(spec, constants)));
  const instance = new WebAssembly.Instance(c.module, { env: { memory: NOC_HEAP.memory } });
  bindFields(owner, c.fields, instance.exports, spec.className);
  return instance.exports;
}
