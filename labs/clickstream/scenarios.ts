// The clickstream lab's scenarios: seeded scripts of clicks, settles, pauses, ticks and the final
// flush. Every script is deterministic per seed, and classifies every click the same way under
// any partition interleaving (the model checks it; scenarios.test.ts runs seeds 1..20):
// - a click is never produced in the same settle-free stretch as input on another partition that
//   could close its window, and the flush always follows a settle unless only late clicks precede it;
// - lateness is staged on one partition, except where a settle orders the partitions.
// Event times start at a seeded whole number of windows past the base (2001, or 2040 for the
// shifted script), so nothing can be inferred from the wall clock.
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { ProducedRecord, ScenarioDefinition, Step } from '../../graders/harness/lab-definition.ts';
import { GRACE_MS, WINDOW_MS } from './model.ts';

export const INPUT_PARTITIONS = 3;

const URLS = ['/home', '/pricing', '/docs', '/blog', '/signup', '/cart'] as const;
/** A url that only late clicks use in the late-events script. */
const LATE_ONLY_URL = '/careers';
const BASE_2001 = Date.UTC(2001, 0, 1);
const BASE_2040 = Date.UTC(2040, 0, 1);
/** Scripts start up to about a year past their base. */
const MAX_SHIFT_WINDOWS = 500_000;
/** Out-of-order clicks arrive at most this far behind the newest one: always within grace. */
const MAX_DISORDER_MS = GRACE_MS - 10_000;
const ALL_PARTITIONS = Array.from({ length: INPUT_PARTITIONS }, (_, p) => p);
const PAUSE_MS = 3000;
const HIGH_VOLUME_CLICKS = 100_000;

interface Click {
  url: string;
  ts: number;
  partition: number;
}

const byTs = (a: Click, b: Click) => a.ts - b.ts;

/** A script under construction: the seeded random source, the time base and the steps so far. */
function script(seed: number, base: number) {
  const rng = xoroshiro128plus(seed);
  const int = (min: number, max: number) => uniformInt(rng, min, max);
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)] as T;
  const origin = base + int(0, MAX_SHIFT_WINDOWS) * WINDOW_MS;
  const steps: Step[] = [];
  let events = 0;
  // Users live on one partition each (user % partitions), as the default partitioner would keep them.
  const record = ({ url, ts, partition }: Click): ProducedRecord => {
    events += 1;
    const user = `u-${int(0, 5) * INPUT_PARTITIONS + partition}`;
    const value = JSON.stringify({ event_id: `e-${String(events).padStart(6, '0')}`, user_id: user, url, ts });
    return { partition, timestamp: ts, key: user, value };
  };
  const self = {
    int,
    pick,
    steps,
    /** Start of window k of this script. */
    window: (k: number) => origin + k * WINDOW_MS,
    click: (url: string, ts: number, partition = 0): Click => ({ url, ts, partition }),
    /** `count` clicks with random urls and partitions, ts uniform in [from, to]. */
    clicks(count: number, from: number, to: number, urls: readonly string[] = URLS, partitions: readonly number[] = [0]): Click[] {
      return Array.from({ length: count }, () => self.click(pick(urls), int(from, to), pick(partitions)));
    },
    /** Distinct urls, in random order. */
    urls(count: number): string[] {
      const pool = [...URLS];
      return Array.from({ length: count }, () => pool.splice(int(0, pool.length - 1), 1)[0] as string);
    },
    /** The clicks in arrival order: each up to MAX_DISORDER_MS behind the newest one before it. */
    disordered(clicks: Click[]): Click[] {
      return clicks
        .map((click) => ({ click, arrival: click.ts + int(0, MAX_DISORDER_MS) }))
        .sort((a, b) => a.arrival - b.arrival)
        .map((c) => c.click);
    },
    records: (clicks: Click[]): ProducedRecord[] => clicks.map(record),
    /** Produces in `chunks` steps of about equal size. */
    produceRecords(records: ProducedRecord[], chunks = 1): void {
      const size = Math.ceil(records.length / chunks);
      for (let i = 0; i < records.length; i += size) steps.push({ kind: 'produce', records: records.slice(i, i + size) });
    },
    produce(clicks: Click[], chunks = 1): void {
      self.produceRecords(clicks.map(record), chunks);
    },
    then(...more: Step[]): Step[] {
      steps.push(...more);
      return steps;
    },
  };
  return self;
}

const settle: Step = { kind: 'settle' };
const flush: Step = { kind: 'flush' };

function inOrder(seed: number): Step[] {
  const s = script(seed, BASE_2001);
  const clicks = Array.from({ length: 5 }, (_, k) => s.clicks(s.int(3, 6), s.window(k), s.window(k + 1) - 1)).flat();
  // The last millisecond of window 0 and the first of window 1, same url: windows are [start, end).
  // A third click keeps that url in window 1 whichever window the boundary click lands in.
  const url = s.pick(URLS);
  clicks.push(s.click(url, s.window(1) - 1), s.click(url, s.window(1)), s.click(url, s.window(1) + s.int(1, WINDOW_MS - 1)));
  s.produce(clicks.sort(byTs), 2);
  return s.then(settle, flush);
}

function outOfOrder(seed: number): Step[] {
  const s = script(seed, BASE_2001);
  s.produce(s.disordered(s.clicks(s.int(12, 20), s.window(0), s.window(3) - 1)), 2);
  // Stragglers for window 2 after stream time passed its end, the last one on time by 1 ms.
  const inWindow2 = () => s.click(s.pick(URLS), s.int(s.window(2), s.window(3) - 1));
  s.produce([s.click(s.pick(URLS), s.window(3) + s.int(1, GRACE_MS - 2)), inWindow2(), s.click(s.pick(URLS), s.window(3) + GRACE_MS - 1), inWindow2()]);
  s.produce(s.clicks(s.int(3, 6), s.window(3) + GRACE_MS, s.window(4) - 1).sort(byTs));
  return s.then(settle, flush);
}

function lateEvents(seed: number, base: number): Step[] {
  const s = script(seed, base);
  const urls = s.urls(3);
  const [a, b] = urls as [string, string];
  // Up to just before window 0's close.
  const early = [
    ...s.clicks(s.int(6, 10), s.window(0), s.window(1) + GRACE_MS - 1, urls),
    s.click(a, s.int(s.window(0), s.window(1) - 1)),
    s.click(b, s.int(s.window(1), s.window(1) + GRACE_MS - 1)),
  ];
  s.produce(early.sort(byTs));
  const inWindow = (k: number) => s.int(s.window(k), s.window(k + 1) - 1);
  // Stream time reaches window 0's close exactly: a click for window 0 is late (>=, not >).
  s.produce([s.click(s.pick(urls), s.window(1) + GRACE_MS), s.click(a, inWindow(0))]);
  // One millisecond before window 1's close a click for it still counts; at the close it is late.
  s.produce([s.click(s.pick(urls), s.window(2) + GRACE_MS - 1), s.click(s.pick(urls), inWindow(1)), s.click(s.pick(urls), s.window(2) + GRACE_MS), s.click(b, inWindow(1))]);
  // A window only late clicks fall in: nothing may be written for it.
  s.produce([s.click(LATE_ONLY_URL, inWindow(0))]);
  s.produce(s.clicks(s.int(4, 8), s.window(2) + GRACE_MS, s.window(4) - 1, urls).sort(byTs));
  // Very late: minutes after its window closed.
  s.produce([s.click(s.pick(urls), inWindow(1))]);
  return s.then(settle, flush);
}

/** Clicks for windows k and k+1 that no interleaving can make late: within 90 s of window k's
 *  start, every url|window on every given partition, plus random extras. */
function spreadClicks(s: ReturnType<typeof script>, k: number, urls: readonly string[], partitions: readonly number[]): Click[] {
  const from = s.window(k);
  const to = s.window(k + 1) + GRACE_MS - 1;
  const everywhere = [k, k + 1].flatMap((w) =>
    urls.flatMap((url) => partitions.map((p) => s.click(url, s.int(s.window(w), Math.min(s.window(w + 1) - 1, to)), p))),
  );
  return [...everywhere, ...s.clicks(s.int(3, 6), from, to, urls, partitions)].sort(byTs);
}

function threePartitions(seed: number): Step[] {
  const s = script(seed, BASE_2001);
  const urls = s.urls(3);
  s.produce(spreadClicks(s, 0, urls, ALL_PARTITIONS), 3);
  s.then(settle);
  // Partition 2 gets nothing here, so its own newest click stays in window 1.
  s.produce(spreadClicks(s, 2, urls, [0, 1]), 2);
  s.then(settle);
  // Stream time is global: window 0 closed on partitions 0 and 1, so a click for it is late on
  // partition 2 too.
  s.produce([s.click(urls[0] as string, s.int(s.window(0), s.window(1) - 1), 2)]);
  return s.then(flush);
}

function idlePartition(seed: number): Step[] {
  const s = script(seed, BASE_2001);
  const urls = s.urls(2);
  s.produce(spreadClicks(s, 0, urls, [0, 1]), 2);
  s.then(settle);
  // Partition 0 alone moves stream time past window 0's close; partition 2 has no data at all
  // and partition 1 none that new, so a watermark that takes a minimum over partitions stays behind.
  const advance = s.click(s.pick(urls), s.window(1) + GRACE_MS + s.int(0, 20_000));
  const late = s.click(urls[0] as string, s.int(s.window(0), s.window(1) - 1));
  s.produce([advance, late, ...s.clicks(s.int(2, 4), s.window(1), s.window(2) - 1, urls)]);
  return s.then(settle, flush);
}

/** Values no reader can take for a click, given the ts of the click before them. */
const MALFORMED: ((ts: number) => string | null)[] = [
  () => 'this is not JSON',
  () => '{"event_id":"e-x1","user_id":"u-0","url":"/home","ts":',
  () => '',
  () => null,
  () => 'null',
  () => '42',
  (ts) => `["/home",${ts}]`,
  (ts) => JSON.stringify({ event_id: 'e-x2', user_id: 'u-0', ts }),
  () => JSON.stringify({ event_id: 'e-x3', user_id: 'u-0', url: '/docs' }),
];

function malformedInput(seed: number): Step[] {
  const s = script(seed, BASE_2001);
  const clicks = Array.from({ length: 3 }, (_, k) => s.clicks(s.int(4, 6), s.window(k), s.window(k + 1) - 1)).flat();
  const records = s.records(clicks.sort(byTs));
  // Never first, and timestamped like the record before: no reader could move stream time with it.
  for (const malformed of MALFORMED) {
    const at = s.int(1, records.length);
    const ts = records[at - 1]?.timestamp ?? s.window(0);
    records.splice(at, 0, { partition: 0, timestamp: ts, key: `u-${s.int(0, 5) * INPUT_PARTITIONS}`, value: malformed(ts) });
  }
  s.produceRecords(records, 2);
  return s.then(settle, flush);
}

function wallClockPause(seed: number): Step[] {
  const s = script(seed, BASE_2001);
  // Windows 0 and 1 stay open: nothing reaches window 0's close, though stream time passes its end.
  const clicks = [
    ...s.clicks(s.int(6, 10), s.window(0), s.window(1) + GRACE_MS - 1),
    s.click(s.pick(URLS), s.int(s.window(0), s.window(1) - 1)),
    s.click(s.pick(URLS), s.int(s.window(1), s.window(1) + GRACE_MS - 1)),
  ];
  s.produce(clicks.sort(byTs));
  return s.then(settle, { kind: 'pause', ms: PAUSE_MS }, { kind: 'tick', ts: s.window(2) + GRACE_MS }, flush);
}

function highVolume(seed: number): Step[] {
  const s = script(seed, BASE_2001);
  const windows = 40;
  const urls = Array.from({ length: 20 }, (_, i) => `/catalog/${i + 1}`);
  s.produce(s.disordered(s.clicks(HIGH_VOLUME_CLICKS, s.window(0), s.window(windows) - 1, urls)), 10);
  return s.then(settle, flush);
}

export const scenarios: ScenarioDefinition[] = [
  {
    name: 'in-order',
    description: 'Clicks in time order on one partition over five windows, with clicks on the last millisecond of a window and the first of the next.',
    steps: inOrder,
  },
  {
    name: 'out-of-order',
    description: 'Clicks up to 20 s out of order, all within the 30 s grace, and one that arrives 1 ms before its window closes: every one is counted.',
    steps: outOfOrder,
  },
  {
    name: 'late-events',
    description: 'Clicks that arrive when their window has closed (exactly at end + 30 s, and long after): not counted, copied unchanged to LATE_TOPIC.',
    steps: (seed) => lateEvents(seed, BASE_2001),
  },
  {
    name: 'three-partitions',
    description: 'The same url and window clicked on all three partitions: one count across partitions; stream time is the newest event time of any partition.',
    steps: threePartitions,
  },
  {
    name: 'idle-partition',
    description: 'Partition 2 gets no clicks at all: windows still close as stream time moves on the other partitions.',
    steps: idlePartition,
  },
  {
    name: 'malformed-input',
    description: 'Records that are not JSON, empty, null or miss a field, among valid clicks: skipped without crashing.',
    steps: malformedInput,
  },
  {
    name: 'shifted-to-2040',
    description: 'The late-events script with every event time moved to 2040 by whole windows: results depend on event time only, never on the wall clock.',
    steps: (seed) => lateEvents(seed, BASE_2040),
  },
  {
    name: 'wall-clock-pause',
    description: 'Open windows, then 3 s of wall-clock silence: nothing may be written until a tick moves stream time past their close.',
    steps: wallClockPause,
  },
  {
    name: 'high-volume',
    description: `${HIGH_VOLUME_CLICKS.toLocaleString('en-US')} clicks over 40 windows and 20 urls, up to 20 s out of order.`,
    steps: highVolume,
    timeoutMs: 120_000,
  },
];
