/**
 * The operators' Prometheus material in deploy/prometheus, checked by Prometheus's own
 * promtool (Debian's `prometheus` package, installed by .ci/run): the configuration and the
 * rules load, the alerts fire on the series in test/ops/prometheus/alerts.test.yml, and every
 * metric of ours that a rule reads is one the service really exports.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { metricsRegistry } from '../../src/metrics/registry.js';
import { ROOT } from './support.js';

const run = promisify(execFile);
const promtool = (...args: string[]) => run('promtool', args, { cwd: ROOT });
const rulesFile = path.join(ROOT, 'deploy/prometheus/alerts.yml');

describe('deploy/prometheus', () => {
  it('the configuration and the rules load', async () => {
    const config = await promtool('check', 'config', 'deploy/prometheus/prometheus.yml');
    expect(config.stdout + config.stderr).toMatch(/SUCCESS: .*prometheus\.yml is valid/);
    const rules = await promtool('check', 'rules', 'deploy/prometheus/alerts.yml');
    expect(rules.stdout + rules.stderr).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('the alerts fire on failures, retries, a worker down and a failing readiness probe, and not before', async () => {
    const { stdout, stderr } = await promtool('test', 'rules', 'test/ops/prometheus/alerts.test.yml');
    expect(stdout + stderr).toContain('SUCCESS');
  });

  it('every rule says what it is about, and reads metrics the service exports', async () => {
    const doc = parse(readFileSync(rulesFile, 'utf8')) as { groups: { rules: { alert: string; expr: string; labels: Record<string, string>; annotations: Record<string, string> }[] }[] };
    const rules = doc.groups.flatMap((g) => g.rules);
    expect(rules.map((r) => r.alert)).toEqual(expect.arrayContaining(['EmailsFailing', 'EmailRetriesPilingUp', 'WorkerDown', 'ApiNotReady']));
    const exported = new Set((await metricsRegistry.getMetricsAsJSON()).map((m) => m.name));
    for (const rule of rules) {
      expect(['warning', 'critical'], rule.alert).toContain(rule.labels.severity);
      expect(rule.annotations.summary, rule.alert).toBeTruthy();
      for (const name of rule.expr.match(/\bebn_[a-z_]+/g) ?? []) {
        expect(exported, `${rule.alert}: ${name}`).toContain(name.replace(/_(bucket|sum|count)$/, ''));
      }
    }
  });
});
