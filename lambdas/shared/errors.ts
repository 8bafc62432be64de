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
