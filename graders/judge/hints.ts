// The likely cause of each kind of bad row in a windowed lab (research/graders.md §6). Labs refine
// these per row through `explain`; these are the fallbacks.
import type { DiffStatus } from '../harness/report-schema.ts';

export const likelyCause: Record<DiffStatus, string> = {
  MISSING:
    'the window never closed: stream time must advance with every record, ticks and the final flush included, across all partitions (a min-over-partitions watermark stays stuck on an idle partition)',
  UNEXPECTED: 'window bounds not aligned to the epoch, control records counted as data, or windows taken from the wall clock instead of the event time',
  WRONG_VALUE: 'an off-by-one at a boundary (inclusive window end, > where the rule says >=), late events counted, or counts kept per partition',
  DUPLICATE: 'the window was written on every update (or again after a restart) instead of once when it closed',
  EARLY: 'windows closed on wall-clock timers or per batch instead of when event-time stream time passed their end plus grace',
  LATE_COUNTED: 'the event was counted without first checking whether its window had already closed',
  LATE_LOST: 'late events were discarded instead of copied to the late topic',
  BAD_FORMAT: "each output record needs the lab's key and JSON value exactly as the guide specifies",
};
