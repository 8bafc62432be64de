/**
 * Shapes shared by the Production Readiness Review checks. A check is a pure function of the
 * gathered context (files already read), so every check is table-testable without a disk.
 */
import type { GuardrailsPolicy } from '../../config/schema';
import type { Deployment } from '../deployment';
import type { ReviewDocument } from './review';
import type { SecretScanResult } from './secrets/scan';

export const CHECK_STATUSES = ['pass', 'warn', 'fail'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

/** The outcome of one review check. */
export interface CheckResult {
  readonly id: string;
  readonly title: string;
  /** A failed blocking check fails the review (exit code 1); advisory ones at most warn. */
  readonly blocking: boolean;
  readonly status: CheckStatus;
  /** Why: what was found or what is missing, one finding per entry. */
  readonly details: readonly string[];
}

/** A text file of the model directory, path relative to it with `/` separators. */
export interface SourceFile {
  readonly path: string;
  readonly text: string;
}

/** What walking the model directory found. */
export interface ModelFiles {
  readonly root: string;
  /** Source files that were read. */
  readonly files: readonly SourceFile[];
  /** Directories or files that could not be read. */
  readonly errors: readonly string[];
}

/** A file named by deployment.yaml, read or not. */
export type ReferencedFile =
  | { readonly path: string; readonly text: string }
  | { readonly path: string; readonly error: string };

/** Everything the checks look at, gathered up front by `gather.ts`. */
export interface PrrContext {
  readonly deploymentFile: string;
  readonly deployment: Deployment;
  readonly policy: GuardrailsPolicy;
  readonly model: ModelFiles;
  /** The secret scan of every file of the model directory. */
  readonly secretScan: SecretScanResult;
  /** The files deployment.yaml points to (model card, load test, IAM policy), when set. */
  readonly modelCard?: ReferencedFile;
  readonly loadTest?: ReferencedFile;
  readonly iamPolicy?: ReferencedFile;
  /** The signed review document, when `--review` names one. */
  readonly review?: ReviewDocument;
  /** The review day (YYYY-MM-DD, UTC): rehearsal ages are counted to it. */
  readonly today: string;
  /** Whether the policy's operating model makes the signed review mandatory (model B). */
  readonly reviewRequired?: boolean;
}

/** One review check: its identity, whether it blocks, and its pure evaluation. */
export interface PrrCheck {
  readonly id: string;
  readonly title: string;
  readonly blocking: boolean;
  evaluate(ctx: PrrContext): { status: CheckStatus; details: string[] };
}
