/** The memory subsystem's public API (see docs/memory.md). */
export {
  LPDDR5_6400, LPDDR5_ORG_DEFAULT, SPEED_GRADES, Cmd, CMD_NAMES, peakBytesPerSecond, withTiming, validateTiming, validateOrg, timingFields,
  readToWrite, writeToPrecharge, writeToReadOtherGroup, writeToReadSameGroup, type Lpddr5Timing, type Lpddr5Org,
} from "./lpddr5-timing.ts";
export { AddressMap, DEFAULT_MAPPING, MAPPINGS, type AddressMapOptions, type DecodedAddress, type FieldName } from "./address-map.ts";
export { Lpddr5Controller, ControllerStats, type Lpddr5ControllerOptions, type SchedulerKind, type PagePolicy, type RefreshMode } from "./lpddr5-controller.ts";
export { Lpddr5Device, DramDeviceError, type Lpddr5DeviceOptions } from "./lpddr5-device.ts";
export { Lpddr5ProtocolChecker, ProtocolViolation, RULES, type ViolationInfo, type ProtocolCheckerOptions } from "./protocol-checker.ts";
export { Lpddr5Channel, type Lpddr5ChannelOptions } from "./lpddr5-channel.ts";
export { TrafficDriver, SplitMix32, DataMismatch, type RandomSource, type Pattern, type TrafficOptions, type TrafficResult } from "./dram-traffic.ts";
export { eccEncode, eccDecode, ECC_OK, ECC_CORRECTED, ECC_UNCORRECTABLE } from "./ecc.ts";
export { SramBank, type SramBankOptions } from "./sram-bank.ts";
export { SramSlice, SliceMap, type SramSliceOptions, type SliceMapOptions, type SlicePort } from "./sram-slice.ts";
