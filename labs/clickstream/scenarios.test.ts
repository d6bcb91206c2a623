import { describe, expect, it } from 'vitest';
import type { Step } from '../../graders/harness/lab-definition.ts';
import { simulateReadBack } from '../../graders/judge/read-back.ts';
import lab from './grader.ts';
import { closeTimeOf, findAmbiguities, GRACE_MS, runModel, WINDOW_MS, windowStartOf } from './model.ts';
import type { ClickstreamModel, ModelRecord } from './model.ts';
import { INPUT_PARTITIONS } from './scenarios.ts';

const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);

function scenarioNamed(name: string) {
  const scenario = lab.scenarios.find((s) => s.name === name);
  if (!scenario) throw new Error(`no scenario ${name}`);
  return scenario;
}

function run(name: string, seed: number, steps = scenarioNamed(name).steps(seed)) {
  const inputs = simulateReadBack(steps, { input: INPUT_PARTITIONS }).input ?? [];
  const model = runModel(inputs);
  return { steps, model, ambiguities: findAmbiguities(model, steps) };
}

const clicks = (model: ClickstreamModel) => model.records.filter((r) => r.parsed.kind === 'click');
const tsOf = (r: ModelRecord) => (r.parsed.kind === 'click' ? r.parsed.click.ts : Number.NaN);
const closeOf = (r: ModelRecord) => closeTimeOf(windowStartOf(tsOf(r)));

describe('clickstream scenarios', () => {
  it('has the scenarios of the lab, with unique names', () => {
    const names = lab.scenarios.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(['in-order', 'out-of-order', 'late-events', 'three-partitions', 'idle-partition', 'malformed-input', 'shifted-to-2040', 'wall-clock-pause', 'high-volume']);
  });

  // The same seed gives the same steps; every seed gives a script whose every click is classified
  // the same way under any partition interleaving, ending in the flush.
  for (const scenario of lab.scenarios) {
    it(`${scenario.name}: another seed, other steps`, () => {
      expect(JSON.stringify(scenario.steps(2))).not.toBe(JSON.stringify(scenario.steps(1)));
    });
    it.each(SEEDS)(`${scenario.name}, seed %i: deterministic and unambiguous`, (seed) => {
      const steps = scenario.steps(seed);
      expect(JSON.stringify(scenario.steps(seed))).toBe(JSON.stringify(steps));
      const { model, ambiguities } = run(scenario.name, seed, steps);
      expect(ambiguities).toEqual([]);
      expect(steps.at(-1)).toEqual({ kind: 'flush' });
      expect(model.windows.size).toBeGreaterThan(0);
    });
  }
});

describe('clickstream scenarios test what they say', () => {
  const everySeed = (name: string, claim: (model: ClickstreamModel, steps: Step[]) => void) => {
    for (const seed of SEEDS) {
      const { model, steps } = run(name, seed);
      claim(model, steps);
    }
  };

  it('in-order: clicks on the last millisecond of a window and the first of the next, same url', () => {
    everySeed('in-order', (model) => {
      const all = clicks(model);
      const boundary = all.filter((r) => tsOf(r) % WINDOW_MS === 0 && all.some((o) => tsOf(o) === tsOf(r) - 1 && o.parsed.kind === 'click' && r.parsed.kind === 'click' && o.parsed.click.url === r.parsed.click.url));
      expect(boundary.length).toBeGreaterThan(0);
      expect(model.late).toEqual([]);
    });
  });

  it('out-of-order: clicks arrive after their window ended, within grace, one of them 1 ms before the close', () => {
    everySeed('out-of-order', (model) => {
      expect(model.late).toEqual([]);
      const inGrace = clicks(model).filter((r) => (r.streamTimeAtArrival ?? 0) >= closeOf(r) - GRACE_MS);
      expect(inGrace.length).toBeGreaterThanOrEqual(2);
      expect(clicks(model).some((r) => r.streamTimeAtArrival === closeOf(r) - 1)).toBe(true);
    });
  });

  for (const name of ['late-events', 'shifted-to-2040']) {
    it(`${name}: late clicks at exactly the close and long after, one window with only late clicks, one on time by 1 ms`, () => {
      everySeed(name, (model) => {
        expect(model.late.length).toBeGreaterThanOrEqual(4);
        expect(model.late.filter((r) => r.streamTimeAtArrival === closeOf(r)).length).toBeGreaterThanOrEqual(2);
        expect(model.late.some((r) => (r.streamTimeAtArrival ?? 0) >= closeOf(r) + WINDOW_MS)).toBe(true);
        expect(model.late.some((r) => r.parsed.kind === 'click' && !model.windows.has(`${r.parsed.click.url}|${windowStartOf(tsOf(r))}`))).toBe(true);
        expect(clicks(model).some((r) => r.classification === 'on-time' && r.streamTimeAtArrival === closeOf(r) - 1)).toBe(true);
        const year = new Date(tsOf(clicks(model)[0] as ModelRecord)).getUTCFullYear();
        expect(name === 'shifted-to-2040' ? year >= 2040 : year < 2003).toBe(true);
      });
    });
  }

  it('three-partitions: windows counted across partitions, and a click late only by global stream time', () => {
    everySeed('three-partitions', (model) => {
      const spread = [...model.windows.values()].filter((w) => new Set(w.events.map((e) => e.record.partition)).size === INPUT_PARTITIONS);
      expect(spread.length).toBeGreaterThan(0);
      expect(model.late).toHaveLength(1);
      const [late] = model.late as [ModelRecord];
      const ownNewest = Math.max(...clicks(model).filter((r) => r.record.partition === late.record.partition && r !== late).map(tsOf));
      expect(ownNewest).toBeLessThan(closeOf(late)); // a per-partition stream time would count it
    });
  });

  it('idle-partition: partition 2 holds only control records, and a late click shows the global stream time', () => {
    everySeed('idle-partition', (model) => {
      expect(model.records.filter((r) => r.record.partition === 2).every((r) => r.classification === 'control')).toBe(true);
      expect(model.late).toHaveLength(1);
      const newestOnPartition1 = Math.max(...clicks(model).filter((r) => r.record.partition === 1).map(tsOf));
      expect(newestOnPartition1).toBeLessThan(closeOf(model.late[0] as ModelRecord)); // a min over partitions would count it
    });
  });

  it('malformed-input: nine kinds of malformed record among the clicks', () => {
    everySeed('malformed-input', (model) => {
      expect(model.records.filter((r) => r.classification === 'malformed')).toHaveLength(9);
      expect(model.records[0]?.classification).toBe('on-time');
      expect(model.late).toEqual([]);
    });
  });

  it('wall-clock-pause: open windows, a settle, a 3 s pause, then the tick that closes them', () => {
    everySeed('wall-clock-pause', (model, steps) => {
      const pause = steps.findIndex((s) => s.kind === 'pause');
      const tick = steps.findIndex((s) => s.kind === 'tick');
      expect(steps[pause - 1]).toEqual({ kind: 'settle' });
      expect(steps[pause]).toEqual({ kind: 'pause', ms: 3000 });
      expect(tick).toBe(pause + 1);
      expect([...model.windows.values()].every((w) => w.closingStep === tick)).toBe(true);
      // Stream time passed a window end before the pause: windows that close at end without grace are caught too.
      expect(clicks(model).some((r) => tsOf(r) >= windowStartOf(tsOf(clicks(model)[0] as ModelRecord)) + WINDOW_MS)).toBe(true);
    });
  });

  it('high-volume: at least 100,000 clicks, none late', () => {
    const { model } = run('high-volume', 1);
    expect(clicks(model).length).toBeGreaterThanOrEqual(100_000);
    expect(model.late).toEqual([]);
  });
});
