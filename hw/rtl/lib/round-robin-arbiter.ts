import { DesignError } from "../errors.ts";
import { Module } from "../module.ts";
import type { Bits } from "../signal.ts";

/**
 * Round-robin arbiter for up to 32 requesters. `grant` is one-hot (combinational from `req`
 * and the priority pointer); `grant_index` is its index and `grant_valid` says any request
 * was granted. In a cycle where `en` is 1 and a grant is given, priority moves to the
 * requester after the granted one, so every requester is served within n grants.
 */
export class RoundRobinArbiter extends Module {
  readonly req: Bits;
  readonly en: Bits;
  readonly grant: Bits;
  readonly grant_index: Bits;
  readonly grant_valid: Bits;
  private readonly priority: Bits;

  constructor(parent: Module | null, name: string, readonly n: number) {
    super(parent, name);
    if (!Number.isInteger(n) || n < 2 || n > 32) throw new DesignError(`${this.path}: requester count ${n} is not 2..32`);
    const indexWidth = Math.max(1, Math.ceil(Math.log2(n)));
    this.req = this.input("req", n);
    this.en = this.input("en", 1);
    this.grant = this.output("grant", n);
    this.grant_index = this.output("grant_index", indexWidth);
    this.grant_valid = this.output("grant_valid", 1);
    this.priority = this.reg("priority", indexWidth);
    this.comb({ reads: [this.req], writes: [this.grant, this.grant_index, this.grant_valid] }, this.arbitrate);
    this.seq(this.advance);
  }

  private arbitrate(): void {
    const req = this.req.value;
    const p = this.priority.value;
    let index = 0;
    let valid = 0;
    for (let k = 0; k < this.n; k++) {
      const i = p + k < this.n ? p + k : p + k - this.n;
      if ((req >>> i) & 1) {
        index = i;
        valid = 1;
        break;
      }
    }
    this.grant.value = valid << index;
    this.grant_index.value = index;
    this.grant_valid.value = valid;
  }

  private advance(): void {
    if (this.en.value === 1 && this.grant_valid.value === 1) {
      const i = this.grant_index.value;
      this.priority.next = i + 1 === this.n ? 0 : i + 1;
    }
  }
}
