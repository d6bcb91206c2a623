import { describe, expect, it } from 'vitest';
import { gradeReport } from '../harness/report-schema.ts';
import type { GradeReport } from '../harness/report-schema.ts';
import { renderJson } from './json.ts';
import { sampleReport } from './sample-report.ts';

/** The same data with every object's keys in reverse order. */
function reversed(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversed);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reversed(v)]));
}

describe('JSON reporter', () => {
  it('writes the report as it is, valid against the schema', () => {
    const text = renderJson(sampleReport);
    expect(text.endsWith('\n')).toBe(true);
    const parsed: unknown = JSON.parse(text);
    expect(gradeReport.parse(parsed)).toEqual(sampleReport);
  });

  it('writes keys in the schema order, whatever order the report was built in', () => {
    const text = renderJson(sampleReport);
    expect(renderJson(reversed(sampleReport) as GradeReport)).toBe(text);
    expect(Object.keys(JSON.parse(text) as object)).toEqual(Object.keys(gradeReport.shape));
  });

  it('refuses a report that does not match the schema, naming the field', () => {
    const bad = { ...sampleReport, verdict: 'maybe' } as unknown as GradeReport;
    expect(() => renderJson(bad)).toThrow(/does not match its schema[\s\S]*verdict/);
  });
});
