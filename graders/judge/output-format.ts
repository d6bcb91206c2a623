// Reads output records into the lab's rows. A record that is not in the lab's format (no value,
// not JSON, wrong fields, a key that does not match its value) becomes a BAD_FORMAT row and is
// left out of the other checks, which then report its window as missing.
import type { ObservedRecord } from '../harness/lab-definition.ts';
import type { OutputFormat, OutputRow, RowDraft } from './types.ts';

export interface ParsedOutput<V> {
  rows: OutputRow<V>[];
  bad: RowDraft<V>[];
}

const where = (r: ObservedRecord) => `partition ${r.partition} offset ${r.offset}`;

export function parseOutput<V>(records: readonly ObservedRecord[], format: OutputFormat<V>): ParsedOutput<V> {
  const rows: OutputRow<V>[] = [];
  const bad: RowDraft<V>[] = [];
  for (const record of records) {
    const problem = (fact: string, actualValue: V | null = null) =>
      bad.push({ status: 'BAD_FORMAT', key: record.key ?? '(no key)', expected: format.description, actual: record.value, expectedValue: null, actualValue, fact: `${where(record)}: ${fact}` });
    if (record.value === null) {
      problem('the record has no value (a tombstone)');
      continue;
    }
    let json: unknown;
    try {
      json = JSON.parse(record.value);
    } catch (err) {
      problem(`the value is not JSON (${err instanceof Error ? err.message : String(err)})`);
      continue;
    }
    const parsed = format.value.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const path = issue && issue.path.length > 0 ? issue.path.join('.') : 'value';
      problem(`the value does not match the output format (${path}: ${issue?.message ?? 'invalid'})`);
      continue;
    }
    const key = format.keyOf(parsed.data);
    if (record.key !== key) {
      problem(record.key === null ? `the record has no key; its value calls for key "${key}"` : `the key does not match the value, which calls for key "${key}"`, parsed.data);
      continue;
    }
    rows.push({ key, value: parsed.data, record });
  }
  return { rows, bad };
}

/** The output read as a table: the last row per key (arrival order). */
export function lastByKey<V>(rows: readonly OutputRow<V>[]): Map<string, OutputRow<V>> {
  const table = new Map<string, OutputRow<V>>();
  for (const row of rows) table.set(row.key, row);
  return table;
}
