// A minimal lab for testing the harness itself: the submission copies every data record of the
// input to the output. Small enough that a scenario takes about a second.
import { CONTROL_KEY, defineLab } from '../../graders/harness/lab-definition.ts';
import type { ProducedRecord } from '../../graders/harness/lab-definition.ts';

const BASE_TS = 1_700_000_000_000;

const records = (count: number, offset: number): ProducedRecord[] =>
  Array.from({ length: count }, (_, i) => ({
    partition: i % 2,
    timestamp: BASE_TS + (offset + i) * 1000,
    key: `k${i % 5}`,
    value: JSON.stringify({ n: offset + i, ts: BASE_TS + (offset + i) * 1000 }),
  }));

export const echoLab = defineLab({
  slug: 'echo',
  topics: {
    input: { partitions: 2, env: 'INPUT_TOPIC', role: 'input' },
    output: { partitions: 1, env: 'OUTPUT_TOPIC', role: 'output' },
  },
  scenarios: [
    {
      name: 'copy',
      description: 'every data record reaches the output once',
      steps: (seed) => [
        { kind: 'produce', records: records(10, seed % 1000) },
        { kind: 'tick', ts: BASE_TS + 60_000 },
        { kind: 'settle' },
        { kind: 'produce', records: records(10, (seed % 1000) + 10) },
        { kind: 'flush' },
      ],
    },
    {
      name: 'restart',
      description: 'the submission is stopped, restarted and joined by a second instance; nothing is lost',
      steps: (seed) => [
        { kind: 'produce', records: records(10, seed % 1000) },
        { kind: 'settle' },
        { kind: 'kill', signal: 'SIGTERM' },
        { kind: 'produce', records: records(10, (seed % 1000) + 10) },
        { kind: 'restart' },
        { kind: 'settle' },
        { kind: 'startSecondInstance' },
        { kind: 'produce', records: records(10, (seed % 1000) + 20) },
        { kind: 'flush' },
      ],
    },
  ],
  expectedCounts: (inputs) => ({ output: (inputs.input ?? []).filter((r) => r.key !== CONTROL_KEY).length }),
  judge: (observation) => {
    const expected = (observation.inputs.input ?? []).filter((r) => r.key !== CONTROL_KEY).map((r) => r.value).sort();
    const actual = (observation.outputs.output ?? []).map((r) => r.value).sort();
    const same = expected.length === actual.length && expected.every((v, i) => v === actual[i]);
    return [
      {
        name: 'output equals input',
        passed: same,
        message: same ? `${actual.length} records copied` : `expected ${expected.length} records, got ${actual.length}`,
        finding: same ? null : 'WRONG_OUTPUT',
        diff: [],
      },
    ];
  },
  starterFinding: 'WRONG_OUTPUT',
});
