import { CliError, parseIntegerOption } from './cliError.js';

/** One shard of a sharded run: this process does the items `i` with `i % count === index`. */
export interface Shard {
  /** 0-based index of this shard, < count. */
  readonly index: number;
  /** Number of shards ≥ 1. */
  readonly count: number;
}

/**
 * Resolves the shard of this process from `--shard I/N`, or from `--shards N` with the index taken from the job
 * array's environment (`JOB_COMPLETION_INDEX` of a Kubernetes Indexed Job, `SLURM_ARRAY_TASK_ID` of a Slurm array).
 *
 * @param shard - The `--shard` value (`'I/N'`), if given.
 * @param shards - The `--shards` value (`'N'`), if given.
 * @param env - The environment. Defaults to `process.env`.
 * @returns The shard, or `{ index: 0, count: 1 }` (everything) when neither option is given.
 * @throws CliError (usage) for a malformed value or a missing index variable.
 */
export function resolveShard(shard: string | undefined, shards: string | undefined, env: NodeJS.ProcessEnv = process.env): Shard {
  if (shard !== undefined && shards !== undefined) throw new CliError('give either --shard I/N or --shards N, not both', 'usage');
  if (shard !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(shard.trim());
    if (m === null) throw new CliError(`--shard must be I/N (e.g. 0/4), got '${shard}'`, 'usage');
    const index = Number(m[1]);
    const count = Number(m[2]);
    if (count < 1 || index >= count) throw new CliError(`--shard ${shard}: need 0 ≤ I < N`, 'usage');
    return { index, count };
  }
  if (shards !== undefined) {
    const count = parseIntegerOption('--shards', shards, 1);
    const raw = env['JOB_COMPLETION_INDEX'] ?? env['SLURM_ARRAY_TASK_ID'];
    if (raw === undefined) {
      throw new CliError('--shards N needs JOB_COMPLETION_INDEX (Kubernetes Indexed Job) or SLURM_ARRAY_TASK_ID (Slurm array) in the environment', 'usage');
    }
    const index = parseIntegerOption(env['JOB_COMPLETION_INDEX'] !== undefined ? 'JOB_COMPLETION_INDEX' : 'SLURM_ARRAY_TASK_ID', raw, 0);
    if (index >= count) throw new CliError(`shard index ${index} from the environment is not below --shards ${count}`, 'usage');
    return { index, count };
  }
  return { index: 0, count: 1 };
}

/**
 * The items of one shard.
 * @param items - Every item, in a fixed order (the same in every shard process).
 * @param shard - The shard.
 * @returns The items `i` with `i % count === index`, in order.
 */
export function shardItems<T>(items: readonly T[], shard: Shard): T[] {
  return items.filter((_, i) => i % shard.count === shard.index);
}
