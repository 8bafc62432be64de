import { describe, expect, it } from 'vitest';
import {
  checkTags,
  chunk,
  EVALUATION_RESOURCE_TYPE,
  evaluate,
  kindOfArn,
  MAX_RESOURCES_PER_MESSAGE,
  type Ownership,
  ownerOf,
  ownerReports,
  toEvaluations,
} from '../../../lambdas/tag-compliance/evaluate';
import type { LiveResource, TagRequirement } from '../../../lambdas/tag-compliance/types';

const ARN = 'arn:aws:sagemaker:eu-west-1:111122223333';
const requirements: TagRequirement[] = [
  { key: 'Project' },
  { key: 'CostCenter' },
  { key: 'Environment', allowedValues: ['dev', 'prod'] },
];
const ownership: Ownership = {
  projectTagKey: 'Project',
  projectTeams: { 'fraud-detection': 'ml-engineering', churn: 'data-science' },
  teams: ['platform', 'ml-engineering', 'data-science', 'no-email'],
  platformTeam: 'platform',
};
const good = { Project: 'fraud-detection', CostCenter: 'CC-1', Environment: 'prod' };

function live(name: string, overrides: Partial<LiveResource> = {}): LiveResource {
  return {
    arn: `${ARN}:training-job/${name}`,
    kind: 'training-job',
    name,
    status: 'Completed',
    ...overrides,
  };
}

describe('checkTags', () => {
  it.each([
    ['all present and allowed', good, [], []],
    ['a key missing', { Project: 'p', Environment: 'dev' }, ['CostCenter'], []],
    ['an empty value counts as missing', { ...good, CostCenter: '  ' }, ['CostCenter'], []],
    [
      'a value outside the allowed values',
      { ...good, Environment: 'test' },
      [],
      ['Environment=test'],
    ],
    [
      'keys are case-sensitive',
      { project: 'p', CostCenter: 'c', Environment: 'dev' },
      ['Project'],
      [],
    ],
    ['no tags at all', {}, ['Project', 'CostCenter', 'Environment'], []],
  ])('%s', (_name, tags, missing, invalid) => {
    const result = checkTags(tags as Record<string, string>, requirements);
    expect(result.missing).toEqual(missing);
    expect(result.invalid.map((i) => `${i.key}=${i.value}`)).toEqual(invalid);
  });
});

describe('kindOfArn', () => {
  it.each([
    [`${ARN}:training-job/a`, 'training-job'],
    [`${ARN}:processing-job/a`, 'processing-job'],
    [`${ARN}:transform-job/a`, 'transform-job'],
    [`${ARN}:hyper-parameter-tuning-job/a`, 'hyperparameter-tuning-job'],
    [`${ARN}:endpoint/a`, 'endpoint'],
    [`${ARN}:inference-component/a`, 'inference-component'],
    [`${ARN}:notebook-instance/a`, undefined],
    ['arn:aws:s3:::bucket', undefined],
  ])('%s is %s', (arn, kind) => {
    expect(kindOfArn(arn)).toBe(kind);
  });
});

describe('ownerOf', () => {
  it.each([
    [
      'Team tag naming a policy team wins',
      { Team: 'data-science', Project: 'fraud-detection' },
      'data-science',
      'fraud-detection',
    ],
    [
      "project's team when there is no Team tag",
      { Project: 'fraud-detection' },
      'ml-engineering',
      'fraud-detection',
    ],
    [
      "project's team when the Team tag is unknown",
      { Team: 'nobody', Project: 'churn' },
      'data-science',
      'churn',
    ],
    ['platform team when neither is known', { Project: 'unknown' }, 'platform', undefined],
    ['platform team for an untagged resource', {}, 'platform', undefined],
  ])('%s', (_name, tags, team, project) => {
    expect(ownerOf(tags, ownership)).toEqual(project ? { team, project } : { team });
  });
});

describe('evaluate', () => {
  it('judges live resources on the tags the tagging API returned', () => {
    // Prepare
    const resources = [live('ok'), live('bad')];
    const tagged = [
      { arn: resources[0]?.arn ?? '', tags: good },
      { arn: resources[1]?.arn ?? '', tags: { Project: 'churn', Environment: 'qa' } },
    ];

    // Act
    const verdicts = evaluate({ live: resources, tagged, requirements, ownership });

    // Assess
    expect(verdicts.map((v) => [v.name, v.compliance, v.reason])).toEqual([
      ['ok', 'COMPLIANT', 'all required tags present'],
      ['bad', 'NON_COMPLIANT', 'missing CostCenter; not allowed Environment=qa'],
    ]);
    expect(verdicts[1]).toMatchObject({ project: 'churn', ownerTeam: 'data-science' });
  });

  it('treats a live resource absent from the tagging API as untagged (it never returns untagged resources)', () => {
    const [v] = evaluate({ live: [live('untagged')], tagged: [], requirements, ownership });
    expect(v).toMatchObject({
      compliance: 'NON_COMPLIANT',
      missing: ['Project', 'CostCenter', 'Environment'],
      ownerTeam: 'platform',
    });
  });

  it('marks a tagging API result with no live resource as deleted: NOT_APPLICABLE (stale tagging result)', () => {
    const arn = `${ARN}:endpoint/gone`;
    const [v] = evaluate({
      live: [],
      tagged: [{ arn, tags: { Project: 'churn' } }],
      requirements,
      ownership,
    });
    expect(v).toMatchObject({
      arn,
      kind: 'endpoint',
      name: 'gone',
      compliance: 'NOT_APPLICABLE',
      ownerTeam: 'data-science',
    });
    expect(v?.reason).toMatch(/deleted/);
  });

  it('marks resources evaluated before that no longer exist NOT_APPLICABLE, once', () => {
    const arn = `${ARN}:transform-job/old`;
    const verdicts = evaluate({
      live: [live('x')],
      tagged: [{ arn, tags: good }],
      requirements,
      ownership,
      previouslyEvaluated: [arn, live('x').arn, `${ARN}:processing-job/older`],
    });
    expect(verdicts.map((v) => [v.name, v.compliance])).toEqual([
      ['x', 'NON_COMPLIANT'],
      ['old', 'NOT_APPLICABLE'],
      ['older', 'NOT_APPLICABLE'],
    ]);
  });

  it.each(['Deleting', 'DeleteFailed'])(
    'marks an endpoint in status %s NOT_APPLICABLE',
    (status) => {
      const r = live('e', { kind: 'endpoint', arn: `${ARN}:endpoint/e`, status });
      const [v] = evaluate({ live: [r], tagged: [], requirements, ownership });
      expect(v?.compliance).toBe('NOT_APPLICABLE');
    },
  );

  describe('with a job window (jobLookbackDays)', () => {
    const oldJob = `${ARN}:training-job/old`;
    const goneEndpoint = `${ARN}:endpoint/gone`;

    it('does not report older jobs the tagging API returns but SageMaker did not list', () => {
      const verdicts = evaluate({
        live: [],
        tagged: [{ arn: oldJob, tags: good }],
        requirements,
        ownership,
        jobWindow: true,
      });
      expect(verdicts).toEqual([]);
    });

    it('marks a job reported before and now outside the window NOT_APPLICABLE, keeping its owner', () => {
      const [v] = evaluate({
        live: [],
        tagged: [{ arn: oldJob, tags: { Project: 'churn' } }],
        requirements,
        ownership,
        jobWindow: true,
        previouslyEvaluated: [oldJob],
      });
      expect(v).toMatchObject({ compliance: 'NOT_APPLICABLE', ownerTeam: 'data-science' });
      expect(v?.reason).toMatch(/out of scope.*jobLookbackDays/);
    });

    it('still marks endpoints the tagging API returns but SageMaker does not list as deleted', () => {
      const [v] = evaluate({
        live: [],
        tagged: [{ arn: goneEndpoint, tags: {} }],
        requirements,
        ownership,
        jobWindow: true,
      });
      expect(v).toMatchObject({ compliance: 'NOT_APPLICABLE' });
      expect(v?.reason).toMatch(/^deleted/);
    });
  });

  it('ignores tagging results of kinds the audit does not cover', () => {
    const verdicts = evaluate({
      live: [],
      tagged: [{ arn: `${ARN}:notebook-instance/nb`, tags: {} }],
      requirements,
      ownership,
    });
    expect(verdicts).toEqual([]);
  });
});

describe('toEvaluations', () => {
  it('reports each resource by ARN under the account resource type with the ordering timestamp', () => {
    const at = new Date('2026-11-26T03:00:00Z');
    const [v] = evaluate({ live: [live('j')], tagged: [], requirements, ownership });
    expect(toEvaluations(v ? [v] : [], at)).toEqual([
      {
        ComplianceResourceType: EVALUATION_RESOURCE_TYPE,
        ComplianceResourceId: `${ARN}:training-job/j`,
        ComplianceType: 'NON_COMPLIANT',
        Annotation: 'training-job j: missing Project, CostCenter, Environment',
        OrderingTimestamp: at,
      },
    ]);
  });

  it('keeps annotations within the 256 characters Config accepts', () => {
    const many = Array.from({ length: 60 }, (_, i) => ({ key: `RequiredTagNumber${i}` }));
    const [v] = evaluate({ live: [live('j')], tagged: [], requirements: many, ownership });
    const [e] = toEvaluations(v ? [v] : [], new Date());
    expect(e?.Annotation.length).toBe(256);
    expect(e?.Annotation.endsWith('…')).toBe(true);
  });
});

describe('chunk', () => {
  it.each([
    [0, []],
    [100, [100]],
    [101, [100, 1]],
    [250, [100, 100, 50]],
  ])('splits %i items into batches of at most 100', (n, sizes) => {
    expect(
      chunk(
        Array.from({ length: n }, (_, i) => i),
        100,
      ).map((c) => c.length),
    ).toEqual(sizes);
  });
});

describe('ownerReports', () => {
  const verdictsFor = (tagsByName: Record<string, Record<string, string>>) =>
    evaluate({
      live: Object.keys(tagsByName).map((n) => live(n)),
      tagged: Object.entries(tagsByName).map(([n, tags]) => ({ arn: live(n).arn, tags })),
      requirements,
      ownership,
    });
  const options = {
    emailTeams: ['platform', 'ml-engineering', 'data-science'],
    platformTeam: 'platform',
  };

  it('sends one message per owner team listing only its NON_COMPLIANT resources, grouped by project', () => {
    // Prepare
    const verdicts = verdictsFor({
      a: { Project: 'fraud-detection' },
      b: { Project: 'fraud-detection', CostCenter: 'x', Environment: 'qa' },
      c: { Project: 'churn' },
      d: good,
    });

    // Act
    const reports = ownerReports(verdicts, options);

    // Assess
    expect(reports.map((r) => [r.team, r.nonCompliant])).toEqual([
      ['data-science', 1],
      ['ml-engineering', 2],
    ]);
    const ml = reports[1]?.message ?? '';
    expect(ml).toContain('Project fraud-detection:');
    expect(ml).toContain('training-job a: missing CostCenter, Environment');
    expect(ml).toContain('training-job b: not allowed Environment=qa');
    expect(ml).not.toContain('training-job d');
  });

  it('routes resources without a known owner to the platform team', () => {
    const reports = ownerReports(verdictsFor({ lost: {} }), options);
    expect(reports.map((r) => r.team)).toEqual(['platform']);
    expect(reports[0]?.message).toContain('(no known project)');
  });

  it('routes resources of a team without an email address to the platform team', () => {
    const reports = ownerReports(verdictsFor({ x: { Team: 'no-email' } }), options);
    expect(reports).toMatchObject([{ team: 'platform', owners: ['no-email'] }]);
  });

  it('sends nothing when everything complies', () => {
    expect(ownerReports(verdictsFor({ d: good }), options)).toEqual([]);
  });

  it(`lists at most ${MAX_RESOURCES_PER_MESSAGE} resources and counts the rest`, () => {
    const names = Object.fromEntries(
      Array.from({ length: MAX_RESOURCES_PER_MESSAGE + 5 }, (_, i) => [`j${i}`, {}]),
    );
    const [report] = ownerReports(verdictsFor(names), options);
    expect(report?.nonCompliant).toBe(MAX_RESOURCES_PER_MESSAGE + 5);
    expect(report?.message).toContain('… and 5 more');
    expect(report?.subject.length).toBeLessThan(100);
  });
});
