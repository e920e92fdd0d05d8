// K1 benchmark design in Verilog, for Verilator: 1000 32-bit counters with synchronous
// reset and enable, enabled by LFSR bit (i mod 32); the output XORs every counter.
module counter(input clk, input rst, input en, output reg [31:0] count);
  always @(posedge clk) begin
    if (rst) count <= 32'd0;
    else if (en) count <= count + 32'd1;
  end
endmodule

module top(input clk, input rst, output [31:0] checksum);
  reg [31:0] lfsr;
  always @(posedge clk) begin
    if (rst) lfsr <= 32'hACE1;
    else lfsr <= {lfsr[30:0], lfsr[31] ^ lfsr[21] ^ lfsr[1] ^ lfsr[0]};
  end
  wire [31:0] counts [0:999];
  genvar i;
  generate
    for (i = 0; i < 1000; i = i + 1) begin : g
      counter c(.clk(clk), .rst(rst), .en(lfsr[i % 32]), .count(counts[i]));
    end
  endgenerate
  reg [31:0] x;
  integer k;
  always @(*) begin
    x = 32'd0;
    for (k = 0; k < 1000; k = k + 1) x = x ^ counts[k];
  end
  assign checksum = x;
endmodule
