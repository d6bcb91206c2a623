// The generic judge of windowed labs (clickstream, sessionization, fraud): from the output topics
// and the reference model's expectations to the checks of one scenario. Every check counts toward
// the verdict; each names its finding and shows a bounded diff with the input events behind it.
import type { CheckResult } from '../harness/report-schema.ts';
import { makeCheck, plural } from './check.ts';
import type { CheckSpec } from './check.ts';
import { finalOnlyDiff } from './final-only.ts';
import { groupBy } from './group-by.ts';
import { lateCountedDiff, lateTopicDiff } from './late-events.ts';
import { lastByKey, parseOutput } from './output-format.ts';
import { tableDiff } from './table-diff.ts';
import type { RowDraft, WindowedJudgeInput } from './types.ts';

/** Check names, stable: reports, tests and check-labs refer to them. */
export const checkNames = {
  format: 'output format',
  table: 'window table',
  finalOnly: 'final-only emission',
  lateNotCounted: 'late events not counted',
  lateTopic: 'late events copied',
} as const;

export function judgeWindowed<V>(input: WindowedJudgeInput<V>): CheckResult[] {
  const { rows, bad } = parseOutput(input.output, input.format);
  const table = lastByKey(rows);
  const rowsByKey = groupBy(rows, (row) => row.key);
  const windows = input.expected.size;
  const spec = (name: string, passMessage: string, failSummary: string, priority: CheckSpec<V>['priority']): CheckSpec<V> => ({
    name,
    passMessage,
    failSummary,
    priority,
    eventsFor: (row: RowDraft<V>) => input.eventsFor(row.key, row.expectedValue ?? row.actualValue),
    ...(input.explain ? { explain: input.explain } : {}),
  });

  const checks = [
    makeCheck(
      spec(
        checkNames.format,
        input.output.length === 0 ? 'no output records to check' : `all ${plural(input.output.length, 'output record')} are in the lab's format`,
        `${bad.length} of ${plural(input.output.length, 'output record')} are not in the lab's format (${input.format.description}) and are left out of the other checks`,
        ['BAD_FORMAT'],
      ),
      bad,
    ),
    makeCheck(
      spec(
        checkNames.table,
        `all ${plural(windows, 'window')} match the reference model (last record per key)`,
        `the output, read as a table (last record per key), differs from the reference model's ${plural(windows, 'window')}`,
        ['WRONG_VALUE', 'MISSING', 'UNEXPECTED'],
      ),
      tableDiff(input.expected, table),
    ),
    makeCheck(
      spec(
        checkNames.finalOnly,
        'one record per window, each written after its window closed',
        'each window must be written once, when it closes',
        ['DUPLICATE', 'EARLY'],
      ),
      finalOnlyDiff(input.expected, rowsByKey, input.describeStep),
    ),
  ];
  const { late } = input;
  if (!late) return checks;
  const lateCount = late.events.length;
  checks.push(
    makeCheck(
      spec(
        checkNames.lateNotCounted,
        lateCount === 0 ? 'no late events in this scenario' : lateCount === 1 ? 'the late event was not counted' : `none of the ${lateCount} late events was counted`,
        'late events were counted in windows that had already closed',
        ['LATE_COUNTED'],
      ),
      lateCountedDiff(input.expected, rowsByKey, late),
    ),
    makeCheck(
      spec(
        checkNames.lateTopic,
        lateCount === 0
          ? 'no late events in this scenario, and the late topic is empty'
          : lateCount === 1
            ? 'the late event was copied unchanged to the late topic, once'
            : `all ${lateCount} late events were copied unchanged to the late topic, once each`,
        `the late topic should hold each of the ${plural(lateCount, 'late event')} once, unchanged, and nothing else`,
        ['LATE_LOST', 'DUPLICATE', 'UNEXPECTED'],
      ),
      lateTopicDiff(late),
    ),
  );
  return checks;
}
