/**
 * io/image: image bytes → {@link RgbImage} (jimp, sharp, the browser's canvas) and PNG encoding.
 * @module
 */
export * from './rgbImage.js';
export { ImageDecodeError } from './imageDecodeError.js';
export type { DecoderCallOptions, ImageDecoder } from './imageDecoder.js';
export { MAX_IMAGE_PIXELS, SUPPORTED_IMAGE_EXTENSIONS, SUPPORTED_IMAGE_FORMATS, checkImageBytes, checkPngComplete, readImageHeader, sniffImageFormat } from './imageHeader.js';
export type { ImageFormat, ImageHeader } from './imageHeader.js';
export { jimpDecoder } from './jimpDecoder.js';
export { canvasDecoder, isCanvasDecoderAvailable } from './canvasDecoder.js';
export { sharpDecoder, isSharpAvailable, SHARP_INSTALL_COMMAND } from './sharpDecoder.js';
export * from './decodeImageBytes.js';
export * from './decodeImage.js';
export * from './encodePng.js';
