import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/runCli.js';
import { captureIo } from '../helpers/captureIo.js';

describe('runCli options', () => {
  it.each(['segment', 'features', 'embed'])('%s --decoder takes only the decoders the library has (a usage error otherwise)', async (command) => {
    const run = captureIo();
    const code = await runCli([command, '--data', 'nowhere', '--out', 'x', '--decoder', 'canvas', '--backbone', 'resnet18'], run.io);
    expect(code).toBe(2);
    expect(run.err()).toMatch(/--decoder.*'canvas'.*auto, sharp, jimp/s);
  });
  it.each(['features', 'embed'])('%s takes --shard and --shards', async (command) => {
    const run = captureIo();
    expect(await runCli([command, '--help'], run.io)).toBe(0);
    expect(run.out()).toMatch(/--shard <I\/N>/);
    expect(run.out()).toMatch(/--shards <N>.*JOB_COMPLETION_INDEX/s);
  });
});
