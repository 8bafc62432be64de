/**
 * What AWS accepts as a tag, per the Tagging API reference ("Tag naming limits and requirements"):
 * keys 1-128 and values 0-256 Unicode characters of letters, numbers, white space and `_ . : / = + - @`;
 * the `aws:` prefix is reserved for AWS.
 */
const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** Why AWS would reject this tag key, or undefined when it is acceptable. */
export function tagKeyProblem(key: string): string | undefined {
  if (key.length < 1 || key.length > 128) return 'tag key must be 1-128 characters';
  if (!TAG_CHARS.test(key))
    return `tag key "${key}" has characters AWS rejects (allowed: letters, numbers, spaces, _ . : / = + - @)`;
  if (key.toLowerCase().startsWith('aws:'))
    return `tag key "${key}" uses the reserved prefix "aws:"`;
  return undefined;
}

/** Why AWS would reject this tag value, or undefined when it is acceptable. */
export function tagValueProblem(value: string): string | undefined {
  if (value.length > 256) return 'tag value must be at most 256 characters';
  if (!TAG_CHARS.test(value))
    return `tag value "${value}" has characters AWS rejects (allowed: letters, numbers, spaces, _ . : / = + - @)`;
  return undefined;
}
