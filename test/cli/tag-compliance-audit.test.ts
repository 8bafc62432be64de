import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import {
  ListEndpointsCommand,
  ListHyperParameterTuningJobsCommand,
  ListInferenceComponentsCommand,
  ListProcessingJobsCommand,
  ListTrainingJobsCommand,
  ListTransformJobsCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type AuditReport,
  createTagComplianceAuditCommand,
} from '../../lib/cli/commands/tag-compliance-audit';
import { main } from '../../lib/cli/main';
import { EXAMPLE_POLICY_FILE } from '../helpers/app';

const sm = mockClient(SageMakerClient);
const tagging = mockClient(ResourceGroupsTaggingAPIClient);
const ARN = 'arn:aws:sagemaker:eu-west-1:111122223333';

const full = (project: string, costCenter: string, team: string) => [
  { Key: 'Environment', Value: 'prod' },
  { Key: 'Project', Value: project },
  { Key: 'CostCenter', Value: costCenter },
  { Key: 'Team', Value: team },
  { Key: 'ModelName', Value: 'none' },
  { Key: 'ManagedBy', Value: 'cdk' },
  { Key: 'CreatedBy', Value: 'ci' },
];

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

beforeEach(() => {
  sm.on(ListTrainingJobsCommand).resolves({
    TrainingJobSummaries: ['ok', 'fraud-untagged', 'orphan'].map((n) => ({
      TrainingJobName: n,
      TrainingJobArn: `${ARN}:training-job/${n}`,
      TrainingJobStatus: 'Completed',
      CreationTime: new Date('2026-01-01T00:00:00Z'),
    })),
  });
  sm.on(ListEndpointsCommand).resolves({
    Endpoints: [
      {
        EndpointName: 'churn-ep',
        EndpointArn: `${ARN}:endpoint/churn-ep`,
        EndpointStatus: 'InService',
        CreationTime: new Date('2026-01-01T00:00:00Z'),
        LastModifiedTime: new Date('2026-01-01T00:00:00Z'),
      },
    ],
  });
  sm.on(ListProcessingJobsCommand).resolves({});
  sm.on(ListTransformJobsCommand).resolves({});
  sm.on(ListHyperParameterTuningJobsCommand).resolves({});
  sm.on(ListInferenceComponentsCommand).resolves({});
  tagging.on(GetResourcesCommand).resolves({
    ResourceTagMappingList: [
      {
        ResourceARN: `${ARN}:training-job/ok`,
        Tags: full('fraud-detection', 'CC-1', 'ml-engineering'),
      },
      {
        ResourceARN: `${ARN}:training-job/fraud-untagged`,
        Tags: [
          { Key: 'Project', Value: 'fraud-detection' },
          { Key: 'Environment', Value: 'qa' },
        ],
      },
      {
        ResourceARN: `${ARN}:endpoint/churn-ep`,
        Tags: full('churn-prediction', 'CC-3', 'data-science').filter(
          (t) => t.Key !== 'CostCenter',
        ),
      },
      {
        ResourceARN: `${ARN}:training-job/deleted`,
        Tags: [{ Key: 'Project', Value: 'fraud-detection' }],
      },
    ],
  });
});

afterEach(() => {
  sm.reset();
  tagging.reset();
});

describe('guardrails tag-compliance audit', () => {
  it('prints non-compliant resources grouped by project and owner, and exits 1', async () => {
    // Prepare
    const { io, out } = capture();

    // Act
    const code = await main(['tag-compliance', 'audit', '--policy', EXAMPLE_POLICY_FILE], io);

    // Assess
    expect(code).toBe(1);
    expect(out.join('\n')).toBe(
      [
        'Tag audit in eu-west-1: 5 SageMaker resources checked, 3 non-compliant, 1 compliant, 1 not applicable (deleted or out of scope).',
        '',
        'Project churn-prediction - owner data-science:',
        '  endpoint churn-ep  missing CostCenter',
        '',
        'Project fraud-detection - owner ml-engineering:',
        '  training-job fraud-untagged  missing CostCenter, Team, ModelName, ManagedBy, CreatedBy; not allowed Environment=qa',
        '',
        'Project (no known project) - owner platform:',
        '  training-job orphan  missing Environment, Project, CostCenter, Team, ModelName, ManagedBy, CreatedBy',
      ].join('\n'),
    );
  });

  it('documents its --json output as a stable document', async () => {
    const { io, out } = capture();
    const code = await main(
      [
        'tag-compliance',
        'audit',
        '--json',
        '--project',
        'churn-prediction',
        '--policy',
        EXAMPLE_POLICY_FILE,
      ],
      io,
    );
    const report = JSON.parse(out.join('')) as AuditReport;
    expect(code).toBe(1);
    expect(report).toEqual({
      region: 'eu-west-1',
      project: 'churn-prediction',
      checked: 1,
      compliant: 0,
      nonCompliant: 1,
      notApplicable: 0,
      groups: [
        {
          project: 'churn-prediction',
          ownerTeam: 'data-science',
          resources: [
            {
              arn: `${ARN}:endpoint/churn-ep`,
              kind: 'endpoint',
              name: 'churn-ep',
              missing: ['CostCenter'],
              invalid: [],
            },
          ],
        },
      ],
    });
  });

  it('exits 0 and says so when the selected project complies', async () => {
    tagging.on(GetResourcesCommand).resolves({
      ResourceTagMappingList: [
        {
          ResourceARN: `${ARN}:training-job/ok`,
          Tags: full('fraud-detection', 'CC-1', 'ml-engineering'),
        },
      ],
    });
    const { io, out } = capture();
    const code = await main(
      ['tag-compliance', 'audit', '--project', 'fraud-detection', '--policy', EXAMPLE_POLICY_FILE],
      io,
    );
    expect(code).toBe(0);
    expect(out.join('\n')).toContain('Every resource carries the required tags.');
  });

  it('rejects an unknown project with the known ids (exit 2)', async () => {
    const { io, err } = capture();
    const code = await main(
      ['tag-compliance', 'audit', '--project', 'nope', '--policy', EXAMPLE_POLICY_FILE],
      io,
    );
    expect(code).toBe(2);
    expect(err.join('\n')).toContain(
      '--project "nope" is not a project of the policy (fraud-detection, real-time-bidding, churn-prediction)',
    );
  });

  it('names the missing IAM action in one line and exits 1 when access is denied', async () => {
    // Prepare
    tagging
      .on(GetResourcesCommand)
      .rejects(
        Object.assign(
          new Error(
            'User: arn:aws:sts::111122223333:assumed-role/ci/x is not authorized to perform: tag:GetResources because no identity-based policy allows the tag:GetResources action',
          ),
          { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } },
        ),
      );
    const { io, err } = capture();
    // Act
    const code = await main(['tag-compliance', 'audit', '--policy', EXAMPLE_POLICY_FILE], io);
    // Assess
    expect(code).toBe(1);
    expect(err.at(-1)).toBe(
      'guardrails tag-compliance audit: access denied: the AWS identity needs tag:GetResources; ask your AWS administrator to allow it (or use another --profile)',
    );
  });

  it('is listed in guardrails --help', async () => {
    const { io, out } = capture();
    await main(['--help'], io);
    expect(out.join('\n')).toMatch(
      /tag-compliance audit\s+List SageMaker resources that lack the required tags/,
    );
  });

  it('explains a missing AWS region instead of crashing (exit 1)', async () => {
    // Prepare: a client whose standard configuration found no region.
    const command = createTagComplianceAuditCommand(() => ({
      sagemaker: new SageMakerClient({
        region: async () => {
          throw new Error('Region is missing');
        },
      }),
      tagging: new ResourceGroupsTaggingAPIClient({}),
    }));
    const { io, err } = capture();
    const commands = [
      { path: ['tag-compliance', 'audit'], summary: 's', load: async () => command },
    ];

    // Act
    const code = await main(['tag-compliance', 'audit', '--policy', EXAMPLE_POLICY_FILE], io, {
      commands,
    });

    // Assess
    expect(code).toBe(1);
    expect(err.join('\n')).toBe(
      'guardrails tag-compliance audit: no AWS region: pass --region <region> or set AWS_REGION (or a region in the profile of ~/.aws/config)',
    );
  });
});
