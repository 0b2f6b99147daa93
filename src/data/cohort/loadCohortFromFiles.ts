import { ArgumentError } from '../../core/index.js';
import type { Cohort } from './cohort.js';
import { CohortError } from './cohortError.js';
import type { CohortOptions } from './cohortOptions.js';
import { loadCohortFromTree } from './loadCohortFromTree.js';
import type { CohortTree, TreeEntry } from './loadCohortFromTree.js';

/** Options of {@link loadCohortFromFiles}. */
export interface LoadCohortFromFilesOptions extends CohortOptions {
  /**
   * The clinical CSV, when it is not among `files` (e.g. picked separately). Defaults to searching `files` like
   * `loadCohort` searches a folder; a single CSV given without a folder path is also used.
   */
  csv?: File;
}

interface Node {
  readonly dirs: Map<string, Node>;
  readonly files: Map<string, File>;
}

const emptyNode = (): Node => ({ dirs: new Map(), files: new Map() });

/** The path of a picked file inside the picked folder ('' when the browser gave none). */
function relativePath(file: File): string {
  const rel = (file as { webkitRelativePath?: string }).webkitRelativePath;
  return typeof rel === 'string' ? rel.replace(/\\/g, '/').replace(/^\/+/, '') : '';
}

/**
 * Load a cohort from files picked in a browser: `<input type="file" webkitdirectory>` gives every file of a
 * folder with its `webkitRelativePath` (`trainset/P999/000000.jpg`, `trainset/trainset_true.csv`). The same
 * layouts and rules as `loadCohort` apply, with the picked folder as the cohort folder (its parent is not
 * available, so a release split folder needs the root picked, or `options.csv`). Images stay `File`s, never
 * read; only the CSV is read.
 *
 * @param files - the picked files (a `FileList` or an array), each with a `webkitRelativePath`
 * @param options - see {@link LoadCohortFromFilesOptions}
 * @returns the patients (images are the `File` objects), the issues and the CSV path(s) used
 * @throws {CohortError} as `loadCohort` does; also when no file has a folder path
 * @example
 * input.addEventListener('change', async () => {
 *   const { patients, issues } = await loadCohortFromFiles(input.files!);
 * });
 */
export async function loadCohortFromFiles(
  files: ArrayLike<File> | Iterable<File>,
  options: LoadCohortFromFilesOptions = {},
): Promise<Cohort> {
  const list = Array.from(files as ArrayLike<File>);
  const root = emptyNode();
  const loose: File[] = [];
  for (const file of list) {
    if (typeof Blob === 'undefined' || !(file instanceof Blob)) {
      throw new ArgumentError('loadCohortFromFiles', `files[${list.indexOf(file)}]`, 'a File (or Blob)', file);
    }
    const parts = relativePath(file).split('/').filter((p) => p !== '');
    if (parts.length <= 1) {
      loose.push(file);
      continue;
    }
    let node = root;
    for (const part of parts.slice(0, -1)) {
      let next = node.dirs.get(part);
      if (next === undefined) node.dirs.set(part, (next = emptyNode()));
      node = next;
    }
    node.files.set(parts[parts.length - 1] as string, file);
  }
  if (root.dirs.size === 0) {
    throw new CohortError(
      `loadCohortFromFiles: none of the ${list.length} files has a folder path (webkitRelativePath); pick a folder`,
      '',
    );
  }
  // The picked folder is the single top-level folder; several top-level folders are treated as its contents.
  const top = root.files.size === 0 && root.dirs.size === 1 ? ([...root.dirs.keys()][0] as string) : '';

  const find = (path: string): Node | File | undefined => {
    let node: Node = root;
    const parts = path === '' ? [] : path.split('/');
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] as string;
      const dir = node.dirs.get(part);
      if (dir !== undefined) node = dir;
      else return i === parts.length - 1 ? node.files.get(part) : undefined;
    }
    return node;
  };
  const tree: CohortTree = {
    async list(dir) {
      const node = find(dir);
      if (node === undefined || node instanceof Blob) return undefined;
      const entries: TreeEntry[] = [];
      for (const name of node.dirs.keys()) entries.push({ name, kind: 'directory' });
      for (const name of node.files.keys()) entries.push({ name, kind: 'file' });
      return entries;
    },
    async readText(path) {
      const file = find(path);
      if (!(file instanceof Blob)) throw new CohortError(`loadCohortFromFiles: ${path} is not a file`, path);
      return file.text();
    },
    join: (dir, name) => (dir === '' ? name : `${dir}/${name}`),
    parent(dir) {
      if (dir === top || dir === '') return undefined;
      const slash = dir.lastIndexOf('/');
      return slash < 0 ? '' : dir.slice(0, slash);
    },
    imageRef(path) {
      const file = find(path);
      if (!(file instanceof Blob)) throw new CohortError(`loadCohortFromFiles: ${path} is not a file`, path);
      return file;
    },
  };

  const looseCsvs = loose.filter((f) => f.name.toLowerCase().endsWith('.csv'));
  const csvFile = options.csv ?? (looseCsvs.length === 1 ? looseCsvs[0] : undefined);
  const csv = csvFile === undefined ? undefined : { name: csvFile.name, text: await csvFile.text() };
  return loadCohortFromTree(tree, top, csv, options, 'loadCohortFromFiles');
}
