/**
 * The assembled program as the outputs see it: sections with bytes and (for executables)
 * addresses, symbols with values, relocations (for objects), and the entry point.
 */
import type { Binding, SymbolType } from "./symbols.ts";

export interface ProgramSection {
  readonly name: string;
  readonly type: "progbits" | "nobits";
  readonly flags: { readonly alloc: boolean; readonly write: boolean; readonly exec: boolean };
  /** Load address (0 in relocatable objects). */
  readonly address: number;
  readonly align: number;
  /** Contents (zero-filled and of `size` bytes for nobits sections). */
  readonly bytes: Uint8Array;
  readonly size: number;
  readonly relocations: readonly ProgramRelocation[];
  /** Mapping symbols for objdump ($x code, $d data), section offsets. */
  readonly mapping: readonly { readonly offset: number; readonly kind: "$x" | "$d" }[];
}

export interface ProgramRelocation {
  readonly offset: number;
  readonly type: number;
  /** Index into Program.symbols. */
  readonly symbol: number;
  readonly addend: number;
}

export interface ProgramSymbol {
  readonly name: string;
  /** Address (executables) or section offset (objects); the value for absolute symbols. */
  readonly value: number;
  readonly size: number;
  readonly binding: Binding;
  readonly type: SymbolType;
  /** Section name; null for undefined symbols, "*ABS*" for absolute ones. */
  readonly section: string | null;
}

export interface Program {
  readonly kind: "object" | "executable";
  readonly sections: readonly ProgramSection[];
  readonly symbols: readonly ProgramSymbol[];
  readonly entry: number;
}
