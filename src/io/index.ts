/**
 * io: image bytes → {@link RgbImage}, PNG encoding and segmentation overlays.
 * @module
 */
export * from './rgbImage.js';
export { describeImageSource } from './imageSource.js';
export type { ImageSource } from './imageSource.js';
export { ImageDecodeError } from './imageDecodeError.js';
export { readImageBytes } from './readImageBytes.js';
export type { ReadImageBytesOptions } from './readImageBytes.js';
export type { ImageDecoder } from './imageDecoder.js';
export { jimpDecoder } from './jimpDecoder.js';
export { canvasDecoder, isCanvasDecoderAvailable } from './canvasDecoder.js';
export { sharpDecoder, isSharpAvailable, SHARP_INSTALL_COMMAND } from './sharpDecoder.js';
export * from './decodeImageBytes.js';
export * from './decodeImage.js';
export * from './encodePng.js';
export * from './drawOverlay.js';
export * from './safetensors/index.js';
export * from './modelIo/index.js';
