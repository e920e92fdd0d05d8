/**
 * The demo design `npm start` runs until the chip exists: two producers feed FIFOs, a
 * round-robin arbiter picks one beat per cycle into a skid buffer, and a consumer that
 * stalls on a pseudo-random pattern drains it. A small FSM tracks the consumer's state.
 */
import { Module, type Bits } from "../rtl/index.ts";
import { Counter, Fifo, Lfsr, RoundRobinArbiter, SkidBuffer } from "../rtl/lib/index.ts";

export const CONSUMER_STATES = { IDLE: 0, BUSY: 1, STALLED: 2 } as const;

/** A source of ready/valid beats: valid and data come from an LFSR (its own seed). */
class Producer extends Module {
  readonly valid: Bits;
  readonly data: Bits;
  private readonly lfsr: Lfsr;

  constructor(parent: Module, name: string, seed: number) {
    super(parent, name);
    this.lfsr = new Lfsr(this, "lfsr", { width: 32, taps: [31, 21, 1, 0], init: seed });
    this.valid = this.output("valid", 1);
    this.data = this.output("data", 16);
    this.comb({ reads: [this.lfsr.value], writes: [this.valid, this.data] }, this.drive);
  }

  private drive(): void {
    const v = this.lfsr.value.value;
    this.valid.value = (v >>> 3) & (v >>> 7) & 1;
    this.data.value = v >>> 8;
  }
}

export class Demo extends Module {
  readonly producers: Producer[];
  readonly fifos: Fifo[];
  readonly arbiter: RoundRobinArbiter;
  readonly skid: SkidBuffer;
  readonly consumed: Counter;
  readonly checksum: Bits;
  readonly state: Bits;
  private readonly stall: Lfsr;
  private readonly consumerReady: Bits;
  private readonly requests: Bits;
  private readonly picked: Bits;
  private readonly pickedValid: Bits;
  private readonly take: Bits;

  constructor() {
    super(null, "demo");
    this.producers = [new Producer(this, "producer0", 0x1234), new Producer(this, "producer1", 0xbeef)];
    this.fifos = this.producers.map((p, i) => {
      const f = new Fifo(this, `fifo${i}`, { width: 16, depth: 4 });
      this.connect(f.in_valid, p.valid);
      this.connect(f.in_data, p.data);
      return f;
    });
    this.arbiter = new RoundRobinArbiter(this, "arbiter", 2);
    this.skid = new SkidBuffer(this, "skid", 16);
    this.stall = new Lfsr(this, "stall", { width: 32, taps: [31, 21, 1, 0], init: 0x5eed });
    this.consumed = new Counter(this, "consumed", 32);
    this.checksum = this.reg("checksum", 32);
    this.state = this.reg("state", 2, { fsm: CONSUMER_STATES });

    this.requests = this.wire("requests", 2);
    this.picked = this.wire("picked", 16);
    this.pickedValid = this.wire("picked_valid", 1);
    this.consumerReady = this.wire("consumer_ready", 1);
    this.take = this.wire("take", 1);
    const [f0, f1] = this.fifos as [Fifo, Fifo];
    this.comb({ reads: [f0.out_valid, f1.out_valid], writes: [this.requests] }, this.collectRequests);
    this.connect(this.arbiter.req, this.requests);
    this.connect(this.arbiter.en, this.skid.in_ready);
    this.comb(
      { reads: [this.arbiter.grant, this.arbiter.grant_valid, f0.out_data, f1.out_data, this.skid.in_ready], writes: [this.picked, this.pickedValid, f0.out_ready, f1.out_ready] },
      this.route,
    );
    this.connect(this.skid.in_valid, this.pickedValid);
    this.connect(this.skid.in_data, this.picked);
    this.comb({ reads: [this.stall.value], writes: [this.consumerReady] }, this.driveConsumerReady);
    this.connect(this.skid.out_ready, this.consumerReady);
    this.comb({ reads: [this.skid.out_valid, this.consumerReady], writes: [this.take] }, this.driveTake);
    this.connect(this.consumed.en, this.take);
    this.seq(this.consume);
  }

  private collectRequests(): void {
    const [f0, f1] = this.fifos as [Fifo, Fifo];
    this.requests.value = f0.out_valid.value | (f1.out_valid.value << 1);
  }

  /** The granted FIFO's head goes to the skid buffer; that FIFO is popped when it accepts. */
  private route(): void {
    const [f0, f1] = this.fifos as [Fifo, Fifo];
    const g = this.arbiter.grant.value;
    const ready = this.skid.in_ready.value;
    this.pickedValid.value = this.arbiter.grant_valid.value;
    this.picked.value = g === 2 ? f1.out_data.value : f0.out_data.value;
    f0.out_ready.value = g === 1 ? ready : 0;
    f1.out_ready.value = g === 2 ? ready : 0;
  }

  private driveConsumerReady(): void {
    this.consumerReady.value = (this.stall.value.value & 3) !== 0 ? 1 : 0;
  }

  private driveTake(): void {
    this.take.value = this.skid.out_valid.value & this.consumerReady.value;
  }

  private consume(): void {
    if (this.take.value === 1) this.checksum.next = (this.checksum.value * 31 + this.skid.out_data.value) | 0;
    this.state.next =
      this.skid.out_valid.value === 0 ? CONSUMER_STATES.IDLE : this.consumerReady.value === 1 ? CONSUMER_STATES.BUSY : CONSUMER_STATES.STALLED;
  }
}
