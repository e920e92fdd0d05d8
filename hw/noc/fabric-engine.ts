/**
 * The compiled engine of a fabric (ni-fabric.ts, traffic-fabric.ts): its class's per-cycle
 * methods compiled to WebAssembly (hw/rtl/wasm) once per process, class and parameter set,
 * and instantiated over the NoC heap for each fabric, its fields loaded into the instance's
 * globals. (The router fabric compiles its own: it needs scratch arrays and a module per thread.)
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
}

const modules = new Map<string, CompiledClass>();

/** An instance of `owner`'s compiled engine (the module compiled for its parameters' values, once). */
export function instantiateFabric(owner: object, spec: FabricEngineSpec): WebAssembly.Exports {
  const values = owner as Record<string, unknown>;
  const constants: Record<string, number> = {};
  for (const f of spec.parameters) constants[f] = Number(values[f]);
  const key = `${spec.file}#${spec.className}#${JSON.stringify(constants)}`;
  let c = modules.get(key);
  if (c === undefined) {
    c = compileClass({
      file: spec.file,
      className: spec.className,
      entries: spec.entries,
      reserveScratch: () => {
        throw new DesignError(`${spec.className}: its compiled step uses no scratch arrays`);
      },
      constants,
      sharedPages: NOC_HEAP.pages,
    });
    modules.set(key, c);
  }
  const instance = new WebAssembly.Instance(c.module, { env: { memory: NOC_HEAP.memory } });
  bindFields(owner, c.fields, instance.exports, spec.className);
  return instance.exports;
}
