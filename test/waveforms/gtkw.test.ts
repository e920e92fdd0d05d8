import { expect } from "chai";
import { gtkwText, translateFileText } from "../../waveforms/gtkw.ts";

describe("waveforms: .gtkw writer", () => {
  it("writes groups, formats and filters line by line", () => {
    const text = gtkwText({
      dumpfile: "/sim/run.vcd",
      savefile: "/sim/run.gtkw",
      timestart: 2500,
      zoom: -12.5,
      signals: [{ name: "top.clk", width: 1 }],
      groups: [
        {
          name: "fifo0",
          signals: [
            { name: "top.fifo0.count", width: 5, format: "dec" },
            { name: "top.fifo0.level", width: 8, format: "signed" },
            { name: "top.fifo0.data", width: 64 },
            { name: "top.fifo0.char", width: 8, format: "ascii", color: 3 },
            { name: "top.fifo0.full", width: 1, alias: "FULL" },
          ],
        },
        {
          name: "core0",
          collapsed: true,
          signals: [
            { name: "top.core0.state", width: 3, fileFilter: "/sim/core0_state.txt" },
            { name: "top.core0.insn", width: 32, processFilter: "/opt/tsrtl/disasm --rv32" },
            { name: "top.core0.insn_d", width: 32, processFilter: "/opt/tsrtl/disasm --rv32" },
            { name: "top.core0.op", width: 16, format: "bin", fileFilter: "/sim/op.txt" },
          ],
        },
      ],
    });
    expect(text.split("\n")).to.deep.equal([
      "[*]",
      "[*] written by tsrtl",
      "[*]",
      '[dumpfile] "/sim/run.vcd"',
      '[savefile] "/sim/run.gtkw"',
      "[timestart] 2500",
      "*-12.500000 -1",
      "@28", // TR_BIN | TR_RJUSTIFY
      "top.clk",
      "@800200", // TR_GRP_BEGIN | TR_BLANK: open group
      "-fifo0",
      "@24", // TR_DEC | TR_RJUSTIFY
      "top.fifo0.count[4:0]",
      "@420", // TR_SIGNED | TR_RJUSTIFY
      "top.fifo0.level[7:0]",
      "@22", // TR_HEX | TR_RJUSTIFY (default for vectors)
      "top.fifo0.data[63:0]",
      "@820", // TR_ASCII | TR_RJUSTIFY
      "[color] 3",
      "top.fifo0.char[7:0]",
      "@28",
      "+{FULL} top.fifo0.full",
      "@1000200", // TR_GRP_END | TR_BLANK
      "-fifo0",
      "@c00200", // TR_GRP_BEGIN | TR_CLOSED | TR_BLANK: closed group
      "-core0",
      "@2022", // TR_FTRANSLATED | TR_HEX | TR_RJUSTIFY
      "^1 /sim/core0_state.txt",
      "top.core0.state[2:0]",
      "@4022", // TR_PTRANSLATED | TR_HEX | TR_RJUSTIFY
      "^>2 /opt/tsrtl/disasm --rv32",
      "top.core0.insn[31:0]",
      "^>2 /opt/tsrtl/disasm --rv32", // same filter slot for the same command
      "top.core0.insn_d[31:0]",
      "@2028",
      "^3 /sim/op.txt",
      "top.core0.op[15:0]",
      "@1401200", // TR_GRP_END | TR_CLOSED | TR_COLLAPSED | TR_BLANK
      "-core0",
      "",
    ]);
  });

  it("writes translate maps keyed the way GTKWave displays the trace", () => {
    const states = { 0: "IDLE", 1: "FETCH", 5: "WAIT MEM", 12: "DONE" };
    expect(translateFileText(states, 8).split("\n")).to.deep.equal([
      "# value name (values as GTKWave shows hex, width 8)",
      "00 IDLE",
      "01 FETCH",
      "05 WAIT MEM",
      "0C DONE",
      "",
    ]);
    expect(translateFileText(states, 4, "bin").split("\n").slice(1, 3)).to.deep.equal(["0000 IDLE", "0001 FETCH"]);
    const mixedKeys: Map<number | bigint, string> = new Map();
    mixedKeys.set(12n, "DONE").set(3, "X");
    expect(translateFileText(mixedKeys, 4, "dec").split("\n").slice(1, 3)).to.deep.equal(["3 X", "12 DONE"]);
    expect(translateFileText({ 255: "MINUS1", 1: "ONE" }, 8, "signed").split("\n").slice(1, 3)).to.deep.equal(["1 ONE", "-1 MINUS1"]);
    expect(() => translateFileText({ 16: "X" }, 4)).to.throw(/does not fit 4 bits/);
    expect(() => translateFileText({ 1: "A\nB" }, 4)).to.throw(/spans lines/);
  });

  it("rejects traces that GTKWave would misread", () => {
    expect(() => gtkwText({ dumpfile: "/a.vcd", signals: [{ name: "a b", width: 1 }] })).to.throw(/whitespace/);
    expect(() =>
      gtkwText({ dumpfile: "/a.vcd", signals: [{ name: "a", width: 4, fileFilter: "/m", processFilter: "/p" }] }),
    ).to.throw(/not both/);
    expect(() => gtkwText({ dumpfile: '/a"b.vcd' })).to.throw(/'"'/);
  });
});
