/** tsrtl ports: port tables generated from the hardware sources with ts-morph. */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { portsMarkdown, portTables } from "../../lint/ports.ts";

describe("tsrtl ports", function () {
  this.timeout(60_000);

  it("lists each block's ports, inherited ones first, with widths as written and its description", () => {
    const tables = portTables(["hw/rtl/lib"]);
    const fifo = tables.find((t) => t.module === "Fifo")!;
    expect(fifo.file).to.equal("hw/rtl/lib/fifo.ts");
    expect(fifo.ports.map((p) => `${p.name} ${p.direction} ${p.width}`)).to.deep.equal([
      "in_valid input 1",
      "in_ready output 1",
      "in_data input width",
      "out_valid output 1",
      "out_ready input 1",
      "out_data output width",
      "count output countWidth",
    ]);
    expect(fifo.description).to.match(/^Synchronous FIFO with ready\/valid/);
    const arbiter = tables.find((t) => t.module === "RoundRobinArbiter")!;
    expect(arbiter.ports.map((p) => p.name)).to.deep.equal(["req", "en", "grant", "grant_index", "grant_valid"]);
    // Abstract bases (StreamStage) get no table of their own.
    expect(tables.map((t) => t.module)).to.not.include("StreamStage");
  });

  it("renders Markdown tables, marking wide ports", () => {
    const text = portsMarkdown(portTables(["hw/memory/lpddr5-channel.ts"]));
    expect(text).to.match(/\| `req_wdata` \| input \| `[^`]+` \(wide\) \|/);
    expect(text).to.include("| port | direction | width |");
  });

  it("docs/ports.md is up to date with the hardware sources", () => {
    const current = readFileSync("docs/ports.md", "utf8");
    expect(current === portsMarkdown(portTables(["hw"])), "docs/ports.md is stale: run `npx tsrtl ports hw --out docs/ports.md`").to.equal(true);
  });
});
