/**
 * One LPDDR5 channel: controller + device + protocol checker, wired by ports. The checker
 * watches the command bus between controller and device in every simulation of a channel.
 */
import { Module, type Bits, type WideBits } from "../rtl/index.ts";
import { Lpddr5Controller, type Lpddr5ControllerOptions } from "./lpddr5-controller.ts";
import { Lpddr5Device } from "./lpddr5-device.ts";
import { Lpddr5ProtocolChecker } from "./protocol-checker.ts";

export interface Lpddr5ChannelOptions extends Lpddr5ControllerOptions {
  /** Timing the checker enforces (default: the controller's). Tests use this to catch mis-timed controllers. */
  checkerTiming?: Lpddr5ControllerOptions["timing"];
  /** Throw at the first protocol violation (default true). */
  fatalViolations?: boolean;
}

export class Lpddr5Channel extends Module {
  readonly req_valid: Bits;
  readonly req_ready: Bits;
  readonly req_addr: Bits;
  readonly req_write: Bits;
  readonly req_id: Bits;
  readonly req_wdata: WideBits;
  readonly req_wmask: Bits;
  readonly rsp_valid: Bits;
  readonly rsp_ready: Bits;
  readonly rsp_id: Bits;
  readonly rsp_data: WideBits;
  readonly idle: Bits;
  readonly ctrl: Lpddr5Controller;
  readonly device: Lpddr5Device;
  readonly checker: Lpddr5ProtocolChecker;

  constructor(parent: Module | null, name: string, options: Lpddr5ChannelOptions = {}) {
    super(parent, name);
    const ctrl = new Lpddr5Controller(this, "ctrl", options);
    const device = new Lpddr5Device(this, "device", { timing: ctrl.timing, org: ctrl.org });
    const checker = new Lpddr5ProtocolChecker(this, "checker", {
      timing: options.checkerTiming ?? ctrl.timing,
      org: ctrl.org,
      refresh: ctrl.refreshMode,
      fatal: options.fatalViolations ?? true,
    });
    this.ctrl = ctrl;
    this.device = device;
    this.checker = checker;
    const idw = ctrl.req_id.width;
    this.req_valid = this.input("req_valid", 1);
    this.req_ready = this.output("req_ready", 1);
    this.req_addr = this.input("req_addr", ctrl.req_addr.width);
    this.req_write = this.input("req_write", 1);
    this.req_id = this.input("req_id", idw);
    this.req_wdata = this.inputWide("req_wdata", 256);
    this.req_wmask = this.input("req_wmask", 32);
    this.rsp_valid = this.output("rsp_valid", 1);
    this.rsp_ready = this.input("rsp_ready", 1);
    this.rsp_id = this.output("rsp_id", idw);
    this.rsp_data = this.outputWide("rsp_data", 256);
    this.idle = this.output("idle", 1);
    this.connect(ctrl.req_valid, this.req_valid);
    this.connect(this.req_ready, ctrl.req_ready);
    this.connect(ctrl.req_addr, this.req_addr);
    this.connect(ctrl.req_write, this.req_write);
    this.connect(ctrl.req_id, this.req_id);
    this.connect(ctrl.req_wdata, this.req_wdata);
    this.connect(ctrl.req_wmask, this.req_wmask);
    this.connect(this.rsp_valid, ctrl.rsp_valid);
    this.connect(ctrl.rsp_ready, this.rsp_ready);
    this.connect(this.rsp_id, ctrl.rsp_id);
    this.connect(this.rsp_data, ctrl.rsp_data);
    this.connect(this.idle, ctrl.idle);
    this.connect(device.cmd, ctrl.cmd);
    this.connect(device.cmd_bank, ctrl.cmd_bank);
    this.connect(device.cmd_row, ctrl.cmd_row);
    this.connect(device.cmd_col, ctrl.cmd_col);
    this.connect(device.cmd_wdata, ctrl.cmd_wdata);
    this.connect(device.cmd_wmask, ctrl.cmd_wmask);
    this.connect(ctrl.dq_valid, device.dq_valid);
    this.connect(ctrl.dq_data, device.dq_data);
    this.connect(checker.cmd, ctrl.cmd);
    this.connect(checker.cmd_bank, ctrl.cmd_bank);
    this.connect(checker.cmd_row, ctrl.cmd_row);
  }
}
