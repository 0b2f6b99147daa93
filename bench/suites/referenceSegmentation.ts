/**
 * The independent OpenCV/NumPy reference (`<shared>/reference/tavakoli_reference.py`, read-only) timed on the same
 * images as the segmentation bench, in the same run, for the segmentation suite's ratio column.
 *
 * A small driver, written to a temporary folder and removed afterwards, imports the reference module, decodes every
 * image first (OpenCV, not timed), runs its `features(rgb)` (segmentation + shape and colour features) once on every
 * image as a warm-up, then `rounds` timed rounds over all of them: wall time (`time.perf_counter`) and process CPU
 * time (`time.process_time`) per image, min and median over the rounds. Python's start-up and the imports are
 * outside the timed region.
 * @module
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

/** ms per image, min and median over the rounds. */
export interface ReferenceTiming {
  wall: { min: number; median: number };
  cpu: { min: number; median: number };
  /** Images whose segmentation found a nucleus. */
  ok: number;
  /** Images timed. */
  images: number;
}

const DRIVER = `
import json, sys, time, importlib.util
spec = importlib.util.spec_from_file_location("tavakoli_reference", sys.argv[1])
ref = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ref)
import cv2
rounds = int(sys.argv[2])
paths = [line for line in open(sys.argv[3]).read().split("\\n") if line]
imgs = [cv2.cvtColor(cv2.imread(p, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB) for p in paths]
ok = sum(1 for rgb in imgs if ref.features(rgb)[0]["ok"])  # warm-up round, not timed
wall, cpu = [], []
for _ in range(rounds):
    c0, t0 = time.process_time(), time.perf_counter()
    for rgb in imgs:
        ref.features(rgb)
    wall.append((time.perf_counter() - t0) * 1000 / len(imgs))
    cpu.append((time.process_time() - c0) * 1000 / len(imgs))
def summary(xs):
    xs = sorted(xs)
    return {"min": xs[0], "median": xs[(len(xs) - 1) // 2]}
print(json.dumps({"wall": summary(wall), "cpu": summary(cpu), "ok": ok, "images": len(imgs)}))
`;

/**
 * Time the reference on `paths`, or say in one line why it cannot run.
 *
 * @param paths - image files (JPEG/PNG) that OpenCV reads
 * @param rounds - timed rounds over all the images (≥ 1)
 * @param python - the Python with cv2 and NumPy (Debian's `/usr/bin/python3` with python3-opencv)
 * @param script - the reference script
 * @returns the timing, or `{ skipped }` with the reason (no python, no cv2, no script, a failure)
 */
export async function timeReferenceSegmentation(
  paths: readonly string[],
  rounds: number,
  python: string,
  script: string,
): Promise<ReferenceTiming | { skipped: string }> {
  if (!existsSync(script)) return { skipped: `reference column skipped: ${script} not found` };
  if (!existsSync(python)) return { skipped: `reference column skipped: ${python} not found (needs python3 with python3-opencv and numpy)` };
  const run = promisify(execFile);
  try {
    await run(python, ['-c', 'import cv2, numpy, scipy'], { timeout: 60_000 });
  } catch {
    return { skipped: `reference column skipped: ${python} cannot import cv2, numpy and scipy (Debian: apt install python3-opencv python3-scipy)` };
  }
  const dir = await mkdtemp(join(tmpdir(), 'lymphomix-bench-ref-'));
  try {
    const driver = join(dir, 'driver.py');
    const list = join(dir, 'images.txt');
    await writeFile(driver, DRIVER);
    await writeFile(list, paths.join('\n'));
    const { stdout } = await run(python, [driver, script, String(Math.max(1, rounds)), list], {
      cwd: dirname(script),
      timeout: 30 * 60_000,
      maxBuffer: 1 << 20,
    });
    const last = stdout.trim().split('\n').at(-1) ?? '';
    return JSON.parse(last) as ReferenceTiming;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return { skipped: `reference column skipped: the reference failed: ${message.slice(0, 300)}` };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
