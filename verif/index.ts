/** The verification framework's public API (see docs/verification.md). */
export { Rng, WeightedTable, hashString } from "./random/rng.ts";
export { randClass, RandClass, RandClassBuilder, UnsatisfiableError, type DistItem, type VarSpec, type Values } from "./random/constraints.ts";
export { bins, type BinLike, type BinSpec, type Range } from "./coverage/bins.ts";
export { Coverpoint, IllegalBinError, type CoverpointOptions } from "./coverage/coverpoint.ts";
export { Cross, type CrossOptions, type CrossMatcher } from "./coverage/cross.ts";
export { Covergroup, Coverage, type CovergroupOptions, type CoverageSource, type CycleSource } from "./coverage/covergroup.ts";
export { Stimulus, Chooser, type BinRef, type ChoiceOption } from "./coverage/driven.ts";
export { emptyDb, mergeDbs, mergeInto, parseDb, serializeDb, totalScore, groupScore, itemScore, CoverageMergeError, type CoverageDb, type GroupDb, type ItemDb } from "./coverage/db.ts";
export { textReport, writeHtmlReport } from "./coverage/report.ts";
export { ToggleCoverage } from "./coverage/toggle.ts";
export { FsmCoverage } from "./coverage/fsm.ts";
export { Assertions, AssertionFailure, check } from "./assert/assertions.ts";
export { Bench, StreamDriver, StreamSink, StreamMonitor, Scoreboard, ScoreboardError, type Clocked, type StreamPorts } from "./stream.ts";
export { attach, type AttachOptions } from "./hw.ts";
export { defineSuite, type Suite, type TestDef, type TestContext } from "./runner/suite.ts";
export { runTest, type SeedResult } from "./runner/run-test.ts";
export { regress, type RegressOptions, type RegressReport } from "./runner/regress.ts";
