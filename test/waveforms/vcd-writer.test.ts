import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { vcdIdCode } from "../../waveforms/vcd-header.ts";
import { parseVcd } from "../../waveforms/vcd-reader.ts";
import { MemorySink } from "../../waveforms/vcd-sink.ts";
import { VcdWriter } from "../../waveforms/vcd-writer.ts";

function smallDump(sink: MemorySink | string, comment?: string): void {
  const w = new VcdWriter(sink, comment === undefined ? {} : { comment });
  const clk = w.addVariable({ scope: ["top"], name: "clk", width: 1 });
  const count = w.addVariable({ scope: ["top", "fifo0"], name: "count", width: 5, kind: "reg" });
  const wide = w.addVariable({ scope: ["top", "fifo0"], name: "data", width: 72 });
  const flag = w.addVariable({ scope: ["top", "ctl", "fsm"], name: "state", width: 3 });
  const top = w.addVariable({ scope: ["top"], name: "n", width: 32, kind: "integer" });
  w.begin(0);
  w.changeBits(clk, 0);
  w.changeBits(count, 0);
  w.changeWords(wide, Uint32Array.of(0, 0, 0), 0);
  w.changeBits(flag, 5);
  w.changeBits(top, 0xffffffff);
  w.endInitial();
  w.time(1250);
  w.changeBits(clk, 1);
  w.changeBits(count, 0b10110);
  w.time(2500); // no change at 2500: no "#2500"
  w.time(3750);
  w.changeBits(clk, 0);
  w.changeWords(wide, Uint32Array.of(9, 8, 0x7, 0xdead), 1); // offset 1: words 8, 7, 0xdead (masked to 0xad)
  w.changeBits(count, 0x3f); // masked to 5 bits
  w.close();
}

const EXPECTED = `$version tsrtl $end
$comment unit test $end
$timescale 1ps $end
$scope module top $end
$var wire 1 ! clk $end
$var integer 32 % n [31:0] $end
$scope module fifo0 $end
$var reg 5 " count [4:0] $end
$var wire 72 # data [71:0] $end
$upscope $end
$scope module ctl $end
$scope module fsm $end
$var wire 3 $ state [2:0] $end
$upscope $end
$upscope $end
$upscope $end
$enddefinitions $end
#0
$dumpvars
0!
b0 "
b0 #
b101 $
b11111111111111111111111111111111 %
$end
#1250
1!
b10110 "
#3750
0!
b101011010000000000000000000000000000011100000000000000000000000000001000 #
b11111 "
`;

describe("waveforms: VcdWriter", () => {
  it("writes the header with one nested $scope per module, then lazy time stamps", () => {
    const sink = new MemorySink();
    smallDump(sink, "unit test");
    expect(sink.text()).to.equal(EXPECTED);
    expect(sink.closed).to.equal(true);
  });

  it("is deterministic: the same calls give byte-identical files", () => {
    const dir = mkdtempSync(join(tmpdir(), "tsrtl-vcdw-"));
    try {
      smallDump(join(dir, "a.vcd"));
      smallDump(join(dir, "b.vcd"));
      const a = readFileSync(join(dir, "a.vcd"));
      expect(a.equals(readFileSync(join(dir, "b.vcd")))).to.equal(true);
      expect(a.toString()).to.not.match(/\$date/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reads back as the nested scope tree", async () => {
    const sink = new MemorySink();
    smallDump(sink);
    const f = await parseVcd(sink.bytes());
    expect(f.scopes.map((s) => s.name)).to.deep.equal(["top"]);
    const top = f.scopes[0]!;
    expect(top.signals.map((s) => s.name)).to.deep.equal(["top.clk", "top.n"]);
    expect(top.scopes.map((s) => s.name)).to.deep.equal(["fifo0", "ctl"]);
    expect(top.scopes[1]!.scopes[0]!.signals[0]!.name).to.equal("top.ctl.fsm.state");
    expect(f.byName.get("top.fifo0.count")!.kind).to.equal("reg");
    expect(f.byName.get("top.fifo0.data")!.values).to.deep.equal([0n, 0xdead_00000007_00000008n & ((1n << 72n) - 1n)]);
  });

  it("writes wide vectors exactly (64, 128, 512, 1000 bits)", () => {
    for (const width of [33, 64, 128, 512, 1000]) {
      const sink = new MemorySink();
      const w = new VcdWriter(sink, { version: "v" });
      w.addVariable({ scope: ["t"], name: "x", width });
      w.begin(0);
      const n = Math.ceil(width / 32);
      const cases: bigint[] = [0n, 1n, (1n << BigInt(width)) - 1n, 1n << BigInt(width - 1), 0x8000000000000001n % (1n << BigInt(width))];
      for (const v of cases) {
        const words = new Uint32Array(n);
        for (let i = 0; i < n; i++) words[i] = Number((v >> BigInt(32 * i)) & 0xffffffffn);
        w.changeWords(0, words, 0);
      }
      w.close();
      const lines = sink.text().split("\n").filter((l) => l.startsWith("b"));
      expect(lines).to.deep.equal(cases.map((v) => `b${v.toString(2)} !`), `width ${width}`);
    }
  });

  it("flushes in bounded chunks on long runs", () => {
    const sink = new MemorySink();
    const w = new VcdWriter(sink, { bufferBytes: 1000 });
    const ids = Array.from({ length: 50 }, (_, i) => w.addVariable({ scope: ["top"], name: `r${i}`, width: i === 0 ? 1 : 32 }));
    const wide = w.addVariable({ scope: ["top"], name: "wide", width: 512 });
    w.begin(0);
    w.endInitial();
    const words = new Uint32Array(16).fill(0xa5a5a5a5);
    for (let t = 1; t <= 5000; t++) {
      w.time(t * 1250);
      for (const i of ids) w.changeBits(i, t * 2654435761);
      if (t % 7 === 0) w.changeWords(wide, words, 0);
    }
    w.close();
    const sizes = sink.writeSizes.slice(1); // [0] is the header
    expect(sizes.length).to.be.greaterThan(1000);
    // Threshold plus at most one time line and one longest value line.
    const bound = 1000 + 24 + (1 + 512 + 4);
    for (const s of sizes) expect(s).to.be.at.most(bound);
  });

  it("uses base-94 identifier codes, shortest first", () => {
    expect(vcdIdCode(0)).to.equal("!");
    expect(vcdIdCode(93)).to.equal("~");
    expect(vcdIdCode(94)).to.equal("!!");
    expect(vcdIdCode(94 + 94 * 94)).to.equal("!!!");
    const seen = new Set(Array.from({ length: 20000 }, (_, i) => vcdIdCode(i)));
    expect(seen.size).to.equal(20000);
  });

  it("rejects bad names, widths and call orders with clear errors", () => {
    const w = new VcdWriter(new MemorySink());
    expect(() => w.addVariable({ scope: ["top"], name: "has space", width: 1 })).to.throw(/top\.has space.*whitespace/);
    expect(() => w.addVariable({ scope: ["my top"], name: "x", width: 1 })).to.throw(/'my top'.*whitespace/);
    expect(() => w.addVariable({ scope: ["a.b"], name: "x", width: 1 })).to.throw(/contains '\.'/);
    expect(() => w.addVariable({ scope: ["top"], name: "x", width: 0 })).to.throw(/width 0/);
    expect(() => w.addVariable({ scope: ["top"], name: "$end", width: 1 })).to.throw(/starts with '\$'/);
    w.addVariable({ scope: ["top"], name: "x", width: 8 });
    expect(() => w.addVariable({ scope: ["top"], name: "x", width: 8 })).to.throw(/declared twice/);
    expect(() => w.changeBits(0, 1)).to.throw(/before begin/);
    w.addVariable({ scope: ["top"], name: "y", width: 40 });
    w.begin(100);
    expect(() => w.addVariable({ scope: ["top"], name: "z", width: 1 })).to.throw(/after begin/);
    expect(() => w.changeBits(1, 1)).to.throw(/40 bits wide; use changeWords/);
    expect(() => w.changeWords(0, Uint32Array.of(1), 0)).to.throw(/8 bits wide; use changeBits/);
    expect(() => w.changeBits(2, 1)).to.throw(/no variable with index 2/);
    expect(() => w.time(200)).to.throw(/endInitial/);
    w.endInitial();
    w.time(200);
    expect(() => w.time(150)).to.throw(/backwards/);
    expect(() => w.time(1.5e300)).to.throw(/safe integer/);
    w.close();
    expect(() => w.changeBits(0, 1)).to.throw(/after close/);
    expect(() => new VcdWriter(new MemorySink(), { timescale: "3ns" })).to.throw(/timescale/);
    expect(() => new VcdWriter(new MemorySink(), { comment: "a $end b" })).to.throw(/\$end/);
  });
});
