// JUnit XML for CI: one testsuite per scenario, one testcase per check. A failed check is a
// <failure> (message, finding as type, diff as body); a scenario that could not be graded, or a
// run that could not start, is an <error>.
import junitReportBuilder from 'junit-report-builder';
import type { Builder } from 'junit-report-builder';
import type { GradeReport, ScenarioResult } from '../harness/report-schema.ts';
import { plainText } from './plain-text.ts';
import { diffText } from './pretty.ts';

// The package's types declare an ES default export; at run time its CommonJS module.exports,
// which Node hands over as the default import, is the builder itself.
const junit = junitReportBuilder as unknown as Builder;

// Characters XML 1.0 cannot carry, beyond the control characters plainText removes.
const NOT_XML = /[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu;
const xmlText = (text: string) => plainText(text).replace(NOT_XML, '');

export function renderJunit(report: GradeReport): string {
  const builder = junit.newBuilder().name(`streamlab ${report.lab}`);
  if (report.error !== null && report.scenarios.length === 0) {
    builder.testSuite().name(report.lab).timestamp(report.startedAt).testCase().className(report.lab).name('grade').error(xmlText(report.error), 'error');
  }
  for (const scenario of report.scenarios) addScenario(builder, report, scenario);
  return builder.build();
}

function addScenario(builder: Builder, report: GradeReport, s: ScenarioResult): void {
  const className = `${report.lab}.${s.name}`;
  const suite = builder
    .testSuite()
    .name(className)
    .timestamp(report.startedAt)
    .time(s.durationMs / 1000)
    .property('seed', String(s.seed))
    .property('replay', s.replay);
  const stderr = xmlText(s.submission?.stderrTail ?? '');
  if (s.error !== null) {
    suite.testCase().className(className).name('grading').error(xmlText(s.error), 'error', stderr || undefined);
  }
  for (const check of s.checks) {
    const testCase = suite.testCase().className(className).name(check.name);
    if (check.passed) continue;
    testCase.failure(xmlText(check.message), check.finding ?? 'FAIL');
    const body = xmlText(diffText(check));
    if (body !== '') testCase.stacktrace(body);
    if (stderr !== '') testCase.standardError(stderr);
  }
}
