import { describe, expect, it } from 'vitest';
import { CliError } from '../../src/cli/cliError.js';
import { resolveShard, shardItems } from '../../src/cli/shard.js';

describe('resolveShard', () => {
  it('is everything without options', () => {
    expect(resolveShard(undefined, undefined, {})).toEqual({ index: 0, count: 1 });
  });
  it('parses --shard I/N', () => {
    expect(resolveShard('2/5', undefined, {})).toEqual({ index: 2, count: 5 });
  });
  it('takes the index of a Kubernetes Indexed Job or a Slurm array with --shards N', () => {
    expect(resolveShard(undefined, '4', { JOB_COMPLETION_INDEX: '3' })).toEqual({ index: 3, count: 4 });
    expect(resolveShard(undefined, '4', { SLURM_ARRAY_TASK_ID: '1' })).toEqual({ index: 1, count: 4 });
  });
  it.each([
    ['5/5', undefined, {}],
    ['1-2', undefined, {}],
    ['0/0', undefined, {}],
    [undefined, '4', {}],
    [undefined, '4', { JOB_COMPLETION_INDEX: '4' }],
    [undefined, 'x', { JOB_COMPLETION_INDEX: '0' }],
    ['0/2', '2', {}],
  ] as const)('refuses %s / %s / %j as a usage error', (shard, shards, env) => {
    let caught: unknown;
    try {
      resolveShard(shard, shards, env);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CliError);
    expect((caught as CliError).exitCode).toBe(2);
  });
});

describe('shardItems', () => {
  it('partitions the items over the shards, each item in exactly one', () => {
    const items = Array.from({ length: 23 }, (_, i) => i);
    const parts = [0, 1, 2].map((index) => shardItems(items, { index, count: 3 }));
    expect(parts.flat().sort((a, b) => a - b)).toEqual(items);
    expect(parts.map((p) => p.length)).toEqual([8, 8, 7]);
  });
});
