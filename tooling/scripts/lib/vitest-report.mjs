// @ts-check
/** Counting tests from vitest's JSON reporter (`--reporter=json --outputFile.json=<file>`). */
import { readFileSync } from 'node:fs';

/** @typedef {{ passed: number, failed: number, skipped: number, notes: string[] }} TestCounts */

/**
 * Read vitest's JSON report into counts. Failures vitest does not count as failed tests become one
 * counted failure each, with a note: a test file that failed outside any test (an import error), a
 * run that exited non-zero without a failed test (an unhandled error, no test files, a browser
 * that did not start), and a run in which no test ran.
 * @param {string} file
 * @param {number} code vitest's exit status
 * @param {string} root paths under it are shown relative
 * @returns {TestCounts}
 */
export function readReport(file, code, root) {
  /** @type {TestCounts} */
  const counts = { passed: 0, failed: 0, skipped: 0, notes: [] };
  /** @type {any} */
  let report;
  try {
    report = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    report = undefined;
  }
  if (report !== undefined) {
    counts.passed = Number(report.numPassedTests ?? 0);
    counts.failed = Number(report.numFailedTests ?? 0);
    counts.skipped = Number(report.numPendingTests ?? 0) + Number(report.numTodoTests ?? 0);
    for (const suite of report.testResults ?? []) {
      const failedTests = (suite.assertionResults ?? []).filter((/** @type {any} */ a) => a.status === 'failed');
      if (suite.status === 'failed' && failedTests.length === 0) {
        counts.failed += 1;
        const where = String(suite.name ?? '?').replace(`${root}/`, '').replace(root, '');
        const why = String(suite.message ?? '').split('\n')[0] ?? '';
        counts.notes.push(`test file failed outside any test (counted as 1 failure): ${where}${why ? ` — ${why}` : ''}`);
      }
    }
  }
  if (code === 0 && counts.passed === 0 && counts.failed === 0) {
    counts.failed = 1;
    counts.notes.push('no test ran in this vitest run (counted as 1 failure)');
  } else if (code !== 0 && counts.failed === 0) {
    counts.failed = 1;
    counts.notes.push(
      report === undefined
        ? `vitest exited ${code} without a report (counted as 1 failure)`
        : `vitest exited ${code} with no failed test: an unhandled error or no test files (counted as 1 failure)`,
    );
  }
  return counts;
}
