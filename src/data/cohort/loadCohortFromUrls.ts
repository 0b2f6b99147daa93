import { ArgumentError } from '../../core/index.js';
import { checkCohortOptions } from './cohortOptions.js';
import { assembleCohort } from './assembleCohort.js';
import type { PatientFolder } from './assembleCohort.js';
import type { Cohort } from './cohort.js';
import { CohortError } from './cohortError.js';
import type { CohortIssue } from './cohortIssue.js';
import type { CohortOptions } from './cohortOptions.js';
import { IMAGE_EXTENSIONS, isImageFileName } from './isImageFileName.js';
import { parseClinicalCsv } from './parseClinicalCsv.js';

/** Options of {@link loadCohortFromUrls}. */
export interface LoadCohortFromUrlsOptions extends Omit<CohortOptions, 'split'> {
  /** The `fetch` used to download the CSV (e.g. one adding credentials). Defaults to `globalThis.fetch`. */
  fetch?: (input: string | URL) => Promise<Pick<Response, 'ok' | 'status' | 'statusText' | 'text'>>;
}

/** Image URLs: a flat list (`…/P999/000000.jpg`, grouped by the parent folder's name) or a record by patient ID. */
export type CohortImageUrls = readonly (string | URL)[] | Readonly<Record<string, readonly (string | URL)[]>>;

/** Path segments of a URL (absolute, or relative to any base), decoded. */
function segments(u: string | URL): string[] {
  const pathname = new URL(u, 'http://relative.invalid/').pathname;
  return pathname
    .split('/')
    .filter((p) => p !== '')
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
}

/**
 * Load a cohort served over HTTP(S) (or from `data:` / `blob:` URLs): the clinical CSV is fetched, the images
 * stay URLs (never fetched here), ready for io's `decodeImage`.
 *
 * A flat list of image URLs is grouped by the name of each image's parent folder (`…/P999/000000.jpg` → patient
 * `P999`) and kept in the order given; entries whose extension is not an image are reported as `'ignored-file'`.
 * A record maps patient IDs to their URLs directly. Rows without images and image groups without rows are
 * reported in `issues`, as in `loadCohort`.
 *
 * @param csvUrl - URL of the clinical CSV (`trainset_true.csv`, `clinical_annotation.csv`, …)
 * @param imageUrls - see {@link CohortImageUrls}
 * @param options - see {@link LoadCohortFromUrlsOptions}
 * @returns the patients (images are the URLs as given), the issues and the CSV URL
 * @throws {CohortError} when the CSV cannot be fetched (naming the URL and HTTP status), a column is missing,
 *   or a row is invalid (default policy)
 * @example
 * const manifest: string[] = await (await fetch('/cohort/images.json')).json();
 * const { patients } = await loadCohortFromUrls('/cohort/trainset_true.csv', manifest);
 */
export async function loadCohortFromUrls(
  csvUrl: string | URL,
  imageUrls: CohortImageUrls,
  options: LoadCohortFromUrlsOptions = {},
): Promise<Cohort> {
  const fnName = 'loadCohortFromUrls';
  checkCohortOptions(fnName, options);
  const doFetch = options.fetch ?? globalThis.fetch;
  if (typeof doFetch !== 'function') throw new ArgumentError(fnName, 'options.fetch', 'a fetch function (none is available here)', doFetch);
  const csvName = String(csvUrl);
  let response;
  try {
    response = await doFetch(csvUrl);
  } catch (e) {
    throw new CohortError(`${fnName}: could not fetch ${csvName}: ${(e as Error).message}`, csvName);
  }
  if (!response.ok) {
    const status = `HTTP ${response.status} ${response.statusText}`;
    throw new CohortError(`${fnName}: could not fetch ${csvName}: ${status}`, csvName);
  }
  const table = parseClinicalCsv(await response.text(), {
    fileName: csvName,
    fnName,
    ...(options.referenceDate === undefined ? {} : { referenceDate: options.referenceDate }),
    ...(options.onInvalidRow === undefined ? {} : { onInvalidRow: options.onInvalidRow }),
  });

  const { imageExtensions = IMAGE_EXTENSIONS } = options;
  const folders = new Map<string, PatientFolder>();
  const issues: CohortIssue[] = [];
  if (Array.isArray(imageUrls)) {
    const groups = new Map<string, (string | URL)[]>();
    for (const u of imageUrls as readonly (string | URL)[]) {
      const parts = segments(u);
      const name = parts[parts.length - 1] ?? '';
      const id = parts[parts.length - 2];
      if (id === undefined || !isImageFileName(name, imageExtensions)) {
        issues.push({
          kind: 'ignored-file',
          message: `${String(u)} is not an image inside a patient folder; ignored`,
          file: String(u),
        });
        continue;
      }
      let group = groups.get(id);
      if (group === undefined) groups.set(id, (group = []));
      group.push(u);
    }
    for (const [id, images] of groups) folders.set(id, { path: `${id}/`, images });
  } else {
    for (const [id, images] of Object.entries(imageUrls as Readonly<Record<string, readonly (string | URL)[]>>)) {
      folders.set(id, { path: `${id}/`, images: [...images] });
    }
  }
  return assembleCohort([{ file: csvName, table }], folders, new Set(), issues, options, fnName);
}
