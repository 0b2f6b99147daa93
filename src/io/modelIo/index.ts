/**
 * Model IO for tfjs: a Node file-system `IOHandler` (folder with `model.json` + weight shards, atomic
 * writes) and loaders from a path or URL. In browsers, tfjs's own `indexeddb://`, `localstorage://` and
 * http(s) handlers do the work; {@link loadLayersModelFrom} and {@link loadGraphModelFrom} pass them through.
 * @module
 */
export { ModelIoError } from './modelIoError.js';
export { weightsByteLength } from './weightsByteLength.js';
export { fileSystemIO } from './fileSystemIO.js';
export type { FileSystemIOOptions } from './fileSystemIO.js';
export { resolveModelHandler } from './resolveModelHandler.js';
export type { LoadModelFromOptions } from './resolveModelHandler.js';
export { loadLayersModelFrom } from './loadLayersModelFrom.js';
export { loadGraphModelFrom } from './loadGraphModelFrom.js';
export { saveModelTo } from './saveModelTo.js';
