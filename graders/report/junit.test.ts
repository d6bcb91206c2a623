import { describe, expect, it } from 'vitest';
import { renderJunit } from './junit.ts';
import { passingReport, sampleReport } from './sample-report.ts';

interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

// A strict reader for the subset of XML the report uses; throws on anything not well-formed.
function parseXml(xml: string): XmlElement {
  const entity = /&(?:lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;
  const checkText = (text: string) => {
    if (/[<]/.test(text) || /&/.test(text.replace(entity, ''))) throw new Error(`unescaped text: ${text}`);
    if (/[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u.test(text)) throw new Error('a character XML cannot carry');
  };
  const unescape = (text: string) => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const token = /<!\[CDATA\[([\s\S]*?)\]\]>|<\/([\w:-]+)\s*>|<([\w:-]+)((?:\s+[\w:-]+="[^"]*")*)\s*(\/?)>|([^<]+)/gy;
  const root: XmlElement = { name: '#document', attrs: {}, children: [], text: '' };
  const stack = [root];
  let m: RegExpExecArray | null;
  while (token.lastIndex < body.length) {
    m = token.exec(body);
    if (!m) throw new Error(`not well-formed at ${token.lastIndex}: ${body.slice(token.lastIndex, token.lastIndex + 40)}`);
    const top = stack.at(-1) as XmlElement;
    const [, cdata, close, open, attrText, selfClose, text] = m;
    if (cdata !== undefined) {
      checkText(cdata.replace(/[<&]/g, ''));
      top.text += cdata;
    } else if (close !== undefined) {
      if (top.name !== close) throw new Error(`</${close}> closes <${top.name}>`);
      stack.pop();
    } else if (open !== undefined) {
      const attrs: Record<string, string> = {};
      for (const [, name, value] of (attrText ?? '').matchAll(/([\w:-]+)="([^"]*)"/g)) {
        checkText(value ?? '');
        attrs[name ?? ''] = unescape(value ?? '');
      }
      const element: XmlElement = { name: open, attrs, children: [], text: '' };
      top.children.push(element);
      if (selfClose !== '/') stack.push(element);
    } else if (text !== undefined) {
      checkText(text);
      top.text += unescape(text);
    }
  }
  if (stack.length !== 1 || root.children.length !== 1) throw new Error('unclosed elements or more than one root');
  return root.children[0] as XmlElement;
}

const all = (e: XmlElement, name: string): XmlElement[] => [...(e.name === name ? [e] : []), ...e.children.flatMap((c) => all(c, name))];

describe('JUnit reporter', () => {
  const xml = renderJunit(sampleReport);
  const root = parseXml(xml);

  it('writes well-formed XML: one testsuite per scenario, one testcase per check', () => {
    expect(root.name).toBe('testsuites');
    expect(all(root, 'testsuite').map((s) => [s.attrs.name, s.attrs.tests, s.attrs.failures, s.attrs.errors])).toEqual([
      ['clickstream.in-order', '2', '0', '0'],
      ['clickstream.late-events', '3', '2', '0'],
      ['clickstream.high-volume', '1', '0', '1'],
    ]);
    expect(root.attrs).toMatchObject({ tests: '6', failures: '2', errors: '1' });
    const lateEvents = all(root, 'testsuite')[1] as XmlElement;
    expect(all(lateEvents, 'testcase').map((t) => t.attrs.name)).toEqual(['submission ran', 'window table', 'late events copied']);
    expect(all(lateEvents, 'property').map((p) => [p.attrs.name, p.attrs.value])).toEqual([
      ['seed', '202'],
      ['replay', 'npx streamlab grade clickstream --submission work --seed 1 --scenario late-events'],
    ]);
  });

  it('gives each failure its message, the finding as type, and the diff with provenance as body', () => {
    const [failure] = all(root, 'failure');
    expect(failure?.attrs.type).toBe('WRONG_VALUE');
    expect(failure?.attrs.message).toMatch(/^the output, read as a table/);
    expect(failure?.text).toContain('WRONG_VALUE /pricing|978307200000');
    expect(failure?.text).toContain('"count":4');
    expect(failure?.text).toMatch(/e-000012\s+p0@11\s+ts 978307212000 \(2001-01-01 00:00:12\.000\)\s+stream time 978307290000/);
  });

  it('reports a scenario that could not be graded as an error', () => {
    const [error] = all(root, 'error');
    expect(error?.attrs.message).toMatch(/did not catch up/);
  });

  it('keeps submission stderr, without terminal colours or characters XML cannot carry', () => {
    const stderr = all(root, 'system-err').map((e) => e.text);
    expect(stderr[0]).toBe('warning: red text]]> & <tag> \nTypeError: boom');
    expect(xml).not.toContain('\u001b');
  });

  it('reports a run that could not start as one error', () => {
    const broken = parseXml(renderJunit({ ...sampleReport, scenarios: [], error: 'no broker: tried external (KAFKA_BROKERS unset)' }));
    expect(all(broken, 'testcase')).toHaveLength(1);
    expect(all(broken, 'error')[0]?.attrs.message).toBe('no broker: tried external (KAFKA_BROKERS unset)');
  });

  it('has no failures for a passing report', () => {
    expect(parseXml(renderJunit(passingReport)).attrs).toMatchObject({ tests: '2', failures: '0', errors: '0' });
  });
});
