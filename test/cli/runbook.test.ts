import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../lib/cli/main';
import {
  captureIo,
  copyFixture,
  examplePolicy,
  POLICY_FILE,
  PYTHON_MODEL,
  removeCopies,
} from '../contracts/helpers';

afterEach(removeCopies);

describe('guardrails runbook', () => {
  it('init writes one runbook per model into a folder and check then passes', async () => {
    // Prepare
    const dir = path.join(copyFixture(PYTHON_MODEL), 'runbooks');
    mkdirSync(dir);
    const models = examplePolicy().projects.flatMap((p) => p.models.map((m) => m.name));
    // Act
    for (const model of models)
      expect(
        await main(
          ['runbook', 'init', '--model', model, '--policy', POLICY_FILE, '--output', dir],
          captureIo().io,
        ),
      ).toBe(0);
    const c = captureIo();
    const code = await main(['runbook', 'check', dir, '--policy', POLICY_FILE], c.io);
    // Assess
    expect(code).toBe(0);
    expect(c.out()).toBe(`4 runbooks in ${dir} cover every model of the policy.`);
    expect(readFileSync(path.join(dir, 'fraud_detection--endpoint-latency.md'), 'utf8')).toMatch(
      /^# Incident runbook: \[P1\]/,
    );
  });

  it('check exits 1 with --json naming the models without a runbook', async () => {
    // Prepare
    const dir = path.join(copyFixture(PYTHON_MODEL), 'runbooks');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'fraud_detection.md'), '# notes\n## Trigger\n');
    const c = captureIo();
    // Act
    const code = await main(['runbook', 'check', dir, '--policy', POLICY_FILE, '--json'], c.io);
    // Assess
    expect(code).toBe(1);
    const out = JSON.parse(c.out());
    expect(out.ok).toBe(false);
    expect(
      out.problems
        .filter((p: { model?: string }) => p.model)
        .map((p: { model: string }) => p.model),
    ).toEqual(['real_time_bidding', 'dynamic_pricing', 'churn_prediction']);
    expect(out.problems).toContainEqual({
      file: 'fraud_detection.md',
      message: 'fraud_detection.md has no "## Escalation" section',
    });
  });

  it.each([
    [['runbook', 'init'], '--model is required'],
    [['runbook', 'init', '--model', 'nope'], 'model "nope" is not in the policy'],
    [
      ['runbook', 'init', '--model', 'churn_prediction', '--output', '/no/such/dir/x.md'],
      'folder /no/such/dir does not exist',
    ],
  ])('exits 2 on %j', async (argv, message) => {
    // Prepare
    const c = captureIo();
    // Act / Assess
    expect(await main([...argv, '--policy', POLICY_FILE], c.io)).toBe(2);
    expect(c.err()).toContain(message);
  });

  it('init never overwrites a runbook without --force', async () => {
    // Prepare
    const file = path.join(copyFixture(PYTHON_MODEL), 'rb.md');
    writeFileSync(file, 'hand-written');
    const c = captureIo();
    // Act
    const code = await main(
      ['runbook', 'init', '--model', 'churn_prediction', '--policy', POLICY_FILE, '--output', file],
      c.io,
    );
    // Assess
    expect(code).toBe(2);
    expect(readFileSync(file, 'utf8')).toBe('hand-written');
  });
});
