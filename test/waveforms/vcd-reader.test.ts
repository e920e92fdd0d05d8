import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { VcdFeed } from "../../waveforms/vcd-feed.ts";
import { parseVcd, readVcdFile, valueAt } from "../../waveforms/vcd-reader.ts";
import { MemorySink } from "../../waveforms/vcd-sink.ts";
import { VcdWriter } from "../../waveforms/vcd-writer.ts";

// Hand-written, in the style of other simulators: spaces in the timescale, $date, aliases,
// 4-state values, $comment and $dumpall in the value section, times past 2^32.
const FOREIGN = `$date
  Mon Jan  1 00:00:00 2024
$end
$version Icarus Verilog $end
$timescale 10 ns $end
$scope module tb $end
$var wire 1 ! clk $end
$var reg 8 " data [7:0] $end
$scope module dut $end
$var wire 1 ! clk_in $end
$var reg 70 # big [69:0] $end
$var integer 32 $ i $end
$upscope $end
$upscope $end
$enddefinitions $end
#0
$dumpvars
x!
bxxxxxxxx "
bx1z #
b101 $
$end
#10
1!
b00001010 "
$comment anything $end
#6000000000
0!
bz "
$dumpall
0!
b11111111 "
$end
#6000000001
U!
`;

describe("waveforms: VCD reader (vcd-stream WASM)", () => {
  it("reads a foreign VCD: header, aliases, 4-state values, large times", async () => {
    const f = await parseVcd(FOREIGN);
    expect(f.timescale).to.equal("10ns");
    expect(f.version).to.equal("Icarus Verilog");
    expect(f.date).to.equal("Mon Jan 1 00:00:00 2024");
    expect(f.signals.map((s) => s.name)).to.deep.equal(["tb.clk", "tb.data", "tb.dut.clk_in", "tb.dut.big", "tb.dut.i"]);
    const clk = f.byName.get("tb.clk")!;
    expect(clk.times).to.deep.equal([0, 10, 6000000000, 6000000000, 6000000001]);
    expect(clk.values).to.deep.equal(["x", 1n, 0n, 0n, "u"]);
    // Same id code: the alias shares the changes.
    expect(f.byName.get("tb.dut.clk_in")!.values).to.equal(clk.values);
    const data = f.byName.get("tb.data")!;
    expect(data.values).to.deep.equal(["xxxxxxxx", 10n, "zzzzzzzz", 255n]);
    expect(f.byName.get("tb.dut.big")!.values).to.deep.equal(["x".repeat(68) + "1z"]);
    expect(f.byName.get("tb.dut.i")!.kind).to.equal("integer");
    expect(valueAt(data, 5999999999)).to.equal(10n);
    expect(f.endTime).to.equal(6000000001);
  });

  it("reads headers over 64 KiB (5000 variables) with their names", async () => {
    const sink = new MemorySink();
    const w = new VcdWriter(sink);
    for (let i = 0; i < 5000; i++) {
      w.addVariable({ scope: ["chip", `pe_${i % 64}`, "core0"], name: `a_rather_long_register_name_${i}`, width: 1 + (i % 40) });
    }
    w.begin(0);
    for (let i = 0; i < 5000; i++) {
      if (1 + (i % 40) <= 32) w.changeBits(i, i);
      else w.changeWords(i, Uint32Array.of(i, 1), 0);
    }
    w.close();
    const bytes = sink.bytes();
    expect(bytes.length).to.be.greaterThan(300 * 1024);
    const f = await parseVcd(bytes);
    expect(f.signals.length).to.equal(5000);
    for (let i = 0; i < 5000; i += 37) {
      const s = f.byName.get(`chip.pe_${i % 64}.core0.a_rather_long_register_name_${i}`)!;
      expect(s.width).to.equal(1 + (i % 40));
      const width = BigInt(1 + (i % 40));
      const v = width > 32n ? (1n << 32n) | BigInt(i) : BigInt(i) & ((1n << width) - 1n);
      expect(s.values).to.deep.equal([v]);
    }
  });

  it("splits the parser's input only between whole items, whatever the read chunks", () => {
    const text = new TextEncoder().encode(FOREIGN);
    const whole: number[] = [];
    const feedA = new VcdFeed((c) => whole.push(...c));
    feedA.push(text);
    feedA.end();
    const bytewise: number[] = [];
    const feedB = new VcdFeed((c) => bytewise.push(...c));
    for (let i = 0; i < text.length; i++) feedB.push(text.subarray(i, i + 1));
    feedB.end();
    expect(bytewise).to.deep.equal(whole);
    expect(feedB.times).to.deep.equal([0, 10, 6000000000, 6000000001]);
    const fed = new TextDecoder().decode(Uint8Array.from(whole));
    expect(fed).to.contain("#2\n0!\nbz \"\n0!\nb11111111 \"\n#3\nU!\n");
    expect(fed).to.not.contain("$date");
  });

  it("rejects what it cannot read faithfully", async () => {
    await parseVcd("$timescale 1ps $end\n$scope module t $end\n$var real 64 ! r $end\n$upscope $end\n$enddefinitions $end\n#0\nr1.5 !\n")
      .then(() => expect.fail("no error"), (e: Error) => expect(e.message).to.match(/real values/));
    await parseVcd("$timescale 1ps $end\n$enddefinitions $end\n#5\n#3\n")
      .then(() => expect.fail("no error"), (e: Error) => expect(e.message).to.match(/backwards/));
    await parseVcd("$timescale 1ps $end\n")
      .then(() => expect.fail("no error"), (e: Error) => expect(e.message).to.match(/no \$enddefinitions/));
    // After errors the shared parser still works.
    const f = await parseVcd(FOREIGN);
    expect(f.signals.length).to.equal(5);
  });

  it("works in a worker thread", async function () {
    this.timeout(60000);
    const dir = mkdtempSync(join(tmpdir(), "tsrtl-vcdr-"));
    try {
      const path = join(dir, "w.vcd");
      writeFileSync(path, FOREIGN);
      const worker = new Worker(new URL("./fixtures/tsx-worker.mjs", import.meta.url), {
        workerData: { entry: new URL("./fixtures/read-in-worker.ts", import.meta.url).href, path },
      });
      const result = await new Promise<{ names: string[]; changes: string[][] }>((resolve, reject) => {
        worker.once("message", resolve);
        worker.once("error", reject);
        worker.once("exit", (code) => reject(new Error(`worker exited with ${code}`)));
      });
      await worker.terminate();
      const local = await readVcdFile(path);
      expect(result.names).to.deep.equal(local.signals.map((s) => s.name));
      expect(result.changes).to.deep.equal(local.signals.map((s) => s.values.map(String)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
