import { describe, expect, it } from 'vitest';
import { renderPretty } from './pretty.ts';
import { passingReport, sampleReport } from './sample-report.ts';

describe('pretty reporter', () => {
  const text = renderPretty(sampleReport, { color: false });
  const lines = text.split('\n');

  it('leads with the lab, the verdict and the seed, and ends with the replay command', () => {
    expect(lines[0]).toBe('clickstream: ERROR  seed 1 · 3 scenarios · 3.8 s');
    expect(lines.at(-2)).toBe('replay: npx streamlab grade clickstream --submission work --seed 1');
    expect(text).toContain('ERROR 2 of 3 scenarios did not pass (WRONG_VALUE, LATE_LOST)');
  });

  it('gives one line per scenario, with its findings', () => {
    expect(lines).toContain('✓ in-order     1.5 s · 22 events in · 15 records out');
    expect(lines).toContain('✗ late-events  1.9 s · 24 events in · 16 records out  WRONG_VALUE, LATE_LOST');
    expect(lines).toContain('! high-volume  0.4 s · 0 events in · 0 records out');
  });

  it('shows each failed check with its diff, the input events behind it, stderr, seed and replay', () => {
    expect(text).toContain("✗ window table [WRONG_VALUE] — the output, read as a table (last record per key), differs from the reference model's 11 windows: 1 WRONG_VALUE");
    expect(text).toContain('WRONG_VALUE /pricing|978307200000');
    expect(text).toContain('expected {"url":"/pricing","window_start":978307200000,"window_end":978307260000,"count":3}');
    expect(text).toContain('actual   {"url":"/pricing","window_start":978307200000,"window_end":978307260000,"count":4}');
    expect(text).toContain('count 4 (expected 3); likely cause: late clicks were counted');
    expect(text).toMatch(/e-000012\s+p0@11\s+ts 978307212000 \(2001-01-01 00:00:12\.000\)\s+stream time 978307290000 \(2001-01-01 00:01:30\.000\)\s+late/);
    expect(text).toMatch(/e-000002\s+p0@1\s+ts 978307203000 .*stream time —\s+on-time/);
    expect(text).toContain('expected {"event_id":"e-000012","user_id":"u-3","url":"/pricing","ts":978307212000}');
    expect(text).toContain('│ TypeError: boom');
    expect(text).toContain('seed 202 · replay: npx streamlab grade clickstream --submission work --seed 1 --scenario late-events');
    expect(text).toContain('could not grade: reading sl.x.high-volume.input did not catch up within 30000 ms');
  });

  it('keeps passing scenarios to one line', () => {
    expect(text).not.toContain('all 15 windows match');
    expect(renderPretty(passingReport, { color: false })).toBe(
      ['clickstream: PASS  seed 1 · 1 scenario · 3.8 s', 'submission work', '', '✓ in-order  1.5 s · 22 events in · 15 records out', 'PASS the scenario passed', 'replay: npx streamlab grade clickstream --submission work --seed 1', ''].join('\n'),
    );
  });

  it('colours only when asked', () => {
    expect(text).not.toContain('\u001b[3');
    expect(renderPretty(sampleReport, { color: true })).toContain('\u001b[31m');
  });
});
