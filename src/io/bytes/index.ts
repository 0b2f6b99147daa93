/**
 * io/bytes: where bytes come from and go to: sources (paths, URLs, bytes, Blobs), reading them in Node and
 * browsers, and atomic writes to files.
 * @module
 */
export { checkImageSources, describeImageSource, isImageSource } from './imageSource.js';
export type { ImageSource } from './imageSource.js';
export { MAX_IMAGE_FILE_BYTES, readImageBytes } from './readImageBytes.js';
export { FileReadError, readRegularFile } from './readRegularFile.js';
export type { ReadRegularFileOptions } from './readRegularFile.js';
export type { ReadImageBytesOptions } from './readImageBytes.js';
export { atomicWriteFile } from './atomicWriteFile.js';
export { sha256Hex } from './sha256Hex.js';
