// Drives the Verilated K1 design: reset, then N cycles; prints one JSON line.
#include "Vtop.h"
#include "verilated.h"
#include <chrono>
#include <cstdio>
#include <cstdlib>
int main(int argc, char** argv) {
  long cycles = argc > 1 ? atol(argv[1]) : 1000000;
  Verilated::commandArgs(argc, argv);
  Vtop* top = new Vtop;
  top->rst = 1;
  for (int i = 0; i < 2; i++) { top->clk = 0; top->eval(); top->clk = 1; top->eval(); }
  top->rst = 0;
  auto t0 = std::chrono::steady_clock::now();
  for (long i = 0; i < cycles; i++) { top->clk = 0; top->eval(); top->clk = 1; top->eval(); }
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  printf("{\"name\":\"K1-verilator\",\"cycles\":%ld,\"seconds\":%.4f,\"cyclesPerSecond\":%.0f,\"checksum\":%u}\n", cycles, s, cycles / s, top->checksum);
  delete top;
  return 0;
}
