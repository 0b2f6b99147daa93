import { loadMixtureOfExperts } from './loadMixtureOfExperts.js';
import {
  MIXTURE_ENSEMBLE_FORMAT,
  MIXTURE_ENSEMBLE_FORMAT_VERSION,
  MIXTURE_ENSEMBLE_MANIFEST,
  MixtureEnsemble,
} from './mixtureEnsemble.js';
import { folderPath } from './localFolder.js';
import type { MixtureOfExperts } from './mixtureOfExperts.js';
import { ModelCheckpointError } from './modelCheckpointError.js';

/** Where an ensemble's manifest and members are: an http(s) URL (fetched), else a Node folder. */
async function ensembleLocation(folder: string | URL): Promise<{ file: string; read: () => Promise<unknown>; loadMember: (name: string) => Promise<MixtureOfExperts> }> {
  const href = folder instanceof URL ? folder.href : folder;
  if (typeof href === 'string' && /^https?:\/\//i.test(href)) {
    const base = href.endsWith('/') ? href : `${href}/`;
    const file = new URL(MIXTURE_ENSEMBLE_MANIFEST, base).href;
    const read = async (): Promise<unknown> => {
      const response = await fetch(file);
      if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`);
      return response.json();
    };
    return { file, read, loadMember: (name) => loadMixtureOfExperts(new URL(`${name}/`, base).href) };
  }
  const root = await folderPath(folder, 'loadMixtureEnsemble', 'folder');
  const [fs, path] = await Promise.all([import('node:fs/promises'), import('node:path')]);
  const file = path.join(root, MIXTURE_ENSEMBLE_MANIFEST);
  return { file, read: async () => JSON.parse(await fs.readFile(file, 'utf8')), loadMember: (name) => loadMixtureOfExperts(path.join(root, name)) };
}

/**
 * Loads an ensemble saved by {@link MixtureEnsemble.save}: reads the manifest `ensemble.json`, checks its format,
 * version and member names (subfolders of the folder, no path escape), and loads every member with
 * `loadMixtureOfExperts` (which checks each checkpoint). Predictions equal those of the saved ensemble.
 *
 * @param folder - The ensemble's folder: a path or `file:` URL (Node), or an http(s) URL (browsers and Node; the
 *   manifest is fetched and each member loaded from `<folder>/<member>/model.json`).
 * @returns A new ensemble owned by the caller (`dispose()` it); on failure nothing is left loaded.
 * @throws {@link ModelCheckpointError} when the manifest or a member does not match; the file system's error when
 *   the manifest cannot be read.
 * @example
 * ```ts
 * const ensemble = await loadMixtureEnsemble('models/ensemble');
 * const { probability } = await ensemble.predict(bags);
 * ```
 */
export async function loadMixtureEnsemble(folder: string | URL): Promise<MixtureEnsemble> {
  const { file, read, loadMember } = await ensembleLocation(folder);
  let manifest: unknown;
  try {
    manifest = await read();
  } catch (error) {
    throw new ModelCheckpointError(`cannot read the ensemble manifest ${file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const m = manifest as { format?: unknown; formatVersion?: unknown; members?: unknown };
  if (typeof m !== 'object' || m === null || m.format !== MIXTURE_ENSEMBLE_FORMAT) {
    throw new ModelCheckpointError(`${file} is not a mixture-ensemble manifest (format '${String(m?.format)}', expected '${MIXTURE_ENSEMBLE_FORMAT}')`);
  }
  const version = m.formatVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1 || version > MIXTURE_ENSEMBLE_FORMAT_VERSION) {
    throw new ModelCheckpointError(`${file}: unsupported format version ${String(version)} (this library reads 1 to ${MIXTURE_ENSEMBLE_FORMAT_VERSION})`);
  }
  const names = m.members;
  if (!Array.isArray(names) || names.length === 0 || names.some((n) => typeof n !== 'string' || !/^[A-Za-z0-9._-]+$/.test(n) || n === '..' || n === '.')) {
    throw new ModelCheckpointError(`${file}: members must be a non-empty list of subfolder names`);
  }
  const members: MixtureOfExperts[] = [];
  try {
    for (const name of names as string[]) members.push(await loadMember(name));
  } catch (error) {
    for (const member of members) member.dispose();
    throw error;
  }
  return new MixtureEnsemble(members);
}
