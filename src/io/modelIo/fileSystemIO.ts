import type * as FsPromises from 'node:fs/promises';
import type * as PathLib from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { isNode } from '../bytes/isNode.js';
import { atomicWriteFile } from '../bytes/atomicWriteFile.js';
import { ModelIoError } from './modelIoError.js';
import { checkModelJson } from './checkModelJson.js';
import { checkWeightBytes } from './checkWeightBytes.js';
import { checkThat } from '../../core/index.js';

/** Options of {@link fileSystemIO}. */
export interface FileSystemIOOptions {
  /**
   * Largest weight shard written, in bytes (the last shard holds the rest); a weight may span two shards, as
   * with the tfjs converter. Defaults to 4 MiB (4,194,304), the converter's default.
   */
  shardBytes?: number;
}

const DEFAULT_SHARD_BYTES = 4 * 1024 * 1024;
const SHARD_PATTERN = /^group1-shard(\d+)of(\d+)\.bin$/;

/**
 * A tfjs `io.IOHandler` that saves and loads model artifacts in a folder of the Node file system: a
 * `model.json` (topology + weight manifest, the format of `tf.io.http` and the tfjs converter) and binary
 * weight shards `group1-shard{i}of{n}.bin`. tfjs has no such handler without `@tensorflow/tfjs-node`.
 *
 * Works for `LayersModel` (`model.save(fileSystemIO(dir))`, `tf.loadLayersModel(fileSystemIO(dir))`) and
 * graph models (`tf.loadGraphModel(fileSystemIO(dir))`, `graphModel.save(…)`).
 *
 * Saving creates the folder, writes each shard and then `model.json` atomically (temporary file, flush,
 * rename), so a concurrent reader never sees a partial file and `model.json` never lists a shard not yet
 * written; shards of an earlier save into the same folder that the new manifest does not list are removed
 * afterwards. Loading checks that `model.json` exists and is a valid JSON object with `modelTopology`, that
 * shard paths stay inside the folder, that every shard exists and that the shards hold exactly the bytes the
 * weight manifest needs. Every failure is a {@link ModelIoError} naming the file.
 *
 * In browsers use tfjs's own handlers instead: `indexeddb://name`, `localstorage://name`, `downloads://name`
 * and `http(s)://…/model.json` URLs (see {@link loadLayersModelFrom}); this handler throws there.
 *
 * @param path - a folder, or the path of its `model.json` (a path ending in `.json` names the model file,
 *   whose folder holds the shards)
 * @param options - see {@link FileSystemIOOptions}
 * @returns the handler, with `save` and `load`
 * @example
 * await model.save(fileSystemIO('models/mil-head'));
 * const same = await tf.loadLayersModel(fileSystemIO('models/mil-head/model.json'));
 */
export function fileSystemIO(path: string, options: FileSystemIOOptions = {}): tf.io.IOHandler {
  checkThat(typeof path === 'string' && path.length > 0, 'fileSystemIO', 'path', 'a non-empty folder or model.json path', path);
  const shardBytes = options.shardBytes ?? DEFAULT_SHARD_BYTES;
  checkThat(Number.isSafeInteger(shardBytes) && shardBytes >= 1, 'fileSystemIO', 'options.shardBytes', 'a positive integer', shardBytes);
  return {
    save: (artifacts) => saveArtifacts(path, artifacts, shardBytes),
    load: () => loadArtifacts(path),
  };
}

async function nodeModules(path: string): Promise<{
  fs: typeof FsPromises;
  pathLib: typeof PathLib;
}> {
  if (!isNode()) {
    throw new ModelIoError(path, 'file-system model IO needs Node; in a browser use indexeddb://, localstorage:// or http(s) URLs');
  }
  // Lazy, so that bundlers for the browser never need node:fs.
  const [fs, pathLib] = await Promise.all([import('node:fs/promises'), import('node:path')]);
  return { fs, pathLib };
}

function modelFilePath(pathLib: typeof PathLib, path: string): { dir: string; file: string } {
  if (path.toLowerCase().endsWith('.json')) return { dir: pathLib.dirname(path), file: path };
  return { dir: path, file: pathLib.join(path, 'model.json') };
}

async function saveArtifacts(path: string, artifacts: tf.io.ModelArtifacts, shardBytes: number): Promise<tf.io.SaveResult> {
  const { fs, pathLib } = await nodeModules(path);
  const { dir, file } = modelFilePath(pathLib, path);
  if (artifacts.modelTopology instanceof ArrayBuffer) {
    throw new ModelIoError(file, 'binary (protobuf) model topologies are not supported; save a JSON topology');
  }
  if (artifacts.modelTopology === undefined) throw new ModelIoError(file, 'the artifacts have no modelTopology');
  try {
    await fs.mkdir(dir, { recursive: true });
  } catch (e) {
    throw new ModelIoError(dir, `cannot create the folder: ${message(e)}`, { cause: e });
  }
  const weights = new tf.io.CompositeArrayBuffer(artifacts.weightData ?? []);
  const total = weights.byteLength;
  const count = Math.max(1, Math.ceil(total / shardBytes));
  const paths: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `group1-shard${i + 1}of${count}.bin`;
    const shard = new Uint8Array(weights.slice(i * shardBytes, Math.min(total, (i + 1) * shardBytes)));
    await writeOrFail(pathLib.join(dir, name), shard);
    paths.push(name);
  }
  const modelJson: tf.io.ModelJSON = {
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths, weights: artifacts.weightSpecs ?? [] }],
    format: artifacts.format ?? 'layers-model',
    generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_layers}`,
    convertedBy: artifacts.convertedBy ?? null,
  };
  if (artifacts.trainingConfig !== undefined) modelJson.trainingConfig = artifacts.trainingConfig;
  if (artifacts.signature !== undefined) modelJson.signature = artifacts.signature;
  if (artifacts.userDefinedMetadata !== undefined) modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;
  if (artifacts.modelInitializer !== undefined) modelJson.modelInitializer = artifacts.modelInitializer;
  if (artifacts.initializerSignature !== undefined) modelJson.initializerSignature = artifacts.initializerSignature;
  await writeOrFail(file, JSON.stringify(modelJson));

  // Shards of an earlier save with another shard count are no longer listed: remove them.
  const listed = new Set(paths);
  for (const entry of await fs.readdir(dir)) {
    if (SHARD_PATTERN.test(entry) && !listed.has(entry)) await fs.rm(pathLib.join(dir, entry), { force: true });
  }
  return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
}

async function writeOrFail(file: string, bytes: Uint8Array | string): Promise<void> {
  try {
    await atomicWriteFile(file, bytes);
  } catch (e) {
    throw new ModelIoError(file, `cannot write: ${message(e)}`, { cause: e });
  }
}

async function loadArtifacts(path: string): Promise<tf.io.ModelArtifacts> {
  const { fs, pathLib } = await nodeModules(path);
  const { dir, file } = modelFilePath(pathLib, path);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    throw new ModelIoError(file, readReason(e, 'model.json'), { cause: e });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ModelIoError(file, `corrupted JSON: ${message(e)}`, { cause: e });
  }
  const modelJson = checkModelJson(file, json);
  return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
    const specs: tf.io.WeightsManifestEntry[] = [];
    const buffers: ArrayBuffer[] = [];
    for (const group of manifest) {
      for (const shard of group.paths) {
        if (pathLib.isAbsolute(shard) || shard.split(/[\\/]/).includes('..')) {
          throw new ModelIoError(file, `weight path ${JSON.stringify(shard)} leaves the model folder`);
        }
        const shardPath = pathLib.join(dir, shard);
        // A shard that is a link leading outside the model folder is refused, as a path with '..' is.
        let real: string;
        let realDir: string;
        try {
          [real, realDir] = await Promise.all([fs.realpath(shardPath), fs.realpath(dir)]);
        } catch (e) {
          throw new ModelIoError(shardPath, readReason(e, 'weight shard'), { cause: e });
        }
        if (real !== realDir && !real.startsWith(realDir.endsWith(pathLib.sep) ? realDir : realDir + pathLib.sep)) {
          throw new ModelIoError(file, `weight path ${JSON.stringify(shard)} is a link that leaves the model folder (to ${real})`);
        }
        try {
          const buf = await fs.readFile(shardPath);
          buffers.push(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer);
        } catch (e) {
          throw new ModelIoError(shardPath, readReason(e, 'weight shard'), { cause: e });
        }
      }
      specs.push(...group.weights);
    }
    checkWeightBytes(file, specs, buffers);
    return [specs, buffers.length === 1 ? buffers[0]! : buffers];
  });
}

function readReason(e: unknown, what: string): string {
  const code = (e as { code?: unknown }).code;
  if (code === 'ENOENT') return `${what} not found`;
  if (code === 'EISDIR') return `${what} is a directory`;
  return `cannot read ${what}: ${message(e)}`;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
