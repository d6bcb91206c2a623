// The late checks: no late event counted in a window (LATE_COUNTED), and every late event copied
// to the late topic unchanged and once (LATE_LOST, DUPLICATE), with nothing else there (UNEXPECTED).
import { groupBy } from './group-by.ts';
import type { ExpectedWindow, LateInput, OutputRow, RowDraft } from './types.ts';

export function lateCountedDiff<V>(
  expected: ReadonlyMap<string, ExpectedWindow<V>>,
  rowsByKey: ReadonlyMap<string, readonly OutputRow<V>[]>,
  late: LateInput<V>,
): RowDraft<V>[] {
  const byWindow = groupBy(late.events, (event) => event.windowKey);
  const drafts: RowDraft<V>[] = [];
  for (const [key, events] of byWindow) {
    const written = (rowsByKey.get(key) ?? []).map((row) => row.value);
    const window = expected.get(key)?.value ?? null;
    const last = written.at(-1);
    if (last === undefined || !late.countsLate(window, written, events.length)) continue;
    drafts.push({
      status: 'LATE_COUNTED',
      key,
      expected: window,
      actual: written.length === 1 ? last : written,
      expectedValue: window,
      actualValue: last,
      fact: `${events.length === 1 ? 'the late event' : `some of the ${events.length} late events`} of this window ${events.length === 1 ? 'was' : 'were'} counted after it closed`,
    });
  }
  return drafts;
}

const NO_VALUE = '\u0000tombstone';

const lateCause = {
  duplicate: 'the late event was copied more than once (a retried send without the idempotent producer, or input read again)',
  onTime: 'an on-time event was treated as late: a window closes only when stream time reaches its end plus grace',
  control: 'a control record (key __ctl__) was routed as data; skip control records',
  malformed: 'a malformed input record was routed as a late event; skip malformed records',
  unknown: 'not an unchanged copy of any input record; copy the value bytes exactly as they were read',
};

export function lateTopicDiff<V>(late: LateInput<V>): RowDraft<V>[] {
  // A tombstone is grouped apart from an empty value; neither is any event's value.
  const copies = groupBy(late.output, (record) => record.value ?? NO_VALUE);
  const drafts: RowDraft<V>[] = [];
  const row = (draft: Omit<RowDraft<V>, 'expectedValue' | 'actualValue'>): RowDraft<V> => ({ ...draft, expectedValue: null, actualValue: null });
  const lateValues = new Set<string>();
  for (const event of late.events) {
    lateValues.add(event.value);
    const found = copies.get(event.value) ?? [];
    if (found.length === 0) {
      drafts.push(row({ status: 'LATE_LOST', key: event.windowKey, expected: event.value, actual: null, fact: 'this late event is not on the late topic', events: [event.event] }));
    } else if (found.length > 1) {
      drafts.push(
        row({ status: 'DUPLICATE', key: event.windowKey, expected: event.value, actual: found.map((r) => r.value), fact: `copied to the late topic ${found.length} times`, cause: lateCause.duplicate, events: [event.event] }),
      );
    }
  }
  for (const [value, records] of copies) {
    if (lateValues.has(value)) continue;
    const input = late.findInput(value);
    const first = records[0];
    const classification = input?.event.classification;
    const cause =
      classification === 'on-time' ? lateCause.onTime : classification === 'control' ? lateCause.control : classification === 'malformed' ? lateCause.malformed : lateCause.unknown;
    drafts.push(
      row({
        status: 'UNEXPECTED',
        key: input?.windowKey ?? first?.key ?? '(no key)',
        expected: null,
        actual: records.length === 1 ? (first?.value ?? null) : records.map((r) => r.value),
        fact: `on the late topic${records.length > 1 ? ` ${records.length} times` : ''}, but it is not a late event${input ? ` (the input record was ${classification})` : ''}`,
        cause,
        events: input ? [input.event] : [],
      }),
    );
  }
  return drafts;
}
