// The final-only check: one record per window (DUPLICATE otherwise), written only once its
// window closed (EARLY when seen before the input that closes it had been produced).
import type { ExpectedWindow, OutputRow, RowDraft } from './types.ts';

const stepName = (index: number) => `step ${index}`;

export function finalOnlyDiff<V>(
  expected: ReadonlyMap<string, ExpectedWindow<V>>,
  byKey: ReadonlyMap<string, readonly OutputRow<V>[]>,
  describeStep: (index: number) => string = stepName,
): RowDraft<V>[] {
  const drafts: RowDraft<V>[] = [];
  for (const [key, written] of byKey) {
    const window = expected.get(key);
    const last = written.at(-1);
    if (written.length > 1 && last) {
      drafts.push({
        status: 'DUPLICATE',
        key,
        expected: window?.value ?? null,
        actual: written.map((r) => r.value),
        expectedValue: window?.value ?? null,
        actualValue: last.value,
        fact: `written ${written.length} times; final-only emission writes each window once`,
      });
    }
    const early = window && written.find((r) => r.record.producedThroughStep < window.closingStep);
    if (window && early) {
      const seenAt = early.record.producedThroughStep < 0 ? 'before any input was produced' : `when input up to ${describeStep(early.record.producedThroughStep)} had been produced`;
      drafts.push({
        status: 'EARLY',
        key,
        expected: window.value,
        actual: early.value,
        expectedValue: window.value,
        actualValue: early.value,
        fact: `written ${seenAt}, but the window closes only at ${describeStep(window.closingStep)}`,
      });
    }
  }
  return drafts;
}
