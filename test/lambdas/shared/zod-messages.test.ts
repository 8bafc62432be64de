/**
 * `zod/mini` ships no locale: without lambdas/shared/zod-messages.ts a bundled parser would say
 * only "Invalid input". This file imports `zod/mini` alone (never the full `zod`, which sets the
 * English messages itself), as a function bundle does.
 */

import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import '../../../lambdas/shared/zod-messages';

describe('zod/mini issue messages', () => {
  it('reads as the full zod build does: expected and received type, bounds', () => {
    // Prepare
    const schema = z.object({
      name: z.string().check(z.minLength(1)),
      kind: z.enum(['a', 'b']),
      count: z.number().check(z.int(), z.gte(1)),
    });
    // Act
    const result = schema.safeParse({ name: '', kind: 'c', count: 'x' });
    // Assess
    expect(result.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      'name: Too small: expected string to have >=1 characters',
      'kind: Invalid option: expected one of "a"|"b"',
      'count: Invalid input: expected number, received string',
    ]);
  });
});
