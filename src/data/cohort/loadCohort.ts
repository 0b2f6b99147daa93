import { ArgumentError } from '../../core/index.js';
import type * as NodeFs from 'node:fs/promises';
import type * as NodePath from 'node:path';
import type { Cohort } from './cohort.js';
import type { CohortOptions } from './cohortOptions.js';
import { loadCohortFromTree } from './loadCohortFromTree.js';
import type { CohortTree, TreeEntry } from './loadCohortFromTree.js';

/** Options of {@link loadCohort}. */
export interface LoadCohortOptions extends CohortOptions {
  /**
   * Path of the clinical CSV (relative paths resolve against the working directory), skipping the search.
   * Defaults to searching: in `dir`, `trainset_true.csv`, then `testset_data.csv`, then `clinical_annotation.csv`,
   * then the only `*.csv`; failing that the three known names (not any CSV) one level up, for the release
   * layout's shared `clinical_annotation.csv`.
   */
  csv?: string | URL;
}


function nodeTree(fs: typeof NodeFs, path: typeof NodePath): CohortTree {
  return {
    async list(dir: string): Promise<readonly TreeEntry[] | undefined> {
      let dirents;
      try {
        // Names as the file system gives them (bytes): a name that is not valid UTF-8 is reported, never mangled.
        dirents = await fs.readdir(dir, { withFileTypes: true, encoding: 'buffer' });
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
        throw e;
      }
      const entries: TreeEntry[] = [];
      const links: Promise<void>[] = [];
      for (const d of dirents) {
        const raw = d.name as unknown as Buffer;
        const name = raw.toString('utf8');
        if (!Buffer.from(name, 'utf8').equals(raw)) {
          entries.push({ name, kind: d.isDirectory() ? 'directory' : 'file', rawName: new Uint8Array(raw) });
          continue;
        }
        if (d.isSymbolicLink()) {
          // Follow links (only these need a stat): a link to a folder is a folder.
          links.push(
            fs.stat(path.join(dir, name)).then(
              (s) => void entries.push({ name, kind: s.isDirectory() ? 'directory' : 'file' }),
              () => void entries.push({ name, kind: 'file' }),
            ),
          );
        } else entries.push({ name, kind: d.isDirectory() ? 'directory' : 'file' });
      }
      await Promise.all(links);
      return entries;
    },
    readText: (file) => fs.readFile(file, 'utf8'),
    // Entry names from readdir need no normalisation: plain concatenation is ~10x faster than path.join.
    join: (dir, name) => (dir.endsWith(path.sep) ? dir + name : dir + path.sep + name),
    parent(dir) {
      const up = path.dirname(dir);
      return up === dir ? undefined : up;
    },
    imageRef: (file) => file,
  };
}

/**
 * Load a cohort from a folder in Node: the clinical CSV plus one folder of images per patient, as in the
 * lymphocytosis challenge (`P999/000000.jpg`, …). Images are only listed (one `readdir` per folder), never read
 * or decoded: each patient's `images` are absolute file paths, sorted by name, ready for io's `decodeImage`.
 *
 * Layouts:
 * - a folder of patient folders with its CSV (`trainset/` with `trainset_true.csv`, `testset/` with
 *   `testset_data.csv`, or any folder with a single `*.csv`);
 * - the same folder without a CSV, whose parent holds the release's shared `clinical_annotation.csv`
 *   (rows of patients found in the sibling split folder are passed over);
 * - the release root: `clinical_annotation.csv` beside `trainset/` and `testset/`; `options.split` picks the
 *   patient folders (default `'train'`).
 *
 * Hidden entries (`.DS_Store`, …) are skipped. A patient folder without a CSV row, a row without images and a
 * non-image file in a patient folder are reported in `issues`; see {@link CohortOptions} for the policies.
 * Patients are in CSV row order. This function needs Node (it imports `node:fs` lazily); in browsers use
 * `loadCohortFromFiles` or `loadCohortFromUrls`.
 *
 * @param dir - the cohort folder (path or `file:` URL)
 * @param options - see {@link LoadCohortOptions}
 * @returns the patients, the issues and the CSV file(s) used
 * @throws {CohortError} when the folder or the CSV is missing, several CSVs are ambiguous, a column is missing,
 *   or a row is invalid (default policy); messages name the file and line
 * @example
 * const { patients, issues } = await loadCohort('data/dlmi/trainset');
 * // patients[i]: { id, label (0 | 1 | absent), gender: 'M' | 'F', dateOfBirth: 'YYYY-MM-DD', age,
 * //                lymphCount, images: ['/…/<id>/000000.jpg', …] }
 * const test = await loadCohort('data/dlmi', { split: 'test' }); // release root
 */
export async function loadCohort(dir: string | URL, options: LoadCohortOptions = {}): Promise<Cohort> {
  const [fs, path, url] = await Promise.all([import('node:fs/promises'), import('node:path'), import('node:url')]);
  const toPath = (p: string | URL, what: string): string => {
    if (p instanceof URL) return url.fileURLToPath(p);
    if (typeof p !== 'string' || p === '') throw new ArgumentError('loadCohort', what, 'a non-empty path or a file: URL', p);
    return path.resolve(p);
  };
  const root = toPath(dir, 'dir');
  const csv = options.csv === undefined ? undefined : toPath(options.csv, 'options.csv');
  return loadCohortFromTree(nodeTree(fs, path), root, csv, options, 'loadCohort');
}
