/**
 * `lymphomix/backbones`: frozen image embedders behind one {@link ImageEmbedder} interface (the tfjs ResNet,
 * ConvNeXt and ViT backbones, saved tfjs models, ONNX models on onnxruntime), {@link embedImages} with its cache and
 * worker pool, the tfjs backend set-up they run on ({@link initBackend}, {@link ensureBackend}, …), and the argument
 * checks with their error class ({@link ArgumentError}).
 *
 * For apps that embed images but do not train: it imports tfjs and its wasm and webgpu backends, but not the
 * multi-instance layers, the mixture of experts, the training loop, the pipeline or the report (vega). The same
 * names are in the root `lymphomix` entry.
 *
 * @example
 * ```ts
 * import { initBackend, createBackbone } from 'lymphomix/backbones';
 * await initBackend('wasm');
 * const backbone = createBackbone('resnet18', { inputSize: 224 });
 * ```
 * @module backbones
 */
export * from '../core/index.js';
export * from '../models/backbones/index.js';
export * from '../backend/index.js';
