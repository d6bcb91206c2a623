// The clickstream lab (DESIGN.md §7): its topics, its scenarios (scenarios.ts), and the judge,
// which runs the reference model (model.ts) over the input read back and hands the generic
// windowed judge what a correct submission writes.
import { defineLab } from '../../graders/harness/lab-definition.ts';
import type { InputRecord, Observation, Step } from '../../graders/harness/lab-definition.ts';
import type { CheckResult } from '../../graders/harness/report-schema.ts';
import type { InputByValue, OutputFormat } from '../../graders/judge/types.ts';
import { judgeWindowed } from '../../graders/judge/windowed.ts';
import { clicksBehind, explainRow } from './feedback.ts';
import { findAmbiguities, provenanceOf, runModel, windowCount, windowKey, windowStartOf } from './model.ts';
import type { ClickstreamModel, ModelRecord, WindowCount } from './model.ts';
import { INPUT_PARTITIONS, scenarios } from './scenarios.ts';

const outputFormat: OutputFormat<WindowCount> = {
  description: 'key "<url>|<window_start>", value {"url","window_start","window_end","count"}',
  value: windowCount,
  keyOf: (value) => windowKey(value.url, value.window_start),
};

/** Some of a window's `lateEvents` late clicks counted: on top of its final count, or in a smaller
 *  count written after the final one (the window reopened for them). */
function countsLate(expected: WindowCount | null, written: readonly WindowCount[], lateEvents: number): boolean {
  const final = expected?.count ?? 0;
  const explained = (count: number, base: number) => count - base >= 1 && count - base <= lateEvents;
  let finalSeen = false;
  for (const { count } of written) {
    if (explained(count, final) || (finalSeen && count < final && explained(count, 0))) return true;
    if (count === final) finalSeen = true;
  }
  return false;
}

function describeStep(steps: readonly Step[], index: number): string {
  const step = steps[index];
  if (!step) return `step ${index}`;
  const what =
    step.kind === 'produce' ? `produce ${step.records.length} record${step.records.length === 1 ? '' : 's'}` : step.kind === 'tick' ? `tick to ts ${step.ts}` : step.kind;
  return `step ${index} (${what})`;
}

// The runner asks for the expected counts and then for the judgement of the same read-back input;
// the model of the high-volume scenario is worth computing once.
const models = new WeakMap<readonly InputRecord[], ClickstreamModel>();
function modelOf(inputs: readonly InputRecord[]): ClickstreamModel {
  const model = models.get(inputs) ?? runModel(inputs);
  models.set(inputs, model);
  return model;
}

/** Output key of the window a click belongs to; null for control and malformed records. */
const windowKeyOf = (r: ModelRecord): string | null => (r.parsed.kind === 'click' ? windowKey(r.parsed.click.url, windowStartOf(r.parsed.click.ts)) : null);

/** Finds input records by value, indexing them on first use (only a non-empty late topic asks). */
function inputFinder(model: ClickstreamModel): (value: string) => InputByValue | undefined {
  let byValue: Map<string, InputByValue> | undefined;
  return (value) => {
    byValue ??= new Map(
      model.records.flatMap((r) =>
        r.record.value === null
          ? []
          : [[r.record.value, { event: provenanceOf(r), windowKey: windowKeyOf(r) }] as const],
      ),
    );
    return byValue.get(value);
  };
}

function judge(observation: Observation): CheckResult[] {
  const model = modelOf(observation.inputs.input ?? []);
  const ambiguities = findAmbiguities(model, observation.steps);
  const [first] = ambiguities;
  if (first) {
    // A scenario bug, not the submission's: grading it could flake, so refuse (an `error` verdict).
    throw new Error(
      `scenario '${observation.scenario}' is not deterministic: partition ${first.record.partition} offset ${first.record.offset} (step ${first.record.step}) is ${first.reason}` +
        (ambiguities.length > 1 ? ` (and ${ambiguities.length - 1} more)` : ''),
    );
  }
  return judgeWindowed({
    format: outputFormat,
    output: observation.outputs.output ?? [],
    expected: model.windows,
    eventsFor: clicksBehind(model),
    explain: explainRow,
    describeStep: (index) => describeStep(observation.steps, index),
    late: {
      output: observation.outputs.late ?? [],
      events: model.late.flatMap((r) => {
        const key = windowKeyOf(r);
        return key !== null && r.record.value !== null ? [{ value: r.record.value, windowKey: key, event: provenanceOf(r) }] : [];
      }),
      findInput: inputFinder(model),
      countsLate,
    },
  });
}

export default defineLab({
  slug: 'clickstream',
  topics: {
    input: { partitions: INPUT_PARTITIONS, env: 'INPUT_TOPIC', role: 'input' },
    // One partition each: arrival order is then write order, so "last record per key" is exact.
    output: { partitions: 1, env: 'OUTPUT_TOPIC', role: 'output' },
    late: { partitions: 1, env: 'LATE_TOPIC', role: 'output' },
  },
  scenarios,
  expectedCounts(inputs) {
    const model = modelOf(inputs.input ?? []);
    return { output: model.windows.size, late: model.late.length };
  },
  judge,
  // The starter writes an updated count on every click (its TODO step 3).
  starterFinding: 'DUPLICATE',
});
