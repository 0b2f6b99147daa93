import { atomicWriteFile } from '../io/bytes/index.js';
import { LIBRARY_VERSION } from '../version.js';
import { builtinFeatureNames, resolvePipelineConfig, PIPELINE_CONFIG_VERSION, type ResolvedPipelineConfig } from './pipelineConfig.js';
import { PipelineManifestError } from './pipelineManifestError.js';

/** The manifest file of a saved pipeline folder. */
export const PIPELINE_MANIFEST_FILE = 'lymphomix-pipeline.json';
/** Format tag of the manifest. */
export const PIPELINE_FORMAT = 'lymphomix-pipeline';
/** Version of the folder layout; loading accepts versions up to this one. */
export const PIPELINE_FORMAT_VERSION = 1;

/** What a saved pipeline folder records about how its model was made. */
export interface PipelineManifest {
  readonly format: typeof PIPELINE_FORMAT;
  /** Layout version ({@link PIPELINE_FORMAT_VERSION}). */
  readonly formatVersion: number;
  /** The lymphomix version that saved it. */
  readonly libraryVersion: string;
  /** When it was saved (ISO 8601). */
  readonly savedAt: string;
  /** The whole configuration (features, decoder, backbone spec, model kind and options, threshold). */
  readonly config: ResolvedPipelineConfig;
  /** The handmade feature names, in the column order of the model's inputs. */
  readonly featureNames: readonly string[];
  /** The decoder the features were computed with (the configuration's `'auto'` is sharp in Node when installed). */
  readonly decoder: string;
  /** The frozen backbone (spec and content id, `backboneFingerprint`) whose embeddings the model takes, `null` for none. */
  readonly backbone: { readonly spec: unknown; readonly id: string } | null;
  /** The model's folder inside the pipeline folder. */
  readonly modelFolder: string;
  /** Where the inputs' standardisation lives: inside the model's own weights (fitted on the training patients). */
  readonly standardization: 'model-weights';
}

function joinUrl(dir: string, file: string): string {
  if (/^[a-z]+:/i.test(dir)) return new URL(file, dir.endsWith('/') ? dir : `${dir}/`).href;
  return `${dir.replace(/[\\/]+$/, '')}/${file}`;
}

/**
 * Writes the manifest of a pipeline folder atomically.
 * @param dir - The folder (Node).
 * @param config - The pipeline's configuration.
 * @param previous - The manifest the pipeline was loaded from (its decoder and backbone id are kept), or `null`.
 * @param backboneId - The content id of the backbone the model was trained on, `null` without a backbone.
 */
export async function writePipelineManifest(
  dir: string,
  config: ResolvedPipelineConfig,
  previous: PipelineManifest | null,
  backboneId: string | null,
): Promise<void> {
  const id = backboneId ?? previous?.backbone?.id ?? null;
  const manifest: PipelineManifest = {
    format: PIPELINE_FORMAT,
    formatVersion: PIPELINE_FORMAT_VERSION,
    libraryVersion: LIBRARY_VERSION,
    savedAt: new Date().toISOString(),
    config,
    featureNames: [...config.features.names],
    decoder: previous?.decoder ?? config.features.decoder,
    backbone: config.backbone === null || id === null ? null : { spec: config.backbone, id },
    modelFolder: 'model',
    standardization: 'model-weights',
  };
  await atomicWriteFile(joinUrl(dir, PIPELINE_MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
}

/**
 * Reads and checks the manifest of a pipeline folder.
 *
 * @param dir - The folder (Node path, or a URL of the folder).
 * @returns The manifest.
 * @throws PipelineManifestError naming the file and what differs: not a pipeline folder, a newer format, other
 *   feature names, an invalid configuration.
 */
export async function readPipelineManifest(dir: string): Promise<PipelineManifest> {
  const file = joinUrl(dir, PIPELINE_MANIFEST_FILE);
  let text: string;
  try {
    if (/^(https?|blob|data):/i.test(file)) {
      const response = await fetch(file);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      text = await response.text();
    } else {
      const { readFile } = await import('node:fs/promises');
      text = await readFile(file.startsWith('file:') ? new URL(file) : file, 'utf8');
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new PipelineManifestError(file, `not a saved lymphomix pipeline (${code ?? (error instanceof Error ? error.message : String(error))})`);
  }
  let manifest: Partial<PipelineManifest>;
  try {
    manifest = JSON.parse(text) as Partial<PipelineManifest>;
  } catch {
    throw new PipelineManifestError(file, 'is not JSON');
  }
  if (typeof manifest !== 'object' || manifest === null || manifest.format !== PIPELINE_FORMAT) {
    throw new PipelineManifestError(file, `format is ${JSON.stringify((manifest as { format?: unknown } | null)?.format)}, expected '${PIPELINE_FORMAT}'`);
  }
  if (typeof manifest.formatVersion !== 'number' || manifest.formatVersion > PIPELINE_FORMAT_VERSION) {
    throw new PipelineManifestError(
      file,
      `format version ${String(manifest.formatVersion)} (saved by lymphomix ${String(manifest.libraryVersion)}) is newer than this library's ${PIPELINE_FORMAT_VERSION} (lymphomix ${LIBRARY_VERSION})`,
    );
  }
  if (typeof manifest.config !== 'object' || manifest.config === null || (manifest.config as { version?: unknown }).version !== PIPELINE_CONFIG_VERSION) {
    throw new PipelineManifestError(file, `configuration version ${String((manifest.config as { version?: unknown } | undefined)?.version)}, expected ${PIPELINE_CONFIG_VERSION}`);
  }
  let config: ResolvedPipelineConfig;
  try {
    const { version: _version, ...rest } = manifest.config;
    config = resolvePipelineConfig(rest, 'LymphocytosisPipeline.load');
  } catch (error) {
    throw new PipelineManifestError(file, `invalid configuration: ${error instanceof Error ? error.message : String(error)}`);
  }
  // The model's columns: the saved names must be those its configuration computes, and the library's own extractor
  // must still compute them (a library whose features changed cannot feed an old model).
  const names = manifest.featureNames;
  if (!Array.isArray(names)) throw new PipelineManifestError(file, 'has no featureNames');
  const builtin = config.features.extractorModule === null;
  const expected = builtin ? builtinFeatureNames(config.features.texture) : config.features.names;
  const differs = names.findIndex((n, i) => n !== expected[i]);
  if (differs >= 0 || names.length !== expected.length || (builtin && config.features.names.some((n, i) => n !== expected[i]))) {
    const at = differs >= 0 ? differs : Math.min(names.length, expected.length);
    throw new PipelineManifestError(
      file,
      `feature names differ from ${builtin ? "this library's" : "the configuration's"} at column ${at}: saved ${JSON.stringify(names[at] ?? '(none)')} ` +
        `(${names.length} features), expected ${JSON.stringify(expected[at] ?? '(none)')} (${expected.length} features)`,
    );
  }
  return { ...(manifest as PipelineManifest), config };
}
