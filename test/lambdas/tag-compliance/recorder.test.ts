import {
  ConfigServiceClient,
  DescribeConfigurationRecorderStatusCommand,
  DescribeConfigurationRecordersCommand,
} from '@aws-sdk/client-config-service';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { readRecorders } from '../../../lambdas/tag-compliance/config';
import { type RecorderState, recorderPrecondition } from '../../../lambdas/tag-compliance/recorder';
import { onRecorderCheckEvent } from '../../../lambdas/tag-compliance/recorder-check';

const recording: RecorderState = { name: 'default', recording: true };
const stopped: RecorderState = { name: 'default', recording: false };

describe('recorderPrecondition', () => {
  it.each<[string, RecorderState[], boolean, RegExp | 'ok']>([
    ['passes when a recorder exists and the stack creates none', [recording], false, 'ok'],
    ['passes when none exists and the stack creates one', [], true, 'ok'],
    [
      'fails naming both fixes when no recorder exists and the stack creates none',
      [],
      false,
      /no configuration recorder.*NoAvailableConfigurationRecorderException.*createConfigRecorder: true.*turn on AWS Config recording/,
    ],
    [
      'fails naming the fix when a recorder exists and the stack would create a second',
      [recording],
      true,
      /already has a configuration recorder \("default"\).*createConfigRecorder: false/,
    ],
  ])('%s', (_name, recorders, create, expected) => {
    // Act
    const verdict = recorderPrecondition(recorders, create, 'region eu-west-1');
    // Assess
    if (expected === 'ok') expect(verdict.ok).toBe(true);
    else expect(verdict).toEqual({ ok: false, message: expect.stringMatching(expected) });
  });

  it('passes with a note when the recorder exists but does not record', () => {
    // Act
    const verdict = recorderPrecondition([stopped], false, 'region eu-west-1');
    // Assess
    expect(verdict).toEqual({ ok: true, note: expect.stringMatching(/not recording/) });
  });
});

const config = mockClient(ConfigServiceClient);
const client = new ConfigServiceClient({});
afterEach(() => {
  config.reset();
});

describe('readRecorders', () => {
  it('reads each recorder with its recording status', async () => {
    // Prepare
    config
      .on(DescribeConfigurationRecordersCommand)
      .resolves({ ConfigurationRecorders: [{ name: 'default' }] });
    config
      .on(DescribeConfigurationRecorderStatusCommand)
      .resolves({ ConfigurationRecordersStatus: [{ name: 'default', recording: true }] });
    // Act
    const recorders = await readRecorders(client);
    // Assess
    expect(recorders).toEqual([recording]);
  });

  it('asks for no status when there is no recorder', async () => {
    // Prepare
    config.on(DescribeConfigurationRecordersCommand).resolves({ ConfigurationRecorders: [] });
    // Act
    const recorders = await readRecorders(client);
    // Assess
    expect(recorders).toEqual([]);
    expect(config).not.toHaveReceivedCommand(DescribeConfigurationRecorderStatusCommand);
  });

  it('retries throttling', async () => {
    // Prepare
    config
      .on(DescribeConfigurationRecordersCommand)
      .rejectsOnce(Object.assign(new Error('slow'), { name: 'ThrottlingException' }))
      .resolves({ ConfigurationRecorders: [] });
    // Act
    const recorders = await readRecorders(client, { sleep: async () => {} });
    // Assess
    expect(recorders).toEqual([]);
    expect(config).toHaveReceivedCommandTimes(DescribeConfigurationRecordersCommand, 2);
  });
});

describe('onRecorderCheckEvent', () => {
  const deps = { config: client, where: 'region eu-west-1', log: () => {} };

  it('fails the Create with the fix when the region has no recorder', async () => {
    // Prepare
    config.on(DescribeConfigurationRecordersCommand).resolves({ ConfigurationRecorders: [] });
    // Act
    const run = onRecorderCheckEvent(
      { RequestType: 'Create', ResourceProperties: { CreateConfigRecorder: 'false' } },
      deps,
    );
    // Assess
    await expect(run).rejects.toThrow(/set tagCompliance.createConfigRecorder: true/);
  });

  it('fails the Create when the stack would create a second recorder', async () => {
    // Prepare
    config
      .on(DescribeConfigurationRecordersCommand)
      .resolves({ ConfigurationRecorders: [{ name: 'org' }] });
    config
      .on(DescribeConfigurationRecorderStatusCommand)
      .resolves({ ConfigurationRecordersStatus: [] });
    // Act
    const run = onRecorderCheckEvent(
      { RequestType: 'Create', ResourceProperties: { CreateConfigRecorder: 'true' } },
      deps,
    );
    // Assess
    await expect(run).rejects.toThrow(/already has a configuration recorder \("org"\)/);
  });

  it('does not check again on an update that keeps the setting (it would see its own recorder)', async () => {
    // Act
    const result = await onRecorderCheckEvent(
      {
        RequestType: 'Update',
        PhysicalResourceId: 'config-recorder-precondition',
        ResourceProperties: { CreateConfigRecorder: 'true' },
        OldResourceProperties: { CreateConfigRecorder: 'true' },
      },
      deps,
    );
    // Assess
    expect(result.PhysicalResourceId).toBe('config-recorder-precondition');
    expect(config).not.toHaveReceivedAnyCommand();
  });

  it('never blocks a stack delete', async () => {
    // Act
    const result = await onRecorderCheckEvent(
      {
        RequestType: 'Delete',
        PhysicalResourceId: 'x',
        ResourceProperties: { CreateConfigRecorder: 'false' },
      },
      deps,
    );
    // Assess
    expect(result.PhysicalResourceId).toBe('x');
    expect(config).not.toHaveReceivedAnyCommand();
  });
});
