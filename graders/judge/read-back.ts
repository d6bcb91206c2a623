// The input a run of these steps leaves on the grader-written topics, as the runner reads it back
// (offsets in produce order, each record labelled with its step), without a broker: for unit
// tests of reference models and of scenarios' determinism.
import type { InputRecord, Step } from '../harness/lab-definition.ts';
import { recordsOfStep } from '../harness/scenario-plan.ts';

/** `inputTopics`: partitions per grader-written topic, by logical name. */
export function simulateReadBack(steps: Step[], inputTopics: Record<string, number>): Record<string, InputRecord[]> {
  const readBack: Record<string, InputRecord[]> = {};
  const nextOffset = new Map<string, number>();
  steps.forEach((step, index) => {
    for (const [topic, records] of Object.entries(recordsOfStep(step, steps.slice(0, index), inputTopics))) {
      for (const r of records) {
        const slot = `${topic}/${r.partition}`;
        const offset = nextOffset.get(slot) ?? 0;
        nextOffset.set(slot, offset + 1);
        (readBack[topic] ??= []).push({ topic, partition: r.partition, offset: String(offset), key: r.key, value: r.value, timestamp: r.timestamp, step: index });
      }
    }
  });
  return readBack;
}
