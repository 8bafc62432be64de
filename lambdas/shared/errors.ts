/** Narrow a caught `unknown` to an Error, wrapping anything else so `cause` is never lost. */
export function assertIsError(value: unknown): asserts value is Error {
  if (!(value instanceof Error)) {
    throw new Error(`Non-Error thrown: ${String(value)}`, { cause: value });
  }
}

/** The AWS SDK error name (`ThrottlingException`, `ValidationException`, ...), if any. */
export function awsErrorName(err: unknown): string | undefined {
  if (err && typeof err === 'object' && 'name' in err && typeof err.name === 'string')
    return err.name;
  return undefined;
}

/** The AWS SDK error message, or the string form of whatever was thrown. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * True when AWS answered that the resource does not exist by error name: SageMaker
 * `ResourceNotFound` (SageMaker API Reference, Common Errors), other services
 * `ResourceNotFoundException`. Callers that also accept a service's wording add it on top.
 */
export function isResourceNotFound(err: unknown): boolean {
  const name = awsErrorName(err);
  return name === 'ResourceNotFound' || name === 'ResourceNotFoundException';
}
