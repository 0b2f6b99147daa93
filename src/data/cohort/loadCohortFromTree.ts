import { checkCohortOptions } from './cohortOptions.js';
import { assembleCohort } from './assembleCohort.js';
import type { PatientFolder, SourcedTable } from './assembleCohort.js';
import type { Cohort } from './cohort.js';
import { CohortError } from './cohortError.js';
import type { CohortIssue } from './cohortIssue.js';
import type { CohortOptions } from './cohortOptions.js';
import { IMAGE_EXTENSIONS, isImageFileName } from './isImageFileName.js';
import { parseClinicalCsv } from './parseClinicalCsv.js';
import type { ImageRef } from './patient.js';

/** An entry of a {@link CohortTree} folder. */
export interface TreeEntry {
  readonly name: string;
  readonly kind: 'file' | 'directory';
  /** The name's bytes when they are not valid UTF-8 (`name` is then a lossy decoding): such entries are skipped and reported. */
  readonly rawName?: Uint8Array;
}

/** The bytes of a name that is not valid UTF-8, for a message: hex, bounded. */
function describeRawName(raw: Uint8Array): string {
  const hex = Array.from(raw.subarray(0, 64), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return raw.length > 64 ? `${hex} … (${raw.length} bytes)` : hex;
}

/** The issue of an entry whose name is not valid UTF-8: it is left out (its path could not be given back). */
function invalidNameIssue(folder: string, entry: TreeEntry & { rawName: Uint8Array }, id?: string): CohortIssue {
  return {
    kind: 'ignored-file',
    message:
      `${entry.kind === 'directory' ? 'a folder' : 'a file'} in ${folder} has a name that is not valid UTF-8 ` +
      `(bytes ${describeRawName(entry.rawName)}); ignored: rename it`,
    ...(id === undefined ? {} : { id }),
    file: folder,
  };
}

/**
 * A read-only view of a folder hierarchy (internal): the Node file system or an in-memory tree of `File`s.
 * Paths are opaque strings built with `join`.
 */
export interface CohortTree {
  /** Entries of a folder, or `undefined` when it is not a folder. */
  list(dir: string): Promise<readonly TreeEntry[] | undefined>;
  /** Text of a file (UTF-8). */
  readText(file: string): Promise<string>;
  join(dir: string, name: string): string;
  /** The folder above `dir`, or `undefined` at the top of the tree. */
  parent(dir: string): string | undefined;
  /** The lazy image reference for a file. */
  imageRef(file: string): ImageRef;
}

/** CSV names the loaders look for, in order of preference. */
export const KNOWN_CSV_NAMES = ['trainset_true.csv', 'testset_data.csv', 'clinical_annotation.csv'] as const;
const SPLIT_FOLDERS = { train: 'trainset', test: 'testset' } as const;

/** Sort key for natural name order (`2.jpg` before `10.jpg`): digit runs left-padded to a fixed width. */
function naturalKey(name: string): string {
  return name.toLowerCase().replace(/\d+/g, (digits) => digits.padStart(24, '0'));
}

/** Sort names in natural order; plain string comparison of precomputed keys (fast for 10⁴–10⁵ names). */
function sortNatural<T>(items: T[], name: (item: T) => string): T[] {
  const keyed = items.map((item) => ({ item, key: naturalKey(name(item)) }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return keyed.map((k) => k.item);
}

function visible(entries: readonly TreeEntry[]): TreeEntry[] {
  return entries.filter((e) => e.rawName === undefined && !e.name.startsWith('.') && !e.name.startsWith('__MACOSX'));
}

/**
 * The CSV to use among a folder's files: a known name, else (unless `knownOnly`) the only `*.csv`; several
 * unknown ones are an error.
 */
function pickCsv(
  tree: CohortTree,
  dir: string,
  entries: readonly TreeEntry[],
  fnName: string,
  knownOnly = false,
): string | undefined {
  const csvs = visible(entries).filter((e) => e.kind === 'file' && e.name.toLowerCase().endsWith('.csv'));
  for (const known of KNOWN_CSV_NAMES) {
    const hit = csvs.find((e) => e.name.toLowerCase() === known);
    if (hit !== undefined) return tree.join(dir, hit.name);
  }
  if (knownOnly) return undefined;
  if (csvs.length === 1) return tree.join(dir, (csvs[0] as TreeEntry).name);
  if (csvs.length > 1) {
    throw new CohortError(
      `${fnName}: several CSV files in ${dir} (${csvs.map((e) => e.name).join(', ')}) and none named ${KNOWN_CSV_NAMES.join(' / ')}; pass the csv option`,
      dir,
    );
  }
  return undefined;
}

interface Layout {
  readonly csvFiles: readonly string[];
  readonly patientRoots: readonly string[];
  readonly otherRoots: readonly string[];
}

async function resolveLayout(
  tree: CohortTree,
  dir: string,
  entries: readonly TreeEntry[],
  explicitCsv: string | undefined,
  options: CohortOptions,
  fnName: string,
): Promise<Layout> {
  const dirs = visible(entries).filter((e) => e.kind === 'directory');
  const splitDirs = dirs.filter((e) => Object.values(SPLIT_FOLDERS).includes(e.name.toLowerCase() as 'trainset'));
  if (splitDirs.length > 0) {
    // Release root: clinical_annotation.csv beside trainset/ and testset/.
    const split = options.split ?? 'train';
    const wanted: string[] = split === 'all' ? Object.values(SPLIT_FOLDERS) : [SPLIT_FOLDERS[split]];
    const chosen = wanted.flatMap((w) => splitDirs.filter((e) => e.name.toLowerCase() === w)); // train first
    if (chosen.length === 0) {
      throw new CohortError(`${fnName}: ${dir} has no ${wanted.join(' or ')} folder for split '${split}'`, dir);
    }
    const patientRoots = chosen.map((e) => tree.join(dir, e.name));
    const otherRoots = splitDirs.filter((e) => !chosen.includes(e)).map((e) => tree.join(dir, e.name));
    let csvFiles: string[];
    if (explicitCsv !== undefined) csvFiles = [explicitCsv];
    else {
      const rootCsv = pickCsv(tree, dir, entries, fnName);
      if (rootCsv !== undefined) csvFiles = [rootCsv];
      else {
        csvFiles = [];
        for (const root of patientRoots) {
          const csv = pickCsv(tree, root, (await tree.list(root)) ?? [], fnName);
          if (csv === undefined) throw new CohortError(`${fnName}: no CSV file in ${dir} nor in ${root}`, root);
          csvFiles.push(csv);
        }
      }
    }
    return { csvFiles, patientRoots, otherRoots };
  }
  // A folder of patient folders, with its CSV inside or one level up (trainset/ of the release layout).
  if (explicitCsv !== undefined) return { csvFiles: [explicitCsv], patientRoots: [dir], otherRoots: [] };
  const own = pickCsv(tree, dir, entries, fnName);
  if (own !== undefined) return { csvFiles: [own], patientRoots: [dir], otherRoots: [] };
  const up = tree.parent(dir);
  const upEntries = up === undefined ? undefined : await tree.list(up);
  // One level up only the known names count: an unrelated lone CSV beside the cohort folder must not be taken.
  const upCsv = up === undefined || upEntries === undefined ? undefined : pickCsv(tree, up, upEntries, fnName, true);
  if (up === undefined || upEntries === undefined || upCsv === undefined) {
    const looked = `looked for ${KNOWN_CSV_NAMES.join(', ')} or a single *.csv${up === undefined ? '' : `, then the known names in ${up}`}`;
    throw new CohortError(`${fnName}: no CSV file in ${dir} (${looked}); pass the csv option`, dir);
  }
  // Rows of the shared CSV whose patients sit in a sibling split folder belong to that split.
  const self = dir.replace(/[\\/]+$/, '');
  const otherRoots = visible(upEntries)
    .filter((e) => e.kind === 'directory' && Object.values(SPLIT_FOLDERS).includes(e.name.toLowerCase() as 'trainset'))
    .map((e) => tree.join(up, e.name))
    .filter((p) => p.replace(/[\\/]+$/, '') !== self);
  return { csvFiles: [upCsv], patientRoots: [dir], otherRoots };
}

/**
 * Load a cohort from a {@link CohortTree} (internal; see `loadCohort` and `loadCohortFromFiles`).
 *
 * @param explicitCsv - a CSV path in the tree, or text with a name, overriding the search
 */
export async function loadCohortFromTree(
  tree: CohortTree,
  dir: string,
  explicitCsv: string | { readonly name: string; readonly text: string } | undefined,
  options: CohortOptions,
  fnName: string,
): Promise<Cohort> {
  checkCohortOptions(fnName, options);
  const { imageExtensions = IMAGE_EXTENSIONS } = options;
  const entries = await tree.list(dir);
  if (entries === undefined) throw new CohortError(`${fnName}: ${dir} is not a folder`, dir);
  const layout = await resolveLayout(
    tree,
    dir,
    entries,
    typeof explicitCsv === 'string' ? explicitCsv : explicitCsv?.name,
    options,
    fnName,
  );

  const tables: SourcedTable[] = [];
  for (const file of layout.csvFiles) {
    let text: string;
    try {
      text = typeof explicitCsv === 'object' ? explicitCsv.text : await tree.readText(file);
    } catch (e) {
      throw new CohortError(`${fnName}: cannot read ${file}: ${(e as Error).message}`, file);
    }
    const table = parseClinicalCsv(text, {
      fileName: file,
      fnName,
      ...(options.referenceDate === undefined ? {} : { referenceDate: options.referenceDate }),
      ...(options.onInvalidRow === undefined ? {} : { onInvalidRow: options.onInvalidRow }),
    });
    tables.push({ file, table });
  }

  const folders = new Map<string, PatientFolder>();
  const issues: CohortIssue[] = [];
  for (const root of layout.patientRoots) {
    const rootEntries = root === dir ? entries : ((await tree.list(root)) ?? []);
    for (const e of rootEntries) if (e.rawName !== undefined) issues.push(invalidNameIssue(root, e as TreeEntry & { rawName: Uint8Array }));
    const patientDirs = sortNatural(
      visible(rootEntries).filter((e) => e.kind === 'directory'),
      (e) => e.name,
    );
    for (const e of visible(rootEntries)) {
      if (e.kind === 'file' && isImageFileName(e.name, imageExtensions)) {
        const file = tree.join(root, e.name);
        issues.push({ kind: 'ignored-file', message: `image ${file} is not inside a patient folder; ignored`, file });
      }
    }
    const listed = await Promise.all(patientDirs.map((e) => tree.list(tree.join(root, e.name))));
    patientDirs.forEach((e, k) => {
      const path = tree.join(root, e.name);
      const existing = folders.get(e.name);
      if (existing !== undefined) {
        throw new CohortError(`${fnName}: patient ${e.name} has two image folders, ${existing.path} and ${path}`, path);
      }
      const names: string[] = [];
      for (const f of listed[k] ?? []) if (f.rawName !== undefined) issues.push(invalidNameIssue(path, f as TreeEntry & { rawName: Uint8Array }, e.name));
      for (const f of visible(listed[k] ?? [])) {
        if (f.kind === 'file' && isImageFileName(f.name, imageExtensions)) names.push(f.name);
        else {
          const file = tree.join(path, f.name);
          issues.push({
            kind: 'ignored-file',
            message: `${f.kind === 'directory' ? 'folder' : 'file'} ${file} is not an image; ignored`,
            id: e.name,
            file,
          });
        }
      }
      const images = sortNatural(names, (n) => n).map((n) => tree.imageRef(tree.join(path, n)));
      folders.set(e.name, { path, images });
    });
  }

  const otherSplitIds = new Set<string>();
  for (const root of layout.otherRoots) {
    for (const e of visible((await tree.list(root)) ?? [])) if (e.kind === 'directory') otherSplitIds.add(e.name);
  }
  return assembleCohort(tables, folders, otherSplitIds, issues, options, fnName);
}
