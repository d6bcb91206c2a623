// results.json: the grade report checked against its schema (graders/harness/RESULTS.md) and
// written with the schema's key order, so the same report always gives the same text.
import { gradeReport } from '../harness/report-schema.ts';
import type { GradeReport } from '../harness/report-schema.ts';

export function renderJson(report: GradeReport): string {
  const parsed = gradeReport.safeParse(report);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`the grade report does not match its schema (a grader bug):\n  ${issues.join('\n  ')}`);
  }
  // zod rebuilds every schema object in schema order; the free-form expected/actual values of diff
  // rows get their keys sorted instead.
  for (const row of parsed.data.scenarios.flatMap((s) => s.checks.flatMap((c) => c.diff))) {
    row.expected = sortedKeys(row.expected);
    row.actual = sortedKeys(row.actual);
  }
  return `${JSON.stringify(parsed.data, null, 2)}\n`;
}

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => [k, sortedKeys(v)]),
  );
}
