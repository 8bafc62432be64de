/**
 * Generated policies for scale: the shipped example with many projects. Used by the synth
 * benchmark and by the template tests that check limits at 1,000 projects.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseDocument } from 'yaml';

const EXAMPLE_POLICY_TEXT = readFileSync(
  path.join(__dirname, '..', 'config', 'guardrails.yaml'),
  'utf8',
);

/** The example policy with `count` generated projects instead of the three examples. */
export function policyWithProjects(count: number, idPrefix = 'project'): string {
  const doc = parseDocument(EXAMPLE_POLICY_TEXT);
  const projects = Array.from({ length: count }, (_, i) => ({
    id: `${idPrefix}-${String(i).padStart(4, '0')}`,
    team: ['ml-engineering', 'data-science'][i % 2],
    costCenter: `CC-${1000 + (i % 50)}`,
    monthlyBudgetUsd: 1000 + i,
    models: [{ name: `model_${i}`, endpoints: [`model-${i}-*`] }],
    financeEmails: ['finops@example.com'],
    ownerEmails: [`owner-${i}@example.com`],
  }));
  doc.setIn(['projects'], doc.createNode(projects));
  // Revenue-critical models must exist; point them at generated ones.
  doc.setIn(['paging', 'revenueCritical', 'models'], doc.createNode(['model_0']));
  return doc.toString();
}
