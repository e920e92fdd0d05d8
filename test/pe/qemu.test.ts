/**
 * The golden model against an independent reference: qemu-riscv32 (Debian qemu-user) runs the
 * same ELF as a Linux user-mode program that dumps x1..x27 to stdout before exiting; the golden
 * model runs it up to `dump_done` and must hold the same registers. A missing qemu fails.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readElf } from "../../riscv-asm/index.ts";
import { GoldenModel } from "../../hw/pe/iss.ts";
import { programFromElf } from "../../hw/pe/runner.ts";
import { assembleElf } from "./helpers.ts";
import { randomProgram } from "./random-program.ts";

const QEMU = "qemu-riscv32";
const COUNT = Number(process.env["PE_QEMU_PROGRAMS"] ?? 60);

describe("pe: golden model vs qemu-riscv32", function () {
  this.timeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), "tsrtl-pe-qemu-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it(`${COUNT} random user-mode programs leave the same registers`, () => {
    for (let seed = 1; seed <= COUNT; seed++) {
      const src = randomProgram(seed, { user: true, length: 80 });
      const elf = assembleElf(src, `user-${seed}.s`);
      const file = join(dir, `user-${seed}.elf`);
      writeFileSync(file, elf, { mode: 0o755 });
      const q = spawnSync(QEMU, [file]);
      if (q.error) throw new Error(`${QEMU} could not be run (${q.error.message}); install Debian's qemu-user`);
      expect(q.status, `qemu exit status, seed ${seed}: ${q.stderr}`).to.equal(0);
      const want = new Uint32Array(new Uint8Array(q.stdout).buffer.slice(0, 108));
      const prog = programFromElf(elf);
      const stop = readElf(elf).symbol("dump_done")!.value >>> 0;
      const g = new GoldenModel();
      for (const s of prog.segments) g.load(s.bytes, s.address);
      g.pc = prog.entry;
      for (let i = 0; i < 100_000 && g.pc !== stop; i++) g.step();
      expect(g.pc, `seed ${seed}: golden model reached dump_done`).to.equal(stop);
      for (let r = 1; r <= 27; r++) {
        if (g.x[r] !== want[r - 1]) throw new Error(`seed ${seed}: x${r} golden 0x${g.x[r]!.toString(16)} qemu 0x${want[r - 1]!.toString(16)}\n${src}`);
      }
    }
  });
});
