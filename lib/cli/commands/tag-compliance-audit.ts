import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { type AuditClients, auditAccount } from '../../../lambdas/tag-compliance/audit';
import { summarize } from '../../../lambdas/tag-compliance/evaluate';
import type { Verdict } from '../../../lambdas/tag-compliance/types';
import { type CommandModule, projectOption } from '../command';

/** Non-compliant resources of one project and owner team. */
export interface AuditGroup {
  readonly project: string | null;
  readonly ownerTeam: string;
  readonly resources: {
    readonly arn: string;
    readonly kind: string;
    readonly name: string;
    readonly missing: readonly string[];
    readonly invalid: readonly { readonly key: string; readonly value: string }[];
  }[];
}

/** The `--json` document. */
export interface AuditReport {
  readonly region: string;
  readonly project: string | null;
  readonly checked: number;
  readonly compliant: number;
  readonly nonCompliant: number;
  readonly notApplicable: number;
  readonly groups: AuditGroup[];
}

/** Group NON_COMPLIANT verdicts by project, then owner team; sorted for stable output. */
export function groupNonCompliant(verdicts: readonly Verdict[]): AuditGroup[] {
  const groups = new Map<string, AuditGroup>();
  for (const v of verdicts) {
    if (v.compliance !== 'NON_COMPLIANT') continue;
    const key = `${v.project ?? ''}\u0000${v.ownerTeam}`;
    const group = groups.get(key) ?? {
      project: v.project ?? null,
      ownerTeam: v.ownerTeam,
      resources: [],
    };
    group.resources.push({
      arn: v.arn,
      kind: v.kind,
      name: v.name,
      missing: v.missing,
      invalid: v.invalid,
    });
    groups.set(key, group);
  }
  return [...groups.values()].sort(
    (a, b) =>
      (a.project ?? '\uffff').localeCompare(b.project ?? '\uffff') ||
      a.ownerTeam.localeCompare(b.ownerTeam),
  );
}

function problems(r: AuditGroup['resources'][number]): string {
  const parts: string[] = [];
  if (r.missing.length > 0) parts.push(`missing ${r.missing.join(', ')}`);
  if (r.invalid.length > 0)
    parts.push(`not allowed ${r.invalid.map((i) => `${i.key}=${i.value}`).join(', ')}`);
  return parts.join('; ');
}

/** The human-readable report. */
export function formatReport(report: AuditReport): string {
  const scope = report.project ? ` of project ${report.project}` : '';
  const lines = [
    `Tag audit${scope} in ${report.region}: ${report.checked} SageMaker resources checked, ${report.nonCompliant} non-compliant, ${report.compliant} compliant, ${report.notApplicable} not applicable (deleted or out of scope).`,
  ];
  for (const g of report.groups) {
    lines.push('', `Project ${g.project ?? '(no known project)'} - owner ${g.ownerTeam}:`);
    const width = Math.max(...g.resources.map((r) => `${r.kind} ${r.name}`.length));
    for (const r of g.resources)
      lines.push(`  ${`${r.kind} ${r.name}`.padEnd(width)}  ${problems(r)}`);
  }
  if (report.nonCompliant === 0) lines.push('', 'Every resource carries the required tags.');
  return lines.join('\n');
}

/** Client settings: the SDK's standard chain, and a connection that gives up quickly. */
const CLIENT_CONFIG = { requestHandler: { connectionTimeout: 3_000 } };

/** Builds the command; tests replace the clients. */
export function createTagComplianceAuditCommand(
  clients: () => AuditClients = () => ({
    sagemaker: new SageMakerClient(CLIENT_CONFIG),
    tagging: new ResourceGroupsTaggingAPIClient(CLIENT_CONFIG),
  }),
): CommandModule {
  return {
    options: [
      {
        flags: '--project <id>',
        description: "only resources tagged with this project id (see the policy's projects)",
      },
    ],
    aws: true,
    help: `Audits the SageMaker training, processing, transform and tuning jobs, endpoints and inference
components that AWS Config does not record, in the account and region the AWS SDK's standard
configuration selects (--profile, --region, AWS_PROFILE, AWS_REGION, ~/.aws/config). Uses the
same evaluator as the periodic Config rule. Reads only: sagemaker:List*, sagemaker:ListTags,
tag:GetResources.

--json prints { region, project, checked, compliant, nonCompliant, notApplicable, groups:
[{ project, ownerTeam, resources: [{ arn, kind, name, missing, invalid: [{ key, value }] }] }] }.

Exit code 0 when every resource complies, 1 when some do not (or AWS could not be read),
2 on a usage error.`,
    checkInput: ({ options, loadPolicy }) => {
      projectOption(options, loadPolicy());
    },
    async run({ options, io, loadPolicy }) {
      const policy = loadPolicy();
      const project = projectOption(options, policy);

      const c = clients();
      const region = await c.sagemaker.config.region();
      io.progress(`tag-compliance audit: listing SageMaker resources in ${region}`);
      const { verdicts } = await auditAccount(c, policy, {
        jobLookbackDays: policy.tagCompliance.jobLookbackDays,
      });
      const selected =
        project === undefined ? verdicts : verdicts.filter((v) => v.project === project);
      const counts = summarize(selected);
      const report: AuditReport = {
        region,
        project: project ?? null,
        checked: selected.length,
        compliant: counts.COMPLIANT,
        nonCompliant: counts.NON_COMPLIANT,
        notApplicable: counts.NOT_APPLICABLE,
        groups: groupNonCompliant(selected),
      };
      return {
        exitCode: report.nonCompliant > 0 ? 1 : 0,
        text: formatReport(report),
        json: report,
      };
    },
  };
}

export const tagComplianceAuditCommand = createTagComplianceAuditCommand();
