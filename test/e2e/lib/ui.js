// The tiny test API of the UI suites. A file test/e2e/ui/NAME.test.js registers its tests with
// `test(name, async (wb) => { ... })`; the runner (test/e2e/run.js) gives every file a fresh
// workbench page and runs its tests in order, on that page, each with a time limit. A test fails by
// throwing (use node:assert/strict); the runner then saves a screenshot and goes on.
'use strict';

const registered = [];

/**
 * @param {string} name
 * @param {(wb: import('./workbench').Workbench) => Promise<void>} fn
 * @param {{ timeout?: number }} [opts] milliseconds, default 90 s
 */
function test(name, fn, opts = {}) {
  registered.push({ name, fn, timeout: opts.timeout ?? 90000 });
}

/** Hands the tests registered so far to the runner and forgets them. */
function takeRegistered() {
  return registered.splice(0, registered.length);
}

module.exports = { test, takeRegistered };
