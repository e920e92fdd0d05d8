/** Errors the kernel reports to users: one line each, naming the signal or module. */

/** A design that cannot be elaborated; `problems` holds every problem found, one line each. */
export class ElaborationError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      problems.length === 1
        ? `elaboration failed: ${problems[0]}`
        : `elaboration failed with ${problems.length} problems:\n  ${problems.join("\n  ")}`,
    );
    this.name = "ElaborationError";
  }
}

/** Misuse of a signal or module while declaring a design (bad name, bad width, ...). */
export class DesignError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DesignError";
  }
}

/** A simulation that could not go on: cycle limit reached, bad poke, unknown signal. */
export class SimulationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SimulationError";
  }
}
