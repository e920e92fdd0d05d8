/** The command line: `tsrtl asm` (all formats, listing, map, -I, --defsym) and `tsrtl disasm` (incl. GTKWave filter). */
import { spawnSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { readElf } from "../../riscv-asm/index.ts";
import { objdump, normaliseObjdump, tmpFile } from "./reference-tools.ts";

const root = join(import.meta.dirname, "..", "..");
const fixtures = join(root, "test", "fixtures", "riscv-asm");

function tsrtl(args: readonly string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(root, "bin", "tsrtl.ts"), ...args], { cwd: root, encoding: "utf8", input });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `addr: text` of every instruction line of a disassembly listing. */
function instructions(listing: string, normalise: (s: string) => string): string[] {
  const out: string[] = [];
  for (const line of listing.split("\n")) {
    const m = /^\s*([0-9a-f]+):\t([0-9a-f]{8})\s*\t(.*)$/.exec(line);
    if (m) out.push(`${m[1]!.padStart(8, "0")}: ${normalise(m[3]!)}`);
  }
  return out;
}

describe("riscv-asm CLI", function () {
  this.timeout(60_000);

  it("tsrtl asm writes an ELF executable, listing and map; -I and --defsym work; tsrtl disasm matches objdump", () => {
    const src = tmpFile("main.s", '.include "inc.s"\n.text\n.globl _start\n_start: li a0, VALUE\npush a0\npop a1\nli a2, INCLUDED_VALUE\nj _start\n.data\nv: .word VALUE\n');
    const elf = tmpFile("main.elf");
    const lst = tmpFile("main.lst");
    const map = tmpFile("main.map");
    const r = tsrtl(["asm", src, "-o", elf, "-I", fixtures, "--defsym", "VALUE=0x1234", "--listing", lst, "--map", map, "--text-base", "0x1000"]);
    expect(r.stderr).to.equal("");
    expect(r.status).to.equal(0);
    expect(statSync(elf).mode & 0o111).to.not.equal(0);
    const e = readElf(new Uint8Array(readFileSync(elf)));
    expect(e.entry).to.equal(0x1000);
    expect(readFileSync(lst, "utf8")).to.match(/^00001000 37150000\s+4  _start: li a0, VALUE$/m);
    expect(readFileSync(map, "utf8")).to.match(/^00001000 00000000 global\s+notype\s+\.text\s+_start$/m);

    const d = tsrtl(["disasm", elf]);
    expect(d.status).to.equal(0);
    const ref = instructions(objdump(["-d"], elf), normaliseObjdump);
    expect(ref.length).to.be.greaterThan(5);
    expect(instructions(d.stdout, (s) => s)).to.deep.equal(ref);
    const na = tsrtl(["disasm", "--no-aliases", elf]);
    expect(instructions(na.stdout, (s) => s)).to.deep.equal(instructions(objdump(["-d", "-M", "no-aliases"], elf), normaliseObjdump));
  });

  it("--format obj, bin and hex; disasm of a flat binary at --base", () => {
    const src = tmpFile("f.s", ".text\n_start: addi a0, a0, 1\nbeq a0, a1, _start\n.data\n.word 0xdeadbeef\n");
    const out = { obj: tmpFile("f.o"), bin: tmpFile("f.bin"), hex: tmpFile("f.hex") };
    for (const [fmt, path] of Object.entries(out)) expect(tsrtl(["asm", src, "--format", fmt, "-o", path, "--text-base", "0x100"]).status, fmt).to.equal(0);
    expect(readElf(new Uint8Array(readFileSync(out.obj))).kind).to.equal("relocatable");
    expect(readFileSync(out.bin).toString("hex")).to.equal("13051500e30eb5feefbeadde");
    expect(readFileSync(out.hex, "utf8")).to.equal("@00000040\n00150513\nfeb50ee3\ndeadbeef\n");
    const d = tsrtl(["disasm", out.bin, "--base", "0x100"]);
    expect(d.stdout).to.contain("00000100:\t00150513\tadd a0,a0,1\n00000104:\tfeb50ee3\tbeq a0,a1,0x100\n");
  });

  it("--gtkw-filter translates hex words line by line and passes anything else through", () => {
    // objdump (and so we) print addi with a non-zero register and immediate as "add"
    const input = ["00150513", "0x00008067", "8067", "xxxxxxxx", "zzzz", "", "00000000", "02b50533", "0d0572d7"].join("\n") + "\n";
    const r = tsrtl(["disasm", "--gtkw-filter"], input);
    expect(r.status).to.equal(0);
    expect(r.stdout.split("\n")).to.deep.equal(["add a0,a0,1", "ret", "ret", "xxxxxxxx", "zzzz", "", "00000000", "mul a0,a0,a1", "vsetvli t0,a0,e32,m1,ta,ma", ""]);
  });

  it("bad command lines exit 2 with a one-line message", () => {
    const r = tsrtl(["asm", "--format", "pdf", "x.s"]);
    expect(r.status).to.equal(2);
    expect(r.stderr.trim()).to.equal("tsrtl asm: --format: expected one of elf, obj, bin, hex, got 'pdf'");
    const d = tsrtl(["disasm"]);
    expect(d.status).to.equal(2);
    expect(d.stderr.trim()).to.equal("tsrtl disasm: expected exactly one input file");
  });
});
