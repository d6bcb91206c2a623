// The table check: the last value per key against the reference model's windows.
import { isDeepStrictEqual } from 'node:util';
import type { ExpectedWindow, OutputRow, RowDraft } from './types.ts';

/** "count 4 (expected 3)" for plain objects, the whole values otherwise. */
function describeDifference(expected: unknown, actual: unknown): string {
  const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isRecord(expected) || !isRecord(actual)) return `${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`;
  const fields = Object.keys(expected).filter((field) => !isDeepStrictEqual(expected[field], actual[field]));
  return fields.map((field) => `${field} ${JSON.stringify(actual[field])} (expected ${JSON.stringify(expected[field])})`).join(', ');
}

export function tableDiff<V>(expected: ReadonlyMap<string, ExpectedWindow<V>>, table: ReadonlyMap<string, OutputRow<V>>): RowDraft<V>[] {
  const rows: RowDraft<V>[] = [];
  for (const [key, window] of expected) {
    const actual = table.get(key);
    if (!actual) {
      rows.push({ status: 'MISSING', key, expected: window.value, actual: null, expectedValue: window.value, actualValue: null, fact: 'never written' });
    } else if (!isDeepStrictEqual(actual.value, window.value)) {
      rows.push({
        status: 'WRONG_VALUE',
        key,
        expected: window.value,
        actual: actual.value,
        expectedValue: window.value,
        actualValue: actual.value,
        fact: describeDifference(window.value, actual.value),
      });
    }
  }
  for (const [key, actual] of table) {
    if (expected.has(key)) continue;
    rows.push({
      status: 'UNEXPECTED',
      key,
      expected: null,
      actual: actual.value,
      expectedValue: null,
      actualValue: actual.value,
      fact: 'written, but the reference model has no such window',
    });
  }
  return rows;
}
