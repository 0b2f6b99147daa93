import { Option, type Command } from 'commander';
import { boundMessage } from '../../core/index.js';
import { BACKBONE_NAMES, embedImages, embedImagesPool, buildBackbone, type BackboneName, type BackboneSpec } from '../../models/backbones/index.js';
import type { OnnxEmbedderOptions, OnnxLayout, OnnxPooling } from '../../models/backbones/onnx/onnxEmbedder.js';
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
  mean?: string;
  std?: string;
  layout?: OnnxLayout;
  inputName?: string;
  outputName?: string;
  pooling?: OnnxPooling;
  cache: string;
  workers?: string;
  batch: string;
  decoder: DecoderName;
  shard?: string;
  shards?: string;
}

/** The options that describe an ONNX model's preprocessing and output (`OnnxEmbedderOptions`), as typed. */
const ONNX_ONLY = [
  ['mean', '--mean'],
  ['std', '--std'],
  ['layout', '--layout'],
  ['inputName', '--input-name'],
  ['outputName', '--output-name'],
  ['pooling', '--pooling'],
] as const;

/**
 * Parses `--mean` / `--std`: three comma-separated numbers, R,G,B on the [0, 1] scale (a mean in [0, 1], a standard
 * deviation in (0, 1]), or throws a usage {@link CliError} naming the option and the value.
 *
 * @param option - `'--mean'` or `'--std'`
 * @param value - the raw value, e.g. `'0.485,0.456,0.406'`
 * @returns the triple
 */
export function parseChannelTripleOption(option: '--mean' | '--std', value: string): [number, number, number] {
  const parts = value.split(',').map((x) => x.trim());
  const xs = parts.map(Number);
  const std = option === '--std';
  const ok = parts.length === 3 && parts.every((x) => x !== '') && xs.every((x) => Number.isFinite(x) && (std ? x > 0 && x <= 1 : x >= 0 && x <= 1));
  if (!ok) {
    const range = std ? 'in (0, 1]' : 'in [0, 1]';
    throw new CliError(`${option} must be 3 comma-separated numbers R,G,B on the [0, 1] scale, each ${range} (divide 0–255 values by 255), got '${boundMessage(value, 60)}'`, 'usage');
  }
  return [xs[0]!, xs[1]!, xs[2]!];
}

/** The `options` of an `{ onnx }` spec from the command line (only those given). */
function onnxOptions(opts: EmbedCommandOptions, inputSize: number | undefined): OnnxEmbedderOptions {
  return {
    ...(inputSize === undefined ? {} : { inputSize }),
    ...(opts.mean === undefined ? {} : { mean: parseChannelTripleOption('--mean', opts.mean) }),
    ...(opts.std === undefined ? {} : { std: parseChannelTripleOption('--std', opts.std) }),
    ...(opts.layout === undefined ? {} : { layout: opts.layout }),
    ...(opts.inputName === undefined ? {} : { inputName: opts.inputName }),
    ...(opts.outputName === undefined ? {} : { outputName: opts.outputName }),
    ...(opts.pooling === undefined ? {} : { pooling: opts.pooling }),
  };
}

function backboneSpec(opts: EmbedCommandOptions): BackboneSpec {
  if ([opts.backbone, opts.tfjsModel, opts.onnx].filter((x) => x !== undefined).length !== 1) {
    throw new CliError('give one of --backbone <name> (a built-in architecture), --tfjs-model <model.json> or --onnx <model.onnx>', 'usage');
  }
  const inputSize = opts.inputSize === undefined ? undefined : parseIntegerOption('--input-size', opts.inputSize, 16);
  if (opts.onnx !== undefined) {
    const options = onnxOptions(opts, inputSize);
    return { onnx: { url: opts.onnx }, ...(Object.keys(options).length === 0 ? {} : { options }) };
  }
  const onnxOnly = ONNX_ONLY.filter(([key]) => opts[key] !== undefined).map(([, flag]) => flag);
  if (onnxOnly.length > 0) {
    throw new CliError(`${onnxOnly.join(', ')} ${onnxOnly.length === 1 ? 'applies' : 'apply'} to --onnx models only (a built-in or tfjs backbone has its own preprocessing)`, 'usage');
  }
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
    .option('--onnx <model.onnx>', 'any ONNX vision model as the backbone instead (needs onnxruntime-node)')
    .option('--mean <r,g,b>', 'with --onnx: per-channel mean of its input normalisation, [0, 1] scale (default: ImageNet\'s 0.485,0.456,0.406)')
    .option('--std <r,g,b>', 'with --onnx: per-channel standard deviation, [0, 1] scale (default: ImageNet\'s 0.229,0.224,0.225)')
    .addOption(new Option('--layout <layout>', 'with --onnx: its input layout (default: read from the model\'s input shape, else NCHW)').choices(['NCHW', 'NHWC']))
    .option('--input-name <name>', 'with --onnx: the model input fed the images (default: its first)')
    .option('--output-name <name>', 'with --onnx: the model output that is the embedding (default: its first)')
    .addOption(new Option('--pooling <how>', 'with --onnx: pooling of an output that is not [N, D] (default: mean)').choices(['mean', 'max', 'cls']))
    .option('--kind <layers|graph>', 'the saved tfjs model kind', 'layers')
    .option('--input-size <px>', 'input side in pixels (default: the backbone\'s)')
    .option('--cache <dir>', 'content-keyed cache', '.lymphomix-cache')
    .option('--workers <n>', 'worker threads, one backbone each (0: in this thread; default: all cores); with --onnx, the intra-op threads of one onnxruntime session in this thread')
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
          // The library already warned once on stderr; --json readers get it here too.
          cacheWarning: result.cacheWarning ?? null,
        },
        formatTable([{ images: sources.length, embedded: result.results.length, cached, failed: result.failures.length, D: result.embeddingSize }]) +
          `backbone ${result.backboneId}; embeddings in ${opts.cache}\n`,
      );
    });
}
