/**
 * One processing element as far as it is built: the scalar core (Proc-A) and the local store
 * with its MMIO window. The vector core and the fixed-function units join later on the same
 * bus interface.
 */
import { Module } from "../rtl/index.ts";
import { ScalarCore, type CoreOptions } from "./core.ts";
import { LocalStore, type LocalStoreOptions } from "./local-store.ts";

export interface PeOptions {
  core?: CoreOptions;
  localStore?: LocalStoreOptions;
}

export class Pe extends Module {
  /** Address of the riscv-tests `tohost` word (0: none); a store there ends the run. */
  readonly tohost_addr = this.input("tohost_addr", 32);
  readonly halted = this.output("halted", 1);
  readonly core: ScalarCore;
  readonly ls: LocalStore;

  constructor(parent: Module | null, name: string, options: PeOptions = {}) {
    super(parent, name);
    this.core = new ScalarCore(this, "core0", options.core);
    this.ls = new LocalStore(this, "ls", options.localStore);
    const c = this.core;
    const ls = this.ls;
    this.connect(ls.i_req_valid, c.i_req_valid);
    this.connect(ls.i_req_addr, c.i_req_addr);
    this.connect(c.i_req_ready, ls.i_req_ready);
    this.connect(c.i_resp_valid, ls.i_resp_valid);
    this.connect(c.i_resp_data, ls.i_resp_data);
    this.connect(ls.d_req_valid, c.d_req_valid);
    this.connect(ls.d_req_addr, c.d_req_addr);
    this.connect(ls.d_req_write, c.d_req_write);
    this.connect(ls.d_req_size, c.d_req_size);
    this.connect(ls.d_req_wdata, c.d_req_wdata);
    this.connect(c.d_req_ready, ls.d_req_ready);
    this.connect(c.d_resp_valid, ls.d_resp_valid);
    this.connect(c.d_resp_data, ls.d_resp_data);
    this.connect(c.irq_msi, ls.irq_msi);
    this.connect(c.irq_mti, ls.irq_mti);
    this.connect(c.irq_mei, ls.irq_mei);
    this.connect(c.mtime_lo, ls.mtime_lo);
    this.connect(c.mtime_hi, ls.mtime_hi);
    this.connect(c.tohost_addr, this.tohost_addr);
    this.connect(this.halted, c.halted);
  }
}
