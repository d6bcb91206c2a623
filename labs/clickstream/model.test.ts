import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { describe, expect, it } from 'vitest';
import { CONTROL_KEY } from '../../graders/harness/lab-definition.ts';
import type { InputRecord, Step } from '../../graders/harness/lab-definition.ts';
import { findAmbiguities, GRACE_MS, provenanceOf, runModel, WINDOW_MS } from './model.ts';

const W = WINDOW_MS;
const T = Date.UTC(2001, 0, 1); // a window start
const FAR = T + 1000 * W;

/** Input records built by hand: offsets per partition in the order they are added. */
function input() {
  const list: InputRecord[] = [];
  const next = new Map<number, number>();
  const add = (step: number, partition: number, key: string | null, value: string | null, timestamp: number) => {
    const offset = next.get(partition) ?? 0;
    next.set(partition, offset + 1);
    list.push({ topic: 'input', partition, offset: String(offset), key, value, timestamp, step });
    return self;
  };
  const self = {
    list,
    click: (step: number, url: string, ts: number, partition = 0) =>
      add(step, partition, 'u-1', JSON.stringify({ event_id: `e-${list.length}`, user_id: 'u-1', url, ts }), ts),
    control: (step: number, type: 'tick' | 'flush', ts: number, partition = 0) => add(step, partition, CONTROL_KEY, JSON.stringify({ type, ts }), ts),
    raw: (step: number, key: string | null, value: string | null, timestamp: number, partition = 0) => add(step, partition, key, value, timestamp),
  };
  return self;
}

/** A step list where the given indices are settles (the model only looks at settles). */
const stepsWithSettles = (length: number, settles: number[]): Step[] =>
  Array.from({ length }, (_, i): Step => (settles.includes(i) ? { kind: 'settle' } : { kind: 'produce', records: [] }));

const counts = (model: ReturnType<typeof runModel>) => Object.fromEntries([...model.windows].map(([key, w]) => [key, w.value.count]));

describe('clickstream model', () => {
  it('counts clicks per url in epoch-aligned [start, end) windows', () => {
    const { list } = input().click(0, '/a', T).click(0, '/a', T + W - 1).click(0, '/a', T + W).click(0, '/b', T + 5).control(1, 'flush', FAR);
    const model = runModel(list);
    expect(counts(model)).toEqual({ [`/a|${T}`]: 2, [`/a|${T + W}`]: 1, [`/b|${T}`]: 1 });
    expect(model.windows.get(`/a|${T}`)?.value).toEqual({ url: '/a', window_start: T, window_end: T + W, count: 2 });
    expect(model.late).toEqual([]);
  });

  it('counts a click that arrives 1 ms before its window closes, and sends one at the close to the late list', () => {
    const { list } = input()
      .click(0, '/a', T + 10)
      .click(0, '/b', T + W + GRACE_MS - 1)
      .click(0, '/a', T + 20)
      .click(0, '/b', T + W + GRACE_MS)
      .click(0, '/a', T + 30)
      .control(1, 'flush', FAR);
    const model = runModel(list);
    expect(counts(model)[`/a|${T}`]).toBe(2);
    expect(model.late).toHaveLength(1);
    const [late] = model.late;
    expect(late?.record.offset).toBe('4');
    expect(late?.streamTimeAtArrival).toBe(T + W + GRACE_MS);
    expect(model.records[2]?.classification).toBe('on-time');
    expect(model.records[2]?.streamTimeAtArrival).toBe(T + W + GRACE_MS - 1);
  });

  it('expects no window for a url and window that only late clicks fall in', () => {
    const { list } = input().click(0, '/a', T).click(0, '/a', T + 5 * W).click(0, '/late-only', T + 1).control(1, 'flush', FAR);
    const model = runModel(list);
    expect(model.windows.has(`/late-only|${T}`)).toBe(false);
    expect(model.late.map((r) => r.record.offset)).toEqual(['2']);
  });

  it('moves stream time with control records and never counts them', () => {
    const { list } = input().click(0, '/a', T).control(1, 'tick', T + W + GRACE_MS).click(2, '/a', T + 1).raw(3, CONTROL_KEY, 'not a control', T + 9 * W).click(4, '/a', T + 2 * W).control(5, 'flush', FAR);
    const model = runModel(list);
    expect(model.records.map((r) => r.classification)).toEqual(['on-time', 'control', 'late', 'malformed', 'on-time', 'control']);
    expect(counts(model)).toEqual({ [`/a|${T}`]: 1, [`/a|${T + 2 * W}`]: 1 });
    // The malformed control record did not move stream time.
    expect(model.records[4]?.streamTimeAtArrival).toBe(T + W + GRACE_MS);
  });

  it('skips malformed records without moving stream time', () => {
    const values = ['not JSON', '', null, 'null', '42', '["/a",1]', '{"event_id":"e-1","user_id":"u-1","ts":1}', '{"event_id":"e-1","user_id":"u-1","url":"/a","ts":"yesterday"}'];
    const b = input().click(0, '/a', T + W);
    for (const value of values) b.raw(0, 'u-1', value, T + W);
    const model = runModel(b.click(0, '/a', T + 1).control(1, 'flush', FAR).list);
    expect(model.records.filter((r) => r.classification === 'malformed')).toHaveLength(values.length);
    expect(counts(model)).toEqual({ [`/a|${T}`]: 1, [`/a|${T + W}`]: 1 });
    expect(findAmbiguities(model)).toEqual([]);
  });

  it('counts one url and window across partitions', () => {
    const { list } = input().click(0, '/a', T, 0).click(0, '/a', T + 1, 1).click(0, '/a', T + 2, 2).click(1, '/a', T + 3, 1).control(3, 'flush', FAR, 0).control(3, 'flush', FAR, 1).control(3, 'flush', FAR, 2);
    const model = runModel(list);
    expect(counts(model)).toEqual({ [`/a|${T}`]: 4 });
    expect(findAmbiguities(model, stepsWithSettles(4, [2]))).toEqual([]);
  });

  it('names the step whose input closes each window, and expects only windows that close', () => {
    const { list } = input().click(0, '/a', T).click(1, '/a', T + W + 10).control(2, 'tick', T + W + GRACE_MS + 5);
    const model = runModel(list);
    expect(model.windows.get(`/a|${T}`)?.closingStep).toBe(2);
    expect(model.windows.has(`/a|${T + W}`)).toBe(false);
  });

  it('gives each input record its provenance', () => {
    const { list } = input().click(0, '/a', T).raw(0, 'u-1', '{"event_id":"e-bad"}', T).control(1, 'tick', T + 9 * W).click(2, '/a', T + 1);
    const model = runModel(list);
    expect(model.records.map(provenanceOf)).toEqual([
      { eventId: 'e-0', partition: 0, offset: '0', ts: T, streamTimeAtArrival: null, classification: 'on-time' },
      { eventId: 'e-bad', partition: 0, offset: '1', ts: null, streamTimeAtArrival: T, classification: 'malformed' },
      { eventId: null, partition: 0, offset: '2', ts: T + 9 * W, streamTimeAtArrival: T, classification: 'control' },
      { eventId: 'e-3', partition: 0, offset: '3', ts: T + 1, streamTimeAtArrival: T + 9 * W, classification: 'late' },
    ]);
  });
});

describe('clickstream model: interleaving guard', () => {
  const closingOfT = T + W + GRACE_MS;

  it('flags a click that a record on another partition in the same stretch could make late', () => {
    const { list } = input().click(0, '/a', T, 0).click(0, '/b', closingOfT, 1);
    const ambiguities = findAmbiguities(runModel(list), stepsWithSettles(1, []));
    expect(ambiguities.map((a) => a.record.offset + '@' + a.record.partition)).toEqual(['0@0']);
    expect(ambiguities[0]?.reason).toMatch(/depending on how partitions interleave/);
  });

  it('accepts it when a settle orders the partitions', () => {
    const { list } = input().click(0, '/a', T, 0).click(2, '/b', closingOfT, 1).click(4, '/a', T + 1, 0);
    const model = runModel(list);
    expect(findAmbiguities(model, stepsWithSettles(5, [1, 3]))).toEqual([]);
    expect(model.late.map((r) => r.record.partition)).toEqual([0]);
  });

  it('flags a flush on every partition right after on-time clicks, and accepts it after a settle', () => {
    const clicksThenFlush = (flushStep: number) => {
      const b = input().click(0, '/a', T, 0);
      for (const p of [0, 1, 2]) b.control(flushStep, 'flush', FAR, p);
      return b.list;
    };
    expect(findAmbiguities(runModel(clicksThenFlush(1)), stepsWithSettles(2, []))).toHaveLength(1);
    expect(findAmbiguities(runModel(clicksThenFlush(2)), stepsWithSettles(3, [1]))).toEqual([]);
  });

  it('without steps, assumes every partition races every other', () => {
    const { list } = input().click(0, '/a', T, 0).click(1, '/b', closingOfT, 1);
    expect(findAmbiguities(runModel(list))).toHaveLength(1);
  });

  it('flags records a lenient or a timestamp-reading submission would see differently', () => {
    const { list } = input()
      .click(0, '/a', T)
      .raw(0, 'u-1', JSON.stringify({ url: '/a', ts: T }), T) // no event_id or user_id: only strictly malformed
      .raw(0, 'u-1', 'not JSON', T + 10 * W) // its record timestamp would move stream time
      .raw(0, 'u-1', JSON.stringify({ event_id: 'e-9', user_id: 'u-1', url: '/a', ts: T + 1 }), T + 2); // timestamp ≠ ts
    const reasons = findAmbiguities(runModel(list)).map((a) => `${a.record.offset}: ${a.reason}`);
    expect(reasons).toEqual([
      expect.stringMatching(/^1: .*strict reader/),
      expect.stringMatching(/^2: .*would move stream time/),
      expect.stringMatching(/^3: its record timestamp/),
      // The timestamp of offset 2 could even make this click late.
      expect.stringMatching(/^3: on time or late depending/),
    ]);
  });

  it('flags two clicks with the same value', () => {
    const same = JSON.stringify({ event_id: 'e-1', user_id: 'u-1', url: '/a', ts: T });
    const { list } = input().raw(0, 'u-1', same, T).raw(0, 'u-1', same, T);
    expect(findAmbiguities(runModel(list)).map((a) => a.reason)).toEqual([expect.stringMatching(/cannot be told apart/)]);
  });
});

// Brute force: an independent, naive simulation over concrete interleavings must agree with the
// model wherever the model calls a click unambiguous, and disagree with itself where it does not.
describe('clickstream model against a brute-force oracle', () => {
  type Rec = InputRecord & { ts: number; isClick: boolean; url: string };

  function oracle(order: readonly Rec[]) {
    let streamTime = -Infinity;
    const windowCounts = new Map<string, number>();
    const late = new Set<string>();
    for (const r of order) {
      if (r.isClick) {
        const start = Math.floor(r.ts / W) * W;
        if (streamTime >= start + W + GRACE_MS) late.add(`${r.partition}/${r.offset}`);
        else windowCounts.set(`${r.url}|${start}`, (windowCounts.get(`${r.url}|${start}`) ?? 0) + 1);
      }
      streamTime = Math.max(streamTime, r.ts);
    }
    const closed = [...windowCounts].filter(([key]) => Number(key.split('|')[1]) + W + GRACE_MS <= streamTime);
    return { counts: Object.fromEntries(closed.sort()), late };
  }

  function randomCase(seed: number) {
    const rng = xoroshiro128plus(seed);
    const int = (a: number, b: number) => uniformInt(rng, a, b);
    const partitions = int(1, 3);
    const segments = int(1, 4);
    const b = input();
    const settles: number[] = [];
    let step = 0;
    let base = T;
    for (let g = 0; g < segments; g += 1) {
      for (let i = int(1, 8); i > 0; i -= 1) {
        const p = int(0, partitions - 1);
        const ts = base + int(-2 * W, 2 * W);
        if (int(0, 5) === 0) b.control(step, 'tick', ts, p);
        else b.click(step, ['/a', '/b'][int(0, 1)] ?? '/a', ts, p);
        if (int(0, 2) === 0) step += 1;
        base += int(0, W);
      }
      settles.push(step + 1);
      step += 2;
    }
    const recs: Rec[] = b.list.map((r) => {
      const v = JSON.parse(r.value ?? '{}') as { ts: number; url?: string };
      return { ...r, ts: v.ts, isClick: r.key !== CONTROL_KEY, url: v.url ?? '' };
    });
    return { recs, steps: stepsWithSettles(step, settles), segmentOf: (r: Rec) => settles.filter((s) => s < r.step).length, int };
  }

  /** An interleaving that keeps each partition's order and never crosses a settle. */
  function interleave(recs: readonly Rec[], segmentOf: (r: Rec) => number, choose: (ready: Rec[]) => Rec): Rec[] {
    const queues = new Map<number, Rec[]>();
    for (const r of recs) queues.set(r.partition, [...(queues.get(r.partition) ?? []), r]);
    const order: Rec[] = [];
    while (order.length < recs.length) {
      const heads = [...queues.values()].map((q) => q[0]).filter((r): r is Rec => r !== undefined);
      const segment = Math.min(...heads.map(segmentOf));
      const next = choose(heads.filter((r) => segmentOf(r) === segment));
      queues.get(next.partition)?.shift();
      order.push(next);
    }
    return order;
  }

  it('agrees on 300 random inputs', () => {
    let ambiguousSeen = 0;
    for (let seed = 1; seed <= 300; seed += 1) {
      const { recs, steps, segmentOf, int } = randomCase(seed);
      const model = runModel(recs);
      const flagged = new Set(findAmbiguities(model, steps).map((a) => `${a.record.partition}/${a.record.offset}`));
      ambiguousSeen += flagged.size;
      for (const target of recs.filter((r) => r.isClick)) {
        const id = `${target.partition}/${target.offset}`;
        const isTarget = (r: Rec) => r.partition === target.partition && r.offset === target.offset;
        // Fewest records before the target: its own partition first; most: every other partition first.
        const least = interleave(recs, segmentOf, (ready) => ready.find((r) => r.partition === target.partition && !isTarget(r)) ?? ready.find(isTarget) ?? (ready[0] as Rec));
        const most = interleave(recs, segmentOf, (ready) => ready.find((r) => r.partition !== target.partition) ?? (ready[0] as Rec));
        expect(oracle(least).late.has(id) !== oracle(most).late.has(id), `seed ${seed} record ${id}`).toBe(flagged.has(id));
      }
      if (flagged.size > 0) continue;
      const expected = { counts: counts(model), late: new Set(model.late.map((r) => `${r.record.partition}/${r.record.offset}`)) };
      for (let i = 0; i < 10; i += 1) {
        const order = interleave(recs, segmentOf, (ready) => ready[int(0, ready.length - 1)] as Rec);
        const got = oracle(order);
        expect(got.counts, `seed ${seed}`).toEqual(Object.fromEntries(Object.entries(expected.counts).sort()));
        expect(got.late, `seed ${seed}`).toEqual(expected.late);
      }
    }
    // The generator must exercise both sides of the guard.
    expect(ambiguousSeen).toBeGreaterThan(10);
  });
});
