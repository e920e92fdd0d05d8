/**
 * ELF output and input: linked executables (layout, entry, contents as GNU ld gives them),
 * the reader (on our files and GNU's), flat binary, $readmemh hex, listing and symbol map,
 * and running a linked program under qemu-riscv32.
 */
import { chmodSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { assemble, formatListing, formatSymbolMap, readElf, toBinary, toHex, writeElf, ElfError, DEFAULT_TEXT_BASE } from "../../riscv-asm/index.ts";
import { gnuAssemble, run, tmpFile, GNU_READELF, GNU_OBJCOPY } from "./reference-tools.ts";
import { ours } from "./helpers.ts";

const fixtures = join(import.meta.dirname, "..", "fixtures", "riscv-asm");
const rvtest = (): string => run("riscv64-unknown-elf-gcc", ["-E", join(fixtures, "rvtest.S")]).stdout;

describe("riscv-asm ELF and outputs", function () {
  this.timeout(60_000);

  it("default memory map: .text.init, .text, other code, read-only data, data, bss, each aligned; entry _start", () => {
    const p = ours(".data\nd: .byte 1\n.text\nt: nop\n.section .text.init\n_start: nop\n.section .rodata\n.align 3\nr: .word 5\n.bss\n.align 4\nb: .zero 4\n");
    const addr = new Map(p.sections.map((s) => [s.name, s.address]));
    expect(addr.get(".text.init")).to.equal(DEFAULT_TEXT_BASE);
    expect(addr.get(".text")).to.equal(DEFAULT_TEXT_BASE + 4);
    expect(addr.get(".rodata")).to.equal(DEFAULT_TEXT_BASE + 8);
    expect(addr.get(".data")).to.equal(DEFAULT_TEXT_BASE + 12);
    expect(addr.get(".bss")).to.equal(DEFAULT_TEXT_BASE + 16);
    expect(p.entry).to.equal(DEFAULT_TEXT_BASE);
    expect(p.symbols.find((s) => s.name === "r")!.value).to.equal(DEFAULT_TEXT_BASE + 8);
  });

  it("entry is the start of the first code section when _start is not defined; --text-base and --section-start move sections", () => {
    const p = ours(".text\nnop\nmain: nop\n.data\n.word main\n", { textBase: 0x1000, sectionStart: { ".data": 0x8000 } });
    expect(p.entry).to.equal(0x1000);
    const data = p.sections.find((s) => s.name === ".data")!;
    expect(data.address).to.equal(0x8000);
    expect([...data.bytes]).to.deep.equal([0x04, 0x10, 0, 0]);
  });

  it("a linked executable has the contents GNU ld gives the GNU object at the same addresses", () => {
    for (const src of [rvtest(), ".text\n_start: la a0, msg\ncall f\nlui a1, %hi(msg)\nlw a2, %lo(msg)(a1)\nsw a2, msg, t0\nj _start\nf: ret\n.data\nmsg: .word msg, f, msg - _start\n.half 1\n"]) {
      const p = ours(src);
      const exe = tmpFile("ours.elf", writeElf(p));
      const obj = gnuAssemble(src);
      // a linker script that places each of our sections at our address
      const placed = p.sections.filter((s) => s.flags.alloc && s.size > 0);
      const script = tmpFile("link.ld", `SECTIONS {\n${placed.map((s) => `  ${s.name} 0x${s.address.toString(16)} : { *(${s.name}) }`).join("\n")}\n}\n`);
      const gnuExe = tmpFile("gnu.elf");
      run("riscv64-unknown-elf-ld", ["-m", "elf32lriscv", "--no-relax", "-e", `0x${p.entry.toString(16)}`, "-T", script, obj, "-o", gnuExe]);
      const mine = readElf(new Uint8Array(readFileSync(exe)));
      const gnu = readElf(new Uint8Array(readFileSync(gnuExe)));
      for (const s of mine.sections.filter((x) => x.flags.alloc && x.size > 0)) {
        const g = gnu.section(s.name);
        expect(g, s.name).not.to.equal(undefined);
        expect(g!.address, s.name).to.equal(s.address);
        expect(Buffer.from(s.bytes).toString("hex"), s.name).to.equal(Buffer.from(g!.bytes).toString("hex"));
      }
      expect(mine.entry).to.equal(gnu.entry);
    }
  });

  it("GNU readelf and llvm-objdump read our executables and objects without complaint", () => {
    const p = ours(rvtest());
    const exe = tmpFile("x.elf", writeElf(p));
    const obj = tmpFile("x.o", writeElf(ours(rvtest(), { output: "object" })));
    for (const f of [exe, obj]) {
      const r = run(GNU_READELF, ["-a", "-W", f]);
      expect(r.stderr).to.equal("");
      expect(r.stdout).to.contain("RISC-V");
      const d = run("llvm-objdump", ["-d", "--mattr=+m,+a,+v", f]);
      expect(d.stderr).to.equal("");
      expect(d.stdout).to.contain("<_start>:");
    }
    expect(run(GNU_READELF, ["-l", exe]).stdout).to.contain("LOAD");
  });

  it("readElf reads GNU's objects and our executables: sections, symbols (tohost), entry, segments", () => {
    const src = rvtest();
    const gnu = readElf(new Uint8Array(readFileSync(gnuAssemble(src))));
    expect(gnu.kind).to.equal("relocatable");
    expect(gnu.machine).to.equal(243);
    expect(gnu.symbol("tohost")).to.include({ binding: "global", section: ".tohost", size: 8 });
    expect(gnu.symbol("_start")).to.include({ binding: "global", section: ".text.init", value: 0 });
    const exe = readElf(writeElf(ours(src, { textBase: 0x10000 })));
    expect(exe.kind).to.equal("executable");
    expect(exe.entry).to.equal(0x10000);
    const tohost = exe.symbol("tohost")!;
    expect(tohost.section).to.equal(".tohost");
    expect(tohost.value % 64).to.equal(0);
    const text = exe.section(".text.init")!;
    expect(text.flags).to.deep.equal({ alloc: true, write: false, exec: true });
    const seg = exe.segments.find((s) => s.vaddr === text.address)!;
    expect(Buffer.from(seg.bytes.subarray(0, text.size)).equals(Buffer.from(text.bytes))).to.equal(true);
    expect(() => readElf(new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1]))).to.throw(ElfError, /truncated/);
    expect(() => readElf(new Uint8Array(100))).to.throw(ElfError, /not an ELF file/);
  });

  it("flat binary equals objcopy -O binary of our ELF; hex is $readmemh words", () => {
    const p = ours(".text\n_start: li a0, 0x12345678\nj _start\n.data\n.byte 1, 2, 3\n", { textBase: 0x2000 });
    const elf = tmpFile("b.elf", writeElf(p));
    const bin = tmpFile("b.bin");
    run(GNU_OBJCOPY, ["-O", "binary", elf, bin]);
    const flat = toBinary(p);
    expect(flat.base).to.equal(0x2000);
    expect(Buffer.from(flat.bytes).toString("hex")).to.equal(readFileSync(bin).toString("hex"));
    const hex = toHex(p).trim().split("\n");
    expect(hex[0]).to.equal("@00000800");
    expect(hex[1]).to.equal("12345537"); // lui a0, 0x12345
    expect(hex.slice(1).length).to.equal(Math.ceil(flat.bytes.length / 4));
    expect(hex[hex.length - 1]).to.equal("00030201");
  });

  it("listing shows address, bytes and source line; the map lists symbols by address", () => {
    const r = assemble(".text\n_start: li a0, 0x12345678\nloop: j loop\n.data\nv: .word 7\n", { listing: true, textBase: 0x100 });
    const lst = formatListing(r.listing!);
    expect(lst).to.contain("00000100 37553412      2  _start: li a0, 0x12345678\n00000104 13058567\n");
    expect(lst).to.contain("00000108 6f000000      3  loop: j loop");
    const map = formatSymbolMap(r.program!);
    expect(map.split("\n")[0]).to.match(/^00000100 00000000 local\s+notype\s+\.text\s+_start$/);
    expect(map).to.contain("loop");
  });

  it("a linked program runs under qemu-riscv32 (exit code from the computation)", () => {
    const src = [
      ".text", ".globl _start", "_start:",
      "  la t0, values", "  li t1, 5", "  li a0, 0",
      "1: lw t2, 0(t0)", "  add a0, a0, t2", "  addi t0, t0, 4", "  addi t1, t1, -1", "  bnez t1, 1b",
      "  li a7, 93", "  ecall",
      ".data", "values: .word 1, 2, 3, 4, 32",
    ].join("\n") + "\n";
    const exe = tmpFile("run.elf", writeElf(ours(src, { textBase: 0x20000 })));
    chmodSync(exe, 0o755);
    const r = run("sh", ["-c", `qemu-riscv32 ${exe}; echo "exit=$?"`]);
    expect(r.stdout.trim()).to.equal("exit=42");
  });
});
