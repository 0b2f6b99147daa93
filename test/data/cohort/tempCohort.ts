/** Test helper: build cohort folders in the OS temp dir at test time. */
import { linkSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A header and the rows of a small synthetic clinical CSV (made-up patients). */
export const HEADER = 'ID,LABEL,GENDER,DOB,LYMPH_COUNT';

/**
 * Create a fresh temp folder holding `files` (relative path → content; a path ending in '/' makes an empty
 * folder). Returns its absolute path; remove it with {@link removeTempDir}.
 */
export function makeTempDir(files: Record<string, string | Uint8Array>): string {
  const root = mkdtempSync(join(tmpdir(), 'lymphomix-cohort-'));
  for (const [rel, content] of Object.entries(files)) {
    const p = join(root, rel);
    if (rel.endsWith('/')) {
      mkdirSync(p, { recursive: true });
      continue;
    }
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
  return root;
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Image files (empty) for the given patients: `<prefix><id>/00000k.jpg` for k < count. */
export function images(ids: readonly string[], count = 2, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const id of ids) for (let k = 0; k < count; k++) out[`${prefix}${id}/${String(k).padStart(6, '0')}.jpg`] = '';
  return out;
}

/**
 * Create `counts.length` patient folders `<id>/00000k.jpg` (k < count) of empty files under `root`, as hard
 * links to one empty file: creating 10⁴ inodes is slow on a busy disk, links are not, and every path is still
 * an empty regular file.
 */
export function linkEmptyImages(root: string, ids: readonly string[], count: number): void {
  const empty = join(root, '.empty');
  writeFileSync(empty, '');
  for (const id of ids) {
    mkdirSync(join(root, id), { recursive: true });
    for (let k = 0; k < count; k++) linkSync(empty, join(root, id, `${String(k).padStart(6, '0')}.jpg`));
  }
}
