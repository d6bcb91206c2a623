import { describe, expect, it } from 'vitest';
import { DEFAULT_SEED, replayCommand, scenarioSeed } from './grade.ts';

describe('scenarioSeed', () => {
  it('is a stable non-negative 31-bit function of the run seed and the scenario name', () => {
    expect(scenarioSeed(DEFAULT_SEED, 'in-order')).toBe(scenarioSeed(1, 'in-order'));
    expect(scenarioSeed(1, 'in-order')).not.toBe(scenarioSeed(2, 'in-order'));
    expect(scenarioSeed(1, 'in-order')).not.toBe(scenarioSeed(1, 'late-events'));
    for (const seed of [0, 1, 2 ** 40]) {
      const s = scenarioSeed(seed, 'x');
      expect(Number.isInteger(s) && s >= 0 && s < 2 ** 31).toBe(true);
    }
  });
});

describe('replayCommand', () => {
  it('is one line that reruns the grade, quoting what the shell would split', () => {
    expect(replayCommand('clickstream', 'labs/clickstream/solution/ts', 7, undefined, 'late-events')).toBe(
      'npx streamlab grade clickstream --submission labs/clickstream/solution/ts --seed 7 --scenario late-events',
    );
    expect(replayCommand('clickstream', 'my dir', 1, "python3 app.py --name 'x'")).toBe(
      `npx streamlab grade clickstream --submission 'my dir' --seed 1 --cmd 'python3 app.py --name '\\''x'\\'''`,
    );
  });
});
