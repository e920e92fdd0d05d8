/** The worker-thread file sink writes exactly what FileSink writes, and nothing is lost at exit. */
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ThreadedFileSink } from "../../waveforms/threaded-sink.ts";
import { FileSink } from "../../waveforms/vcd-sink.ts";
import { Rng } from "../../verif/random/rng.ts";

describe("waveforms: ThreadedFileSink", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsrtl-sink-"));

  it("produces a byte-identical file to FileSink, including writes larger than one slot", () => {
    const rng = new Rng(5);
    const writes: Uint8Array[] = [];
    for (let i = 0; i < 40; i++) {
      const n = i === 7 ? 9 << 20 : rng.int(1, 300000); // one write spans three 4 MiB slots
      const b = new Uint8Array(n);
      for (let k = 0; k < n; k += 4096) b[k] = rng.bits(8);
      b[n - 1] = i;
      writes.push(b);
    }
    const a = new ThreadedFileSink(join(dir, "threaded.bin"));
    const b = new FileSink(join(dir, "plain.bin"));
    for (const w of writes) {
      a.write(w, w.length);
      b.write(w, w.length);
    }
    a.close();
    b.close();
    const x = readFileSync(join(dir, "threaded.bin"));
    const y = readFileSync(join(dir, "plain.bin"));
    expect(x.length).to.equal(writes.reduce((s, w) => s + w.length, 0));
    expect(x.equals(y)).to.equal(true);
  });

  it("creates missing directories, and reports an unwritable path at once, naming it", () => {
    const nested = join(dir, "new", "deeper", "x.vcd");
    const sink = new ThreadedFileSink(nested);
    sink.write(Uint8Array.of(65), 1);
    sink.close();
    expect(readFileSync(nested, "utf8")).to.equal("A");
    writeFileSync(join(dir, "a-file"), "");
    expect(() => new ThreadedFileSink(join(dir, "a-file", "x.vcd"))).to.throw(/a-file/);
  });

  it("a trace that is never closed is still complete when the process exits", () => {
    const script = join(dir, "unclosed.ts");
    const vcd = join(dir, "unclosed.vcd");
    const root = process.cwd();
    writeFileSync(
      script,
      `import { Simulator } from "${root}/hw/rtl/index.ts";
import { CounterArray } from "${root}/bench/designs/counters.ts";
const sim = new Simulator(new CounterArray(null, "top", 10));
sim.trace(${JSON.stringify(vcd)}, { gtkw: false });
sim.step(1000);
`,
    );
    execFileSync(process.execPath, ["--import", "tsx", script], { cwd: root });
    const text = readFileSync(vcd, "utf8");
    expect(text).to.include("$enddefinitions $end");
    expect(text.trimEnd().split("\n").filter((l) => l.startsWith("#")).pop()).to.equal(`#${1000 * 1250 + 625}`);
  });

  it("refuses a FIFO, naming it (the writer thread writes at file positions)", () => {
    const fifo = join(dir, "a.fifo");
    execFileSync("mkfifo", [fifo]);
    expect(() => new ThreadedFileSink(fifo)).to.throw(/a\.fifo is a FIFO: a traced VCD is written to a regular file/);
  });
});
