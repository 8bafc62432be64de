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

describe('raciReport', () => {
  it('shows Owns as A, Supports as C and Informed as I per group', () => {
    // Act
    const { activities } = raciReport(raci());
    // Assess
    expect(activities.columns.map((c) => c.name)).toEqual([
      'Data Science',
      'ML Engineering',
      'Platform',
    ]);
    expect(activities.rows.find((r) => r.name === 'Containerization')).toEqual({
      name: 'Containerization',
      cells: { 'data-science': 'I', 'ml-engineering': 'A', platform: 'C' },
      accountable: 'ML Engineering',
    });
  });

  it('keeps the incident letters and names the Accountable role', () => {
    // Act
    const { incidents } = raciReport(raci());
    // Assess
    expect(incidents.rows.find((r) => r.name === 'Cluster down')).toMatchObject({
      cells: {
        'data-scientist': 'I',
        'ml-engineer': 'C',
        'platform-engineer': 'A',
        'product-manager': 'I',
      },
      accountable: 'Platform Engineer',
    });
  });
});

describe('renderRaciMarkdown', () => {
  it('renders both matrices as tables with the Accountable in bold', () => {
    // Act
    const md = renderRaciMarkdown(raciReport(raci()));
    // Assess
    expect(md).toContain(
      [
        '## Activity ownership',
        '',
        '| Activity | Data Science | ML Engineering | Platform |',
        '| --- | :---: | :---: | :---: |',
        '| Research & Experimentation | **A** | C | I |',
      ].join('\n'),
    );
    expect(md).toContain(
      '| Incident | Data Scientist | ML Engineer | Platform Engineer | Product Manager |',
    );
    expect(md).toContain('| Model drift > 10% | **A** | C | I | I |');
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
    ['CI/CD Pipeline', 'platform'],
    ['Incident Response (Model)', 'ml-engineering'],
  ])('names the owner of "%s"', (activity, owner) => {
    expect(ownerOf(raci(), activity).owner.id).toBe(owner);
  });

  it('lists who supports and who is informed', () => {
    expect(ownerOf(raci(), 'Model Monitoring')).toEqual({
      activity: 'Model Monitoring',
      owner: { id: 'ml-engineering', name: 'ML Engineering', team: 'ml-engineering' },
      supports: ['Data Science', 'Platform'],
      informed: [],
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
