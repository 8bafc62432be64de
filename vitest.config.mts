import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Mutation testing (`npm run mutation`) runs the decision modules' tests only: the stack tests
    // bundle with esbuild, which fails inside Stryker's worker processes.
    include: process.env.GUARDRAILS_MUTATION
      ? ['test/lambdas/**/*.test.ts']
      : ['test/**/*.test.ts'],
    setupFiles: ['test/helpers/setup.ts'],
    // CDK synth of whole stacks (with esbuild bundling) is slow on 2 cores; keep runs deterministic.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    env: {
      // No test may reach AWS: fake credentials and a region, so SDK clients never look further.
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: 'eu-west-1',
      // CLI commands never look up stack outputs in tests (lib/cli/deployment.ts).
      GUARDRAILS_STACK_DISCOVERY: 'off',
      POWERTOOLS_DEV: 'false',
      POWERTOOLS_TRACE_ENABLED: 'false',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      // Tests run on Node 20 by design; the SDK's advice to move to Node 22 is noise here.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  },
});
