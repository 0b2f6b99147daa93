/**
 * The one progress event of every long step of the library (feature extraction, embedding, training,
 * cross-validation, writing a cohort): what the CLI turns into bars and what a notebook prints.
 *
 * Every `onProgress` option of the library receives a {@link ProgressEvent}; its `detail` carries the stage's own
 * figures (the epoch's losses, the number of failed images, …), typed per stage.
 */

/** The long steps that report progress. */
export type ProgressStage = 'features' | 'embedding' | 'training' | 'cross-validation' | 'synthetic-cohort' | (string & {});

/**
 * One progress report.
 *
 * @typeParam D - the stage's own details
 */
export interface ProgressEvent<D = unknown> {
  /** Which long step this is, e.g. `'features'`. */
  readonly stage: ProgressStage;
  /** Units done so far (images, epochs, folds), 0 ≤ done ≤ total. */
  readonly done: number;
  /** Units in all; may grow (e.g. epochs when early stopping is unknown) but never shrinks below `done`. */
  readonly total: number;
  /** Seconds since the step started. */
  readonly elapsedSeconds: number;
  /** Estimated seconds left (linear in the rate so far), `null` before the first unit is done. */
  readonly etaSeconds: number | null;
  /** The stage's own details. */
  readonly detail: D;
}

/** The type of an `onProgress` option: a listener whose return value is ignored. */
export type ProgressListener<D = unknown> = (event: ProgressEvent<D>) => void;

/** A function that reports `done` units (and the stage's details) to a listener, computing elapsed time and ETA. */
export interface ProgressReporter<D> {
  /** Reports that `done` of `total` units are done. `total` may be changed (e.g. when it becomes known). */
  (done: number, detail: D, total?: number): void;
  /** The total in force. */
  readonly total: number;
}

/** Options of {@link createProgressReporter}. */
export interface ProgressReporterOptions {
  /** The clock, in milliseconds. Defaults to `performance.now()` (tests pass their own). */
  readonly now?: () => number;
  /** Seconds already elapsed before this reporter started (resuming a step). Defaults to 0. */
  readonly elapsedOffsetSeconds?: number;
}

/**
 * Creates a reporter that turns `(done, detail)` into {@link ProgressEvent}s for `listener`, so that no stage
 * computes elapsed time or an ETA of its own. A listener's return value is ignored, and an error thrown by a
 * listener propagates to the caller (a listener is the user's code).
 *
 * @param stage - the step, e.g. `'features'`
 * @param total - units in all
 * @param listener - the user's `onProgress`, or `undefined` (the reporter then does nothing)
 * @returns a reporter; call it after each unit
 * @example
 * const report = createProgressReporter('features', images.length, options.onProgress);
 * for (const [i, image] of images.entries()) { work(image); report(i + 1, { failed }); }
 */
export function createProgressReporter<D>(
  stage: ProgressStage,
  total: number,
  listener: ProgressListener<D> | undefined,
  options: ProgressReporterOptions = {},
): ProgressReporter<D> {
  const now = options.now ?? (() => performance.now());
  const start = now() - (options.elapsedOffsetSeconds ?? 0) * 1000;
  let currentTotal = total;
  const report = ((done: number, detail: D, newTotal?: number): void => {
    if (newTotal !== undefined) currentTotal = newTotal;
    if (listener === undefined) return;
    const elapsedSeconds = Math.max(0, (now() - start) / 1000);
    const t = Math.max(currentTotal, done);
    const etaSeconds = done > 0 ? (elapsedSeconds / done) * (t - done) : t === 0 ? 0 : null;
    listener({ stage, done, total: t, elapsedSeconds, etaSeconds, detail });
  }) as ProgressReporter<D>;
  Object.defineProperty(report, 'total', { get: () => currentTotal });
  return report;
}
