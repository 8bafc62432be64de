import { describe, expect, it } from 'vitest';
import {
  ownerOf,
  raciReport,
  renderRaciJson,
  renderRaciMarkdown,
  UnknownActivityError,
} from '../../lib/contracts/raci';
import { examplePolicy } from './helpers';

const raci = () => examplePolicy().raci;

/**
 * The chapter's ownership matrix (section 32.8.1, "Hybrid Model") and incident RACI (32.8.3),
 * transcribed here so the example policy is compared with the book, not with itself.
 */
const O = 'owns';
const S = 'supports';
const I = 'informed';
const CHAPTER_ACTIVITIES: [string, string, string, string][] = [
  ['Research & Experimentation', O, I, I],
  ['Feature Engineering', O, S, I],
  ['Model Training', O, S, I],
  ['Code Optimization', S, O, I],
  ['Containerization', I, O, S],
  ['CI/CD Pipeline', I, O, S],
  ['Infrastructure Management', I, I, O],
  ['Model Monitoring', O, S, I],
  ['Incident Response (Model)', O, S, I],
  ['Incident Response (Infra)', I, I, O],
];
/** Data Scientist, ML Engineer, Platform Engineer, Product Manager: letter and note. */
const CHAPTER_INCIDENTS: [string, string[], Record<string, string>][] = [
  [
    'model-drift',
    ['A', 'C', 'I', 'C'],
    { 'data-scientist': 'Fix it', 'ml-engineer': 'Help deploy', 'product-manager': 'Impact' },
  ],
  [
    'endpoint-latency',
    ['C', 'A', 'C', 'I'],
    { 'data-scientist': 'Optimize', 'ml-engineer': 'Scale', 'platform-engineer': 'Infra' },
  ],
  ['cluster-down', ['I', 'I', 'A', 'I'], { 'platform-engineer': 'Fix K8s' }],
  ['data-pipeline-failed', ['C', 'A', 'C', 'I'], {}],
  ['feature-store-down', ['I', 'I', 'A', 'C'], {}],
  // The chapter lists two Accountables for bias; the policy keeps the Data Scientist's A and
  // marks the Product Manager Consulted with a note (one A decides whom to page).
  [
    'model-bias',
    ['A', 'C', 'I', 'C'],
    { 'product-manager': 'Accountable in the chapter; business impact' },
  ],
];

describe("the example policy is the chapter's RACI", () => {
  it("has the chapter's ten activities with their owners, supporters and informed groups", () => {
    // Act
    const rows = raci().activities.map((a) => [
      a.name,
      a.assignments['data-science'],
      a.assignments['ml-engineering'],
      a.assignments.platform,
    ]);
    // Assess
    expect(rows).toEqual(CHAPTER_ACTIVITIES);
  });

  it.each(CHAPTER_INCIDENTS)("has the chapter's letters and notes for %s", (id, letters, notes) => {
    // Act
    const t = raci().incidentTypes.find((x) => x.id === id);
    // Assess
    expect([
      t?.assignments['data-scientist'],
      t?.assignments['ml-engineer'],
      t?.assignments['platform-engineer'],
      t?.assignments['product-manager'],
    ]).toEqual(letters);
    expect(t?.notes ?? {}).toEqual(notes);
  });
});

describe('renderRaciMarkdown', () => {
  it('shows the notes next to the letters and the Accountable in bold', () => {
    // Act
    const md = renderRaciMarkdown(raciReport(raci()));
    // Assess
    expect(md).toContain(
      '| Model drift > 10% | **A** (Fix it) | C (Help deploy) | I | C (Impact) |',
    );
    expect(md).toContain('| CI/CD Pipeline | I | **A** | C |');
  });

  it('leaves a cell empty where the policy assigns nothing, and escapes pipes', () => {
    // Prepare
    const r = raci();
    const custom = {
      ...r,
      activities: [{ name: 'A | B', assignments: { platform: 'owns' as const } }],
    };
    // Act / Assess
    expect(renderRaciMarkdown(raciReport(custom))).toContain('| A \\| B |  |  | **A** |');
  });
});

describe('renderRaciJson', () => {
  it('is the report as JSON', () => {
    const report = raciReport(raci());
    expect(JSON.parse(renderRaciJson(report))).toEqual(report);
  });
});

describe('ownerOf', () => {
  it.each([
    ['Model Training', 'data-science'],
    ['  model training ', 'data-science'],
    ['CI/CD Pipeline', 'ml-engineering'],
    ['Incident Response (Model)', 'data-science'],
  ])('names the owner of "%s"', (activity, owner) => {
    expect(ownerOf(raci(), activity).owner.id).toBe(owner);
  });

  it('lists who supports and who is informed', () => {
    expect(ownerOf(raci(), 'Model Monitoring')).toEqual({
      activity: 'Model Monitoring',
      owner: { id: 'data-science', name: 'Data Science', team: 'data-science' },
      supports: ['ML Engineering'],
      informed: ['Platform'],
    });
  });

  it('rejects an unknown activity and lists the known ones', () => {
    // Act
    const act = () => ownerOf(raci(), 'Model Bakery');
    // Assess
    expect(act).toThrow(UnknownActivityError);
    expect(act).toThrow(
      /unknown activity "Model Bakery"; known activities:\n {2}- Research & Experimentation\n/,
    );
    const err = (() => {
      try {
        return act();
      } catch (e) {
        return e;
      }
    })();
    expect((err as UnknownActivityError).known).toEqual(raci().activities.map((a) => a.name));
  });
});
