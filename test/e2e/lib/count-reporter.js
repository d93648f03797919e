// A mocha reporter for npm test: mocha's spec output, then one line
// `SUITE-RESULT <suite> <passed> <failed>` that scripts/test.sh adds to the final count.
// Use: mocha --reporter test/e2e/lib/count-reporter.js --reporter-option suite=unit
'use strict';
const Mocha = require('mocha');

const { EVENT_RUN_END } = Mocha.Runner.constants;

class CountReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const suite = (options && options.reporterOptions && options.reporterOptions.suite) || 'mocha';
    runner.once(EVENT_RUN_END, () => {
      // Spec prints its epilogue on the same event; print after it.
      setImmediate(() => {
        const s = runner.stats || { passes: 0, failures: 0 };
        console.log(`SUITE-RESULT ${suite} ${s.passes} ${s.failures}`);
      });
    });
  }
}

module.exports = CountReporter;
