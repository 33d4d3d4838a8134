// The Prometheus alert rules (ops/prometheus/alerts.yml): valid, unit-tested with promtool
// (alerts.test.yml shows each alert firing and staying quiet), and matched one to one with the
// sections of docs/runbook.md's "Alerts" that their runbook_url links to.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

const ROOT = path.join(__dirname, '../..');
const RULES = 'ops/prometheus/alerts.yml';
const RULE_TESTS = 'ops/prometheus/alerts.test.yml';
const RUNBOOK = 'docs/runbook.md';
const RUNBOOK_URL = 'https://github.com/railrepay/whatsapp-handler/blob/main/docs/runbook.md';
const SEVERITIES = ['critical', 'warning'];

type Rule = {
  alert?: string;
  record?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
};
type RuleTest = { name?: string; alert_rule_test?: Array<{ alertname: string; exp_alerts?: unknown[] | null }> };

const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const alerts: Rule[] = (parse(read(RULES)) as { groups: Array<{ rules: Rule[] }> }).groups
  .flatMap((group) => group.rules)
  .filter((rule) => rule.alert !== undefined);

function promtool(...args: string[]): { status: number | null; output: string } {
  const run = spawnSync('promtool', args, { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  if ((run.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    throw new Error(
      'promtool is not installed: it comes with Debian\'s "prometheus" package (apt-get install prometheus; .ci/run installs it)',
    );
  }
  if (run.error) throw run.error;
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
function githubAnchors(markdown: string): Array<{ level: number; text: string; anchor: string }> {
  const seen = new Map<string, number>();
  const headings: Array<{ level: number; text: string; anchor: string }> = [];
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const match = fenced ? null : /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (!match) continue;
    // As rendered: link text without its target, no code or emphasis marks.
    const text = match[2]!.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/[`*]/g, '');
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    headings.push({ level: match[1]!.length, text, anchor: count === 0 ? base : `${base}-${count}` });
  }
  return headings;
}

test('promtool finds the rules valid', () => {
  const { status, output } = promtool('check', 'rules', RULES);
  if (status !== 0) throw new Error(`promtool check rules failed:\n${output}`);
});

test("the rules' unit tests pass (promtool test rules)", () => {
  const { status, output } = promtool('test', 'rules', RULE_TESTS);
  if (status !== 0) throw new Error(`promtool test rules failed:\n${output}`);
});

test('each alert is tested firing and staying quiet', () => {
  const tests = (parse(read(RULE_TESTS)) as { tests: RuleTest[] }).tests.flatMap((t) => t.alert_rule_test ?? []);
  const untested = alerts
    .map((rule) => rule.alert!)
    .flatMap((name) => {
      const cases = tests.filter((t) => t.alertname === name);
      return [
        ...(cases.some((t) => (t.exp_alerts ?? []).length > 0) ? [] : [`${name} never fires`]),
        ...(cases.some((t) => (t.exp_alerts ?? []).length === 0) ? [] : [`${name} never stays quiet`]),
      ];
    });
  expect(untested).toEqual([]);
});

test('each alert has a severity, a summary, a description and a runbook_url', () => {
  expect(alerts.length).toBeGreaterThan(0);
  for (const rule of alerts) {
    expect({ alert: rule.alert, severity: SEVERITIES.includes(rule.labels?.severity ?? '') }).toEqual({
      alert: rule.alert,
      severity: true,
    });
    expect(rule.annotations).toEqual({
      summary: expect.any(String),
      description: expect.any(String),
      runbook_url: expect.stringMatching(new RegExp(`^${RUNBOOK_URL.replace(/[.]/g, '\\.')}#[a-z0-9_-]+$`)),
    });
    // Alerts go to chat and phones: no phone number, not even in an example.
    expect(`${rule.annotations!.summary} ${rule.annotations!.description}`).not.toMatch(/\+?\d[\d ]{8,}\d/);
  }
});

test("every runbook_url names a heading of docs/runbook.md, and the runbook's alert sections match the alerts one to one", () => {
  const headings = githubAnchors(read(RUNBOOK));
  const anchors = new Set(headings.map((h) => h.anchor));
  const linked = alerts.map((rule) => ({ alert: rule.alert!, anchor: rule.annotations!.runbook_url!.split('#')[1]! }));

  expect(linked.filter(({ anchor }) => !anchors.has(anchor))).toEqual([]);

  // The "Alerts" part: its ### sections, up to the next ## heading.
  const start = headings.findIndex((h) => h.level === 2 && h.text === 'Alerts');
  expect(start).toBeGreaterThanOrEqual(0);
  const end = headings.findIndex((h, i) => i > start && h.level <= 2);
  const sections = headings.slice(start + 1, end === -1 ? undefined : end).filter((h) => h.level === 3);

  // One section per alert, named as the alert, and no section without its alert.
  expect(sections.map((s) => s.anchor).sort()).toEqual(linked.map((l) => l.anchor).sort());
  expect(new Set(linked.map((l) => l.anchor)).size).toBe(linked.length);
  for (const { alert, anchor } of linked) expect(sections.find((s) => s.anchor === anchor)?.text).toBe(alert);
});

test('GitHub anchors: punctuation dropped, spaces as hyphens, repeats numbered, code fences skipped', () => {
  const markdown = [
    '# Runbook',
    '## Is it healthy?',
    '### `WhatsAppJobsStalled`',
    '```sh',
    '# not a heading',
    '```',
    '## Replaying a kept claim event',
    '## Replaying a kept claim event',
    '## Retry: [parked](events.md) events_now',
  ].join('\n');

  expect(githubAnchors(markdown).map((h) => h.anchor)).toEqual([
    'runbook',
    'is-it-healthy',
    'whatsappjobsstalled',
    'replaying-a-kept-claim-event',
    'replaying-a-kept-claim-event-1',
    'retry-parked-events_now',
  ]);
});
