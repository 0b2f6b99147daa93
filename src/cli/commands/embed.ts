import type { Command } from 'commander';
import { BACKBONE_NAMES, embedImages, embedImagesPool, buildBackbone, type BackboneName, type BackboneSpec } from '../../models/backbones/index.js';
import { CliError, parseIntegerOption } from '../cliError.js';
import { addDecoderOption, addShardOptions, type DecoderName } from '../pipelineOptions.js';
import type { CommandContext } from '../commandContext.js';
import { loadCohortArg } from '../loadCohortArg.js';
import { resolveShard, shardItems } from '../shard.js';
import { formatTable } from '../summaryTable.js';

/** Options of `lymphomix embed`. */
interface EmbedCommandOptions {
  data: string;
  backbone?: string;
  weights?: string;
  tfjsModel?: string;
  onnx?: string;
  kind: string;
  inputSize?: string;
  cache: string;
  workers?: string;
  batch: string;
  decoder: DecoderName;
  shard?: string;
  shards?: string;
}

function backboneSpec(opts: EmbedCommandOptions): BackboneSpec {
  if ([opts.backbone, opts.tfjsModel, opts.onnx].filter((x) => x !== undefined).length !== 1) {
    throw new CliError('give one of --backbone <name> (a built-in architecture), --tfjs-model <model.json> or --onnx <model.onnx>', 'usage');
  }
  const inputSize = opts.inputSize === undefined ? undefined : parseIntegerOption('--input-size', opts.inputSize, 16);
  if (opts.onnx !== undefined) return { onnx: { url: opts.onnx }, ...(inputSize === undefined ? {} : { options: { inputSize } }) };
  if (opts.tfjsModel !== undefined) {
    if (opts.kind !== 'layers' && opts.kind !== 'graph') throw new CliError(`--kind must be layers or graph, got '${opts.kind}'`, 'usage');
    return { model: { url: opts.tfjsModel, kind: opts.kind }, ...(inputSize === undefined ? {} : { options: { inputSize } }) };
  }
  if (!(BACKBONE_NAMES as readonly string[]).includes(opts.backbone!)) {
    throw new CliError(`--backbone must be one of ${BACKBONE_NAMES.join(', ')}, got '${opts.backbone!}'`, 'usage');
  }
  return {
    name: opts.backbone as BackboneName,
    ...(opts.weights === undefined ? {} : { weights: opts.weights }),
    ...(inputSize === undefined ? {} : { options: { inputSize } }),
  };
}

/** Registers `lymphomix embed`: frozen-backbone embeddings of every image of a cohort into the content-keyed cache. */
export function registerEmbed(program: Command, ctx: CommandContext): void {
  addShardOptions(addDecoderOption(program.command('embed')), 'embed only shard I of N')
    .description('frozen-backbone embeddings of every image of a cohort into the content-keyed cache (shardable)')
    .requiredOption('--data <dir>', 'cohort folder in the challenge layout')
    .option('--backbone <name>', `a built-in architecture (${BACKBONE_NAMES.join(', ')})`)
    .option('--weights <file.safetensors>', 'its timm/torchvision weights (default: seeded random weights)')
    .option('--tfjs-model <model.json>', 'any saved tfjs model as the backbone instead')
    .option('--onnx <model.onnx>', 'any ONNX vision model as the backbone instead (ImageNet mean/std; needs onnxruntime-node)')
    .option('--kind <layers|graph>', 'the saved tfjs model kind', 'layers')
    .option('--input-size <px>', 'input side in pixels (default: the backbone\'s)')
    .option('--cache <dir>', 'content-keyed cache', '.lymphomix-cache')
    .option('--workers <n>', 'worker threads, one backbone each (0: in this thread; default: all cores)')
    .option('--batch <n>', 'images per forward pass', '8')
    .action(async (opts: EmbedCommandOptions) => {
      const spec = backboneSpec(opts);
      const shard = resolveShard(opts.shard, opts.shards);
      const workers = opts.workers === undefined ? undefined : parseIntegerOption('--workers', opts.workers, 0);
      const batchSize = parseIntegerOption('--batch', opts.batch, 1);
      const decoder = opts.decoder;
      const cohort = await loadCohortArg(opts.data);
      const sources = shardItems(cohort.patients.flatMap((p) => p.images as string[]), shard);
      const bars = ctx.progressBars();
      const common = { cacheDir: opts.cache, batchSize, decoder, onProgress: bars.listener };
      let result;
      try {
        if (workers === 0) {
          const backbone = await buildBackbone(spec);
          try {
            result = await embedImages(backbone, sources, common);
          } finally {
            backbone.dispose();
          }
        } else result = await embedImagesPool(spec, sources, { ...common, ...(workers === undefined ? {} : { workers }) });
      } finally {
        bars.stop();
      }
      const cached = result.results.filter((r) => r.cached).length;
      for (const f of result.failures.slice(0, 5)) ctx.warn(f.message);
      ctx.result(
        {
          command: 'embed',
          images: sources.length,
          embedded: result.results.length,
          cached,
          failed: result.failures.length,
          embeddingSize: result.embeddingSize,
          backboneId: result.backboneId,
          shard: `${shard.index}/${shard.count}`,
          cache: opts.cache,
        },
        formatTable([{ images: sources.length, embedded: result.results.length, cached, failed: result.failures.length, D: result.embeddingSize }]) +
          `backbone ${result.backboneId}; embeddings in ${opts.cache}\n`,
      );
    });
}
