import { ArgumentError, DescribedValue } from '../../../core/index.js';
import { isNode } from '../../../io/bytes/isNode.js';
import { checkOnnxEmbedderOptions, OnnxEmbedder } from './onnxEmbedder.js';
import type { OnnxEmbedderOptions, OnnxLayout } from './onnxEmbedder.js';
import { loadOnnxRuntime } from './loadOnnxRuntime.js';
import type { OnnxModuleImporter } from './loadOnnxRuntime.js';

/** Options of {@link loadOnnxEmbedder}: see {@link OnnxEmbedderOptions}. */
export type LoadOnnxEmbedderOptions = OnnxEmbedderOptions;

async function readModel(model: string | Uint8Array, fn: string): Promise<Uint8Array> {
  if (model instanceof Uint8Array) return model;
  if (/^(https?|data|blob):/i.test(model)) {
    const response = await fetch(model);
    if (!response.ok) throw new Error(`${fn}: cannot fetch the ONNX model ${model}: HTTP ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  }
  if (!isNode()) throw new Error(`${fn}: cannot read the ONNX model ${model} in a browser: pass an http(s) URL or the file bytes`);
  const { readFile } = await import('node:fs/promises');
  const { fileURLToPath } = await import('node:url');
  try {
    return new Uint8Array(await readFile(/^file:/i.test(model) ? fileURLToPath(model) : model));
  } catch (e) {
    throw new Error(`${fn}: cannot read the ONNX model ${model}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/**
 * Load any ONNX vision model as a frozen backbone ({@link OnnxEmbedder}): read it, open an onnxruntime session
 * (onnxruntime-node in Node, onnxruntime-web in browsers: optional peer dependencies), resolve its input and
 * output names, layout and input size, and run it once on a black image to learn D.
 *
 * @param model - the `.onnx` file: a path (Node), a `file:` / http(s) URL string, or its bytes
 * @param options - see {@link OnnxEmbedderOptions}
 * @param fn - the public function named in errors; defaults to `'loadOnnxEmbedder'`
 * @param importer - imports onnxruntime (tests); defaults to dynamic `import()`
 * @returns the embedder; the caller disposes it
 * @throws Error in one line saying what to install when onnxruntime is not installed; Error naming the model when
 *   it cannot be read or opened, or when a named input/output is not in it; ArgumentError for bad options
 * @example
 * const embedder = await loadOnnxEmbedder('models/resnet18.onnx', { inputSize: 224 });
 * const { results } = await embedImages(embedder, paths, { cacheDir: '.cache' });
 */
export async function loadOnnxEmbedder(
  model: string | Uint8Array,
  options: LoadOnnxEmbedderOptions = {},
  fn = 'loadOnnxEmbedder',
  importer?: OnnxModuleImporter,
): Promise<OnnxEmbedder> {
  if (!(model instanceof Uint8Array) && (typeof model !== 'string' || model.length === 0)) {
    throw new ArgumentError(fn, 'model', 'a path or URL string of an .onnx file, or its bytes', model);
  }
  const o = checkOnnxEmbedderOptions(options, fn);
  const loaded = await loadOnnxRuntime(fn, o.runtime, importer);
  const bytes = await readModel(model, fn);
  const name = typeof model === 'string' ? model : `<${model.byteLength} bytes>`;
  const web = loaded.name === 'onnxruntime-web';
  if (web && o.threads !== undefined && loaded.ort.env?.wasm !== undefined) loaded.ort.env.wasm.numThreads = o.threads;
  const executionProviders = o.executionProviders ?? (web ? (isNode() ? ['wasm'] : ['webgpu', 'wasm']) : ['cpu']);
  let session;
  try {
    session = await loaded.ort.InferenceSession.create(bytes, {
      executionProviders,
      ...(!web && o.threads !== undefined ? { intraOpNumThreads: o.threads, interOpNumThreads: 1 } : {}),
      ...(!web && !o.spinning ? { extra: { session: { intra_op: { allow_spinning: '0' } } } } : {}),
      graphOptimizationLevel: 'all',
    });
  } catch (e) {
    throw new Error(`${fn}: cannot open the ONNX model ${name} with ${loaded.name}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  try {
    const inputName = o.inputName ?? session.inputNames[0];
    const outputName = o.outputName ?? session.outputNames[0];
    if (inputName === undefined || !session.inputNames.includes(inputName)) {
      throw new ArgumentError(fn, 'options.inputName', `one of the model's inputs (${session.inputNames.join(', ')})`, inputName ?? new DescribedValue('none'));
    }
    if (outputName === undefined || !session.outputNames.includes(outputName)) {
      throw new ArgumentError(fn, 'options.outputName', `one of the model's outputs (${session.outputNames.join(', ')})`, outputName ?? new DescribedValue('none'));
    }
    const meta = (session as { inputMetadata?: readonly { name: string; isTensor: boolean; shape?: readonly (number | string)[] }[] }).inputMetadata;
    const shape = meta?.find((m) => m.name === inputName && m.isTensor)?.shape ?? [];
    const layout: OnnxLayout = o.layout ?? (shape[3] === 3 && shape[1] !== 3 ? 'NHWC' : 'NCHW');
    const fixed = layout === 'NCHW' ? shape[2] : shape[1];
    const modelSize = typeof fixed === 'number' && fixed > 0 ? fixed : undefined;
    if (o.inputSize !== undefined && modelSize !== undefined && o.inputSize !== modelSize) {
      throw new ArgumentError(fn, 'options.inputSize', `${modelSize} (the model ${name} has a fixed input side) or absent`, o.inputSize);
    }
    const inputSize = o.inputSize ?? modelSize ?? 224;
    const config = { inputSize, mean: o.mean, std: o.std, layout, inputName, outputName, pooling: o.pooling, outputLayout: o.outputLayout };
    const probe = new OnnxEmbedder(loaded, session, bytes, config, 0);
    const z = await probe.embedPixels(new Float32Array(inputSize * inputSize * 3), 1);
    return new OnnxEmbedder(loaded, session, bytes, config, z.length);
  } catch (e) {
    await session.release();
    throw e;
  }
}
