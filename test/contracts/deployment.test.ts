import { describe, expect, it } from 'vitest';
import { YamlValidationError } from '../../lib/config/load';
import { cpuCores, memoryBytes, parseDeployment } from '../../lib/contracts/deployment';

function problems(text: string): string[] {
  try {
    parseDeployment(text, 'deployment.yaml');
  } catch (err) {
    if (err instanceof YamlValidationError) return err.message.split('\n').slice(1);
    throw err;
  }
  return [];
}

describe('parseDeployment', () => {
  it('accepts a minimal file: every review section may be missing (the checks report it)', () => {
    expect(problems('model: { name: m, version: "1" }\nproject: p\n')).toEqual([]);
  });

  it.each([
    [
      'an unknown key, on its own line',
      'model: { name: m, version: "1" }\nproject: p\nimgae: x\n',
      'deployment.yaml:3 imgae: unknown key "imgae"',
    ],
    [
      'a bad CPU quantity',
      'model: { name: m, version: "1" }\nproject: p\nresources:\n  limits:\n    cpu: lots\n',
      'deployment.yaml:5 resources.limits.cpu: must be a CPU quantity like 2, 0.5 or 500m',
    ],
    [
      'a bad memory quantity',
      'model: { name: m, version: "1" }\nproject: p\nresources:\n  requests: { memory: 4GB }\n',
      'deployment.yaml:4 resources.requests.memory: must be a memory quantity like 512Mi, 4Gi or 2G',
    ],
    [
      'a missing project',
      'model: { name: m, version: "1" }\n',
      'deployment.yaml:1 project: is required',
    ],
    [
      'a runbook that is not a URL',
      'model: { name: m, version: "1" }\nproject: p\nobservability:\n  runbook: see wiki\n',
      'deployment.yaml:4 observability.runbook: must be a URL',
    ],
    [
      'an unknown rollback strategy',
      'model: { name: m, version: "1" }\nproject: p\nrollback:\n  strategy: pray\n',
      'deployment.yaml:4 rollback.strategy: must be one of "blue-green", "canary", "rolling", "redeploy-previous" (got "pray")',
    ],
    [
      'a YAML syntax error',
      'model: { name: m, version: "1" }\nproject: p\n  bad: indent\n',
      'deployment.yaml:2 YAML syntax error (column 10)',
    ],
    [
      'a repeated key',
      'model: { name: m, version: "1" }\nproject: p\nproject: q\n',
      'deployment.yaml:3 YAML syntax error (column 1): Map keys must be unique',
    ],
    [
      'a list instead of a mapping',
      '- a\n',
      'deployment.yaml:1 the deployment file must be a YAML mapping',
    ],
  ])('reports %s as file:line path: message', (_name, text, expected) => {
    expect(problems(text).join('\n')).toContain(expected);
  });
});

describe('resource quantities', () => {
  it.each([
    ['2', 2],
    ['500m', 0.5],
    ['0.25', 0.25],
    [1.5, 1.5],
    ['0', undefined],
    ['2 cores', undefined],
  ])('cpu %s is %s cores', (v, cores) => {
    expect(cpuCores(v)).toBe(cores);
  });

  it.each([
    ['4Gi', 4 * 2 ** 30],
    ['512Mi', 512 * 2 ** 20],
    ['2G', 2e9],
    [1024, 1024],
    ['4GB', undefined],
  ])('memory %s is %s bytes', (v, bytes) => {
    expect(memoryBytes(v)).toBe(bytes);
  });
});
