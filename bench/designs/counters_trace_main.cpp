// Drives the Verilated K1 design with every signal dumped to a VCD (K3 for Verilator):
// reset, then N cycles; prints one JSON line.
#include "Vtop.h"
#include "verilated.h"
#include "verilated_vcd_c.h"
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstdint>
int main(int argc, char** argv) {
  long cycles = argc > 1 ? atol(argv[1]) : 100000;
  const char* path = argc > 2 ? argv[2] : "k3-verilator.vcd";
  Verilated::commandArgs(argc, argv);
  Verilated::traceEverOn(true);
  Vtop* top = new Vtop;
  VerilatedVcdC* vcd = new VerilatedVcdC;
  top->trace(vcd, 99);
  vcd->open(path);
  uint64_t t = 0;
  top->rst = 1;
  for (int i = 0; i < 2; i++) { top->clk = 0; top->eval(); vcd->dump(t++); top->clk = 1; top->eval(); vcd->dump(t++); }
  top->rst = 0;
  auto t0 = std::chrono::steady_clock::now();
  for (long i = 0; i < cycles; i++) { top->clk = 0; top->eval(); vcd->dump(t++); top->clk = 1; top->eval(); vcd->dump(t++); }
  vcd->close();
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  printf("{\"name\":\"K3-verilator\",\"cycles\":%ld,\"seconds\":%.4f,\"cyclesPerSecond\":%.0f,\"checksum\":%u}\n", cycles, s, cycles / s, top->checksum);
  delete vcd;
  delete top;
  return 0;
}
