import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../lib/config/load';
import { projectRegions } from '../../lib/config/naming';
import { editedExample, problemsOf } from '../helpers/policy-factory';

describe('regions: where a project SageMaker work may run', () => {
  it('defaults to the deployment region when neither the project nor the defaults list any', () => {
    const policy = parsePolicy(editedExample());
    const [project] = policy.projects;
    if (!project) throw new Error('the example has projects');
    expect(project.regions).toEqual([]);
    expect(projectRegions(project, 'eu-west-1')).toEqual(['eu-west-1']);
  });

  it('takes defaults.regions, and a project list overrides it', () => {
    const policy = parsePolicy(
      editedExample(
        [
          ['defaults', 'regions'],
          ['us-east-1', 'eu-west-1'],
        ],
        [['projects', 1, 'regions'], ['ap-southeast-2']],
      ),
    );
    const [first, second] = policy.projects;
    if (!first || !second) throw new Error('the example has projects');
    expect(projectRegions(first, 'eu-central-1')).toEqual(['us-east-1', 'eu-west-1']);
    expect(projectRegions(second, 'eu-central-1')).toEqual(['ap-southeast-2']);
  });

  it.each([
    [['us-east'], 'must be an AWS Region code such as us-east-1'],
    [['US-EAST-1'], 'must be an AWS Region code such as us-east-1'],
    [['us-east-1', 'us-east-1'], 'lists a region twice'],
    [[], 'must have at least 1 item'],
  ])('rejects %j', (regions, message) => {
    const problems = problemsOf(editedExample([['defaults', 'regions'], regions]));
    expect(problems.join('\n')).toMatch(/defaults\.regions/);
    expect(problems.join('\n').toLowerCase()).toContain(message.toLowerCase());
  });

  it('accepts GovCloud and China region codes', () => {
    const policy = parsePolicy(
      editedExample([
        ['defaults', 'regions'],
        ['us-gov-west-1', 'cn-north-1'],
      ]),
    );
    expect(policy.projects[0]?.regions).toEqual(['us-gov-west-1', 'cn-north-1']);
  });
});
