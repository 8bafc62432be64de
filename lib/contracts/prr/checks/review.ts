/** The signed review: every approver signed, every manual item ticked. */
import { reviewProblems } from '../review';
import type { PrrCheck } from '../types';

export const reviewCheck: PrrCheck = {
  id: 'review-signoff',
  title: 'Review document signed',
  blocking: true,
  evaluate: ({ review, reviewRequired, deployment }) => {
    if (review === undefined)
      return reviewRequired
        ? {
            status: 'fail',
            details: [
              'the operating model (B, the handover) requires the signed review: pass --review PRR.md',
            ],
          }
        : { status: 'warn', details: ['no review document given (--review PRR.md)'] };
    const problems = reviewProblems(review, {
      model: deployment.model.name,
      version: deployment.model.version,
    });
    if (problems.length > 0) return { status: 'fail', details: problems };
    return {
      status: 'pass',
      details: [
        `${review.file}: ${review.ticked} items ticked, signed by ${review.approvals
          .filter((a) => a.signature !== '')
          .map((a) => a.role)
          .join(', ')} (${review.date})`,
      ],
    };
  },
};
