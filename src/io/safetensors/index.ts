/**
 * Safetensors (Hugging Face) reading and writing, and PyTorch → tfjs weight mapping. Pure typed-array code:
 * no tensors, safe in browsers and workers.
 * @module
 */
export { SafetensorsError } from './safetensorsError.js';
export type { SafetensorsErrorOptions } from './safetensorsError.js';
export { SAFETENSORS_DTYPES, SAFETENSORS_ITEM_SIZE, isSafetensorsDtype } from './safetensorsDtype.js';
export type { SafetensorsData, SafetensorsDtype } from './safetensorsDtype.js';
export { float16BitsToFloat32, float32ToFloat16Bits, float16ArrayToFloat32 } from './float16.js';
export { bfloat16BitsToFloat32, float32ToBfloat16Bits, bfloat16ArrayToFloat32 } from './bfloat16.js';
export { float8E4m3BitsToFloat32, float8E5m2BitsToFloat32 } from './float8.js';
export { SafetensorsFile } from './safetensorsFile.js';
export type { DecodeSafetensorOptions, SafetensorsTensor, SafetensorsTensorInfo } from './safetensorsFile.js';
export { parseSafetensors, SAFETENSORS_MAX_HEADER_BYTES } from './parseSafetensors.js';
export type { ParseSafetensorsOptions } from './parseSafetensors.js';
export { serializeSafetensors } from './serializeSafetensors.js';
export type { SafetensorsTensorInput } from './serializeSafetensors.js';
export { readSafetensors } from './readSafetensors.js';
export type { ReadSafetensorsOptions } from './readSafetensors.js';
export { permuteDims } from './permuteDims.js';
export { convertLayout, WEIGHT_LAYOUTS } from './convertLayout.js';
export type { ConvertLayoutOptions, WeightLayout } from './convertLayout.js';
export { mapWeights } from './mapWeights.js';
export type {
  MappedWeight,
  MapWeightsOptions,
  MapWeightsResult,
  MapWeightsSource,
  SourceTensor,
  WeightSpec,
  WeightSpecEntry,
} from './mapWeights.js';
export { WeightMappingError } from './weightMappingError.js';
export type { WeightMappingProblem } from './weightMappingError.js';
