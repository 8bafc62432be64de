import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type ApiContract,
  checkApiContract,
  parseApiContract,
  phaseFor,
  phaseStarts,
  timelineFor,
  toDay,
} from '../../lib/contracts/api-contract';
import { ROOT } from './helpers';

const EXAMPLE_FILE = path.join(ROOT, 'config', 'examples', 'api_contract.yaml');
const example = (): ApiContract =>
  parseApiContract(readFileSync(EXAMPLE_FILE, 'utf8'), EXAMPLE_FILE);

/** The example with version v2 (deprecated, EOL 2027-01-15) changed. */
function withV2(change: Partial<ApiContract['versions'][number]>): ApiContract {
  const c = example();
  return { ...c, versions: c.versions.map((v) => (v.version === 'v2' ? { ...v, ...change } : v)) };
}

const rules = (c: ApiContract, today = '2026-11-26') =>
  checkApiContract(c, today).violations.map((v) => v.rule);

describe('deprecation timeline (end of life 2027-01-15)', () => {
  // The boundary day belongs to the later phase: T-90 is already announce, T-0 is delete.
  it.each([
    ['2026-10-16', 91, 'scheduled', 'announce', '2026-10-17'],
    ['2026-10-17', 90, 'announce', 'brownout', '2026-11-16'],
    ['2026-11-15', 61, 'announce', 'brownout', '2026-11-16'],
    ['2026-11-16', 60, 'brownout', 'blackout', '2026-12-16'],
    ['2026-12-15', 31, 'brownout', 'blackout', '2026-12-16'],
    ['2026-12-16', 30, 'blackout', 'delete', '2027-01-15'],
    ['2027-01-14', 1, 'blackout', 'delete', '2027-01-15'],
    ['2027-01-15', 0, 'delete', undefined, undefined],
    ['2027-03-01', -45, 'delete', undefined, undefined],
  ])('on %s (T-%i) the phase is %s, next %s on %s', (today, days, phase, next, nextOn) => {
    // Act
    const entry = timelineFor('v2', '2027-01-15', toDay(today) as number);
    // Assess
    expect(entry).toMatchObject({ daysToEol: days, phase });
    expect(entry.nextPhase).toBe(next);
    expect(entry.nextPhaseOn).toBe(nextOn);
  });

  it('dates each phase start back from the end of life', () => {
    expect(timelineFor('v2', '2027-01-15', toDay('2026-12-20') as number)).toEqual({
      version: 'v2',
      endOfLife: '2027-01-15',
      daysToEol: 26,
      phase: 'blackout',
      phaseStartedOn: '2026-12-16',
      nextPhase: 'delete',
      nextPhaseOn: '2027-01-15',
    });
  });

  it('counts calendar days across a leap day', () => {
    // 2028 is a leap year: 2028-02-29 exists, so 2028-03-31 is 31 days after it.
    expect(timelineFor('v', '2028-03-31', toDay('2028-02-29') as number).daysToEol).toBe(31);
    expect(phaseFor(31)).toBe('brownout');
  });
});

describe('checkApiContract', () => {
  it('finds no violation in the shipped example and shows v2 in brownout', () => {
    // Act
    const report = checkApiContract(example(), '2026-11-26');
    // Assess
    expect(report.violations).toEqual([]);
    expect(report.timeline).toEqual([
      expect.objectContaining({ version: 'v2', phase: 'brownout', daysToEol: 50 }),
    ]);
  });

  it.each([
    [
      'an end of life sooner than the 90-day notice period',
      withV2({ deprecatedOn: '2026-12-01' }),
      'notice-too-short',
    ],
    [
      'a deprecated version without announcement date ending within the notice period',
      withV2({ deprecatedOn: undefined, endOfLife: '2027-01-15' }),
      'notice-too-short',
    ],
    [
      'more previous versions kept than the policy allows',
      { ...example(), deprecationPolicy: { noticePeriodDays: 90, previousVersionsKept: 0 } },
      'too-many-previous-versions',
    ],
    [
      'a sunset version still served',
      {
        ...example(),
        versions: example().versions.map((v) => (v.version === 'v1' ? { ...v, served: true } : v)),
      },
      'sunset-still-served',
    ],
    [
      'a deprecated version without a migration guide',
      withV2({ migrationGuide: undefined }),
      'missing-migration-guide',
    ],
    [
      'a deprecated version without an end of life',
      withV2({ endOfLife: undefined }),
      'missing-end-of-life',
    ],
    [
      'a currentVersion that is not listed',
      { ...example(), currentVersion: 'v4' },
      'current-version',
    ],
    [
      'a currentVersion that is deprecated',
      { ...example(), currentVersion: 'v2' },
      'current-version',
    ],
    ['two current versions', withV2({ status: 'current' }), 'current-version'],
    [
      'a version listed twice',
      {
        ...example(),
        versions: [
          ...example().versions,
          { version: 'v1', status: 'sunset' as const, endOfLife: '2026-06-01' },
        ],
      },
      'duplicate-version',
    ],
  ])('reports %s', (_name, contract, rule) => {
    expect(rules(contract)).toContain(rule);
  });

  it('accepts a notice of exactly the notice period', () => {
    // 2026-10-17 + 90 days = 2027-01-15
    expect(rules(withV2({ deprecatedOn: '2026-10-17' }))).toEqual([]);
  });

  it('flags a deprecated version still served on and after its end-of-life day', () => {
    expect(rules(example(), '2027-01-14')).toEqual([]);
    expect(rules(example(), '2027-01-15')).toEqual(['past-end-of-life']);
  });

  it('counts a sunset version that is still served as a kept previous version', () => {
    // Act
    const c = {
      ...example(),
      versions: example().versions.map((v) => (v.version === 'v1' ? { ...v, served: true } : v)),
    };
    // Assess
    expect(rules(c)).toEqual(['sunset-still-served', 'too-many-previous-versions']);
  });
});

describe('parseApiContract', () => {
  it.each([
    [
      'an impossible date',
      'endOfLife: 2027-01-15',
      'endOfLife: 2027-02-30',
      'c.yaml:15 versions[1].endOfLife: is not a calendar date',
    ],
    [
      'an unknown status',
      'status: deprecated',
      'status: retired',
      'c.yaml:12 versions[1].status: must be one of "current", "deprecated", "sunset" (got "retired")',
    ],
  ])('reports %s as file:line path: message', (_name, from, to, message) => {
    // Prepare
    const bad = readFileSync(EXAMPLE_FILE, 'utf8').replace(from, to);
    // Act / Assess
    expect(() => parseApiContract(bad, 'c.yaml')).toThrow(message);
  });

  it('reads a numeric version as text', () => {
    // Act
    const c = parseApiContract(
      'name: a\ncurrentVersion: 2\nversions: [{ version: 2, status: current }]\ndeprecationPolicy: { noticePeriodDays: 90, previousVersionsKept: 1 }\nsla: { availabilityPct: 99.9, p99LatencyMs: 100, errorRatePct: 0.1 }\n',
      'c.yaml',
    );
    // Assess
    expect(c.currentVersion).toBe('2');
    expect(c.versions[0]?.version).toBe('2');
  });
});

describe('checkApiContract against the policy', () => {
  const models = [{ name: 'fraud_detection', sla: { p99LatencyMs: 150, availabilityPct: 99.95 } }];

  it('accepts an SLA equal to or looser than the policy', () => {
    // Prepare
    const c = example();
    const looser = { ...c, sla: { ...c.sla, p99LatencyMs: 300, availabilityPct: 99.9 } };
    // Act / Assess
    expect(checkApiContract(c, '2026-11-26', { policyModels: models }).violations).toEqual([]);
    expect(checkApiContract(looser, '2026-11-26', { policyModels: models }).violations).toEqual([]);
  });

  it('reports an SLA that promises more than the policy', () => {
    // Prepare
    const c = example();
    const tighter = { ...c, sla: { ...c.sla, p99LatencyMs: 100, availabilityPct: 99.99 } };
    // Act
    const report = checkApiContract(tighter, '2026-11-26', { policyModels: models });
    // Assess
    expect(report.violations.map((v) => v.message)).toEqual([
      "the contract promises p99 100 ms, tighter than the policy's 150 ms for fraud_detection",
      "the contract promises 99.99% availability, more than the policy's 99.95% for fraud_detection",
    ]);
  });

  it('reports a model the policy does not know', () => {
    // Act
    const report = checkApiContract({ ...example(), model: 'nope' }, '2026-11-26', {
      policyModels: models,
    });
    // Assess
    expect(report.violations).toEqual([
      {
        rule: 'unknown-model',
        message: 'model nope is not in the guardrails policy (known: fraud_detection)',
      },
    ]);
  });
});

describe("the chapter's api_contract.yaml", () => {
  const CHAPTER_FILE = path.join(
    ROOT,
    'test',
    'fixtures',
    'contracts',
    'api-contracts',
    'chapter.yaml',
  );
  const chapter = () => parseApiContract(readFileSync(CHAPTER_FILE, 'utf8'), CHAPTER_FILE);

  it('is accepted exactly as printed and read into the project format', () => {
    // Act
    const c = chapter();
    // Assess
    expect(c).toEqual({
      name: 'fraud_detection',
      model: 'fraud_detection',
      currentVersion: 'v3',
      versions: [
        { version: 'v3', status: 'current' },
        {
          version: 'v2',
          status: 'deprecated',
          endOfLife: '2024-06-01',
          migrationGuide: 'docs/v2-to-v3-migration.md',
        },
        { version: 'v1', status: 'sunset', endOfLife: '2024-01-01' },
      ],
      deprecationPolicy: { noticePeriodDays: 90, previousVersionsKept: 2, brownoutTesting: true },
      sla: { availabilityPct: 99.9, p99LatencyMs: 200, errorRatePct: 0.1 },
    });
  });

  it('honours brownout_testing: a deprecated version without brownout and blackout dates is a violation', () => {
    // Act
    const report = checkApiContract(chapter(), '2024-03-01');
    // Assess
    expect(report.violations.map((v) => [v.rule, v.version])).toEqual([
      ['missing-brownout-plan', 'v2'],
    ]);
  });

  it.each([
    ['brownout and blackout in order before the end of life', '2024-04-01', '2024-05-01', []],
    ['a blackout before the brownout', '2024-05-01', '2024-04-01', ['missing-brownout-plan']],
    ['a blackout on the end-of-life day', '2024-04-01', '2024-06-01', ['missing-brownout-plan']],
  ])('with %s reports %j', (_name, brownoutOn, blackoutOn, expected) => {
    // Prepare
    const c = chapter();
    const planned = {
      ...c,
      versions: c.versions.map((v) => (v.version === 'v2' ? { ...v, brownoutOn, blackoutOn } : v)),
    };
    // Act / Assess
    expect(checkApiContract(planned, '2024-03-01').violations.map((v) => v.rule)).toEqual(expected);
  });

  it.each([
    [
      'availability: 99.9',
      'availability: 99.9 percent',
      'sla.availability: must be a percentage like 99.9%',
    ],
    [
      'latency_p99: 200ms',
      'latency_p99: 200 minutes',
      'sla.latency_p99: must be a duration like 200ms or 1s',
    ],
    [
      'migration_guide: "docs/v2-to-v3-migration.md"',
      'migration_guide: "http://x.example.com"',
      'must be an https URL or a repository path',
    ],
  ])('reports a bad value (%s) at its line', (from, to, message) => {
    // Prepare
    const bad = readFileSync(CHAPTER_FILE, 'utf8').replace(from, to);
    // Act / Assess
    expect(() => parseApiContract(bad, 'c.yaml')).toThrow(message);
  });

  it('reads 1s as 1000 ms', () => {
    const text = readFileSync(CHAPTER_FILE, 'utf8').replace(
      'latency_p99: 200ms',
      'latency_p99: 1s',
    );
    expect(parseApiContract(text, 'c.yaml').sla.p99LatencyMs).toBe(1000);
  });
});

describe('phases derived from the notice period', () => {
  it.each([
    [90, { announce: 90, brownout: 60, blackout: 30, delete: 0 }],
    [60, { announce: 60, brownout: 40, blackout: 20, delete: 0 }],
    [30, { announce: 30, brownout: 20, blackout: 10, delete: 0 }],
  ])('a %i-day notice starts the phases at %j days before the end of life', (notice, starts) => {
    expect(phaseStarts(notice)).toEqual(starts);
  });

  it('places a version in brownout 40 days before its end of life under a 60-day notice', () => {
    // Prepare
    const c = example();
    const short = { ...c, deprecationPolicy: { ...c.deprecationPolicy, noticePeriodDays: 60 } };
    // Act: 2027-01-15 is 40 days after 2026-12-06.
    const report = checkApiContract(short, '2026-12-06');
    // Assess
    expect(report.timeline[0]).toMatchObject({
      version: 'v2',
      phase: 'brownout',
      nextPhaseOn: '2026-12-26',
    });
  });
});
