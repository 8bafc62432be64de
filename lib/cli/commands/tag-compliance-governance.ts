/**
 * `guardrails tag-compliance governance`: print, or write to a folder, the service control
 * policy (or policies) and the tag policy that stop tag spoofing and self-exemption, for the
 * management account to attach. All logic is in `runTagComplianceGovernance`; the module is a
 * thin parse-and-print shell.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GuardrailsPolicy } from '../../config/schema';
import {
  type GovernanceDocuments,
  governanceDocuments,
  policySize,
  SCP_MAX_CHARS,
} from '../../tag-compliance/governance';
import { CliError, type CommandModule, stringOption } from '../command';

export interface GovernanceRunOptions {
  readonly output?: string;
  readonly guardrailsRoleNames?: readonly string[];
  readonly platformRoleNames?: readonly string[];
}

export interface GovernanceFile {
  readonly path: string;
  readonly kind: 'SERVICE_CONTROL_POLICY' | 'TAG_POLICY';
  readonly characters: number;
}

export interface GovernanceReport {
  readonly ok: true;
  readonly documents: GovernanceDocuments;
  /** Files written with --output (empty otherwise). */
  readonly files: readonly GovernanceFile[];
}

/** Writes one file; tests pass their own. */
export type WriteFile = (path: string, text: string) => void;

const defaultWrite: WriteFile = (path, text) => {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
};

function attachHint(docs: GovernanceDocuments, dir: string | undefined): string[] {
  const where = (name: string) => (dir ? join(dir, `${name}.json`) : `${name}.json`);
  return [
    'Attach from the management account (the SCPs to the OUs or accounts that run SageMaker work):',
    ...docs.serviceControlPolicies.map(
      (p) =>
        `  aws organizations create-policy --type SERVICE_CONTROL_POLICY --name ${p.name} --description "ml-guardrails tag governance" --content file://${where(p.name)}`,
    ),
    `  aws organizations create-policy --type TAG_POLICY --name ${docs.tagPolicy.name} --description "ml-guardrails project tag values" --content file://${where(docs.tagPolicy.name)}`,
    '  aws organizations attach-policy --policy-id <id> --target-id <ou-or-account-id>',
  ];
}

/** Derive the documents from the policy; with `output`, write one JSON file per document. */
export function runTagComplianceGovernance(
  policy: GuardrailsPolicy,
  options: GovernanceRunOptions = {},
  write: WriteFile = defaultWrite,
): { exitCode: 0; text: string; json: GovernanceReport } {
  let documents: GovernanceDocuments;
  try {
    documents = governanceDocuments(policy, {
      ...(options.guardrailsRoleNames && options.guardrailsRoleNames.length > 0
        ? { guardrailsRoleNames: options.guardrailsRoleNames }
        : {}),
      ...(options.platformRoleNames ? { platformRoleNames: options.platformRoleNames } : {}),
    });
  } catch (err) {
    throw new CliError(err instanceof Error ? err.message : String(err));
  }
  const all = [
    ...documents.serviceControlPolicies.map((p) => ({
      name: p.name,
      kind: 'SERVICE_CONTROL_POLICY' as const,
      document: p.document,
    })),
    {
      name: documents.tagPolicy.name,
      kind: 'TAG_POLICY' as const,
      document: documents.tagPolicy.document,
    },
  ];
  const files: GovernanceFile[] = [];
  const lines: string[] = [];
  if (options.output !== undefined) {
    for (const d of all) {
      const path = join(options.output, `${d.name}.json`);
      write(path, `${JSON.stringify(d.document, null, 2)}\n`);
      files.push({ path, kind: d.kind, characters: policySize(d.document) });
      lines.push(`wrote ${path} (${d.kind}, ${policySize(d.document)} characters)`);
    }
  } else {
    for (const d of all)
      lines.push(
        `# ${d.name} (${d.kind}, ${policySize(d.document)} characters${d.kind === 'SERVICE_CONTROL_POLICY' ? ` of ${SCP_MAX_CHARS}` : ''})`,
        JSON.stringify(d.document, null, 2),
        '',
      );
  }
  lines.push(...attachHint(documents, options.output));
  return { exitCode: 0, text: lines.join('\n'), json: { ok: true, documents, files } };
}

function listOption(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined;
}

export const tagComplianceGovernanceCommand: CommandModule = {
  options: [
    { flags: '--output <dir>', description: 'write one JSON file per document into this folder' },
    {
      flags: '--guardrails-role <pattern>',
      description: "role-name pattern of the guardrails' own roles (default: <stack prefix>-*)",
      repeatable: true,
    },
    {
      flags: '--platform-role <pattern>',
      description:
        'role-name pattern of the platform team, besides principals tagged Team=<paging.platformTeam>',
      repeatable: true,
    },
  ],
  help: [
    'Derives from the policy the AWS Organizations documents the management account attaches:',
    'service control policies (each under 5,120 characters) that let a principal set the project',
    'tag only to its own principal tag, forbid changing it, and keep the exemption tag to the',
    'platform team; and a tag policy listing the allowed project values. See docs/threat-model.md.',
  ].join('\n'),
  async run({ options, loadPolicy }) {
    const guardrailsRoleNames = listOption(options.guardrailsRole);
    const platformRoleNames = listOption(options.platformRole);
    const output = stringOption(options, 'output');
    return runTagComplianceGovernance(loadPolicy(), {
      ...(output !== undefined ? { output } : {}),
      ...(guardrailsRoleNames ? { guardrailsRoleNames } : {}),
      ...(platformRoleNames ? { platformRoleNames } : {}),
    });
  },
};
