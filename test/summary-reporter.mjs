// Mocha's dot reporter plus the plain closing line "N passed, N failed" that CI systems read.
import Mocha from "mocha";

const { Dot } = Mocha.reporters;

export default class DotWithSummary extends Dot {
  constructor(runner, options) {
    super(runner, options);
    runner.once("end", () => {
      console.log(`${this.stats.passes} passed, ${this.stats.failures} failed`);
    });
  }
}
