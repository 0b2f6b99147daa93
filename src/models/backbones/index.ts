/**
 * Image backbones in tfjs with PyTorch-compatible weights: ResNet18 (torchvision), ConvNeXt atto … tiny and
 * ViT-S/16 (timm) returning pooled instance embeddings [N, D]; loading of `.safetensors` checkpoints; LoRA
 * adapters for the ViT; any saved tfjs layers or graph model, or any ONNX model on onnxruntime, as a frozen backbone; frozen-mode embedding of a
 * cohort with an on-disk cache.
 * @module
 */
export { Backbone, IMAGENET_MEAN, IMAGENET_STD } from './backbone.js';
export type {
  BackboneCommonConfig,
  BackboneInputRange,
  BackboneLayerArgs,
  DeclareParamOptions,
  LoadTorchWeightsOptions,
  WeightInitializer,
} from './backbone.js';
export { ResNetBackbone, RESNET18_CONFIG } from './resNetBackbone.js';
export type { ResNetConfig } from './resNetBackbone.js';
export { ConvNextBackbone, CONVNEXT_CONFIGS } from './convNextBackbone.js';
export type { ConvNextConfig } from './convNextBackbone.js';
export { VitBackbone, VIT_SMALL_CONFIG, LORA_TARGETS } from './vitBackbone.js';
export type { LoraConfig, LoraTarget, VitConfig } from './vitBackbone.js';
export { createBackbone, BACKBONE_NAMES } from './createBackbone.js';
export type { BackboneArchitecture, BackboneName, CreateBackboneOptions } from './createBackbone.js';
export { loadBackbone } from './loadBackbone.js';
export type { LoadBackboneOptions } from './loadBackbone.js';
export { backboneFingerprint } from './backboneFingerprint.js';
export { embedImages, EMBEDDING_CACHE_VERSION } from './embedImages.js';
export type { EmbedImagesOptions, EmbedImagesResult, EmbeddedImage } from './embedImages.js';
export { embedImagesPool } from './embedImagesPool.js';
export type { EmbedImagesPoolOptions } from './embedImagesPool.js';
export { buildBackbone, checkBackboneSpec, describeBackboneSpec, isModelBackboneSpec, isOnnxBackboneSpec } from './backboneSpec.js';
export type { BackboneSpec, ModelBackboneSpec, NamedBackboneSpec, OnnxBackboneSpec } from './backboneSpec.js';
export type { ImageEmbedder } from './imageEmbedder.js';
export { checkFrozenModelBackboneOptions, FrozenModelBackbone } from './frozenModelBackbone.js';
export type { CheckedFrozenModelBackboneOptions, FrozenModelBackboneOptions } from './frozenModelBackbone.js';
export { loadModelBackbone, SAVED_MODEL_KINDS } from './loadModelBackbone.js';
export type { LoadModelBackboneOptions, SavedModelKind } from './loadModelBackbone.js';
export { embedPixelBatch } from './embedPixelBatch.js';
export {
  checkOnnxEmbedderOptions,
  loadOnnxEmbedder,
  loadOnnxRuntime,
  missingOnnxRuntimeMessage,
  OnnxEmbedder,
  ONNX_WEB_FALLBACK_WARNING,
  provideOnnxRuntime,
} from './onnx/index.js';
export type {
  CheckedOnnxEmbedderOptions,
  LoadedOnnxRuntime,
  LoadOnnxEmbedderOptions,
  OnnxEmbedderConfig,
  OnnxEmbedderOptions,
  OnnxLayout,
  OnnxPooling,
  OnnxRuntime,
  OnnxRuntimeChoice,
} from './onnx/index.js';
export { resolveEmbeddingWorkerUrl } from './resolveEmbeddingWorkerUrl.js';
