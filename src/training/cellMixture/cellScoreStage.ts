import { ArgumentError, deriveSeed } from '../../core/index.js';
import type { PatientBag } from '../../models/index.js';
import { averageScorer, crossFitScores, instanceScorerFromState, scorerState, type CellMatrix, type InstanceLearner, type InstanceScorer, type InstanceScorerState } from '../cellScores/index.js';
import { stratifiedKFold } from '../splits/index.js';

/** What a {@link CellScoreCache} keeps for one fit of the stage: plain JSON. */
export interface CellScoreStageState {
  /** [P][L][nₚ] per training patient and learner, the out-of-fold cell scores. */
  readonly outOfFold: number[][][];
  /** [L] the per-cell models that score new patients. */
  readonly scorers: InstanceScorerState[];
}

/**
 * A store of fitted cell-score stages, keyed by content (the cells, labels, learners, folds and seed): several
 * models built on the same per-cell scores (the mixture's variants, a study's rows) fit the per-cell model once.
 * A `Map<string, CellScoreStageState>` is one; a study may keep them on disk.
 */
export interface CellScoreCache {
  get(key: string): CellScoreStageState | undefined | Promise<CellScoreStageState | undefined>;
  set(key: string, value: CellScoreStageState): unknown;
}

/** Options of {@link fitCellScoreStage}. */
export interface CellScoreStageOptions {
  /** Inner folds K ≥ 2 of the cross-fitting (fewer when a class has fewer patients). Defaults to `5`. */
  readonly innerFolds?: number;
  /**
   * The per-cell model that scores new patients: `'refit'` fits it once more on all patients; `'innerAverage'`
   * averages the K cross-fitted models. Defaults to `'refit'`.
   */
  readonly finalModel?: 'refit' | 'innerAverage';
  /** Seed of the inner folds and of every fit, an integer. Defaults to `0`. */
  readonly seed?: number;
  /** Where fitted stages are looked up and kept. Defaults to none (always fit). */
  readonly cache?: CellScoreCache;
  /** Called after each per-cell fit with (done, total). Defaults to none. */
  readonly afterFit?: (done: number, total: number) => void;
}

/** A fitted cell-score stage: per-cell models that turn a patient's cells into a bag of per-cell scores. */
export interface CellScoreStage {
  /** Number L of learners, the width of the score bags. */
  readonly width: number;
  /**
   * The training patients with `images` = [nₚ, L] their out-of-fold cell scores (from models that did not see the
   * patient) and no `handmade` matrix; age, count, label and id are kept.
   */
  readonly trainBags: PatientBag[];
  /**
   * The same for new patients, scored by the final per-cell models.
   * @param bags - Patients with `handmade` matrices of the training width.
   * @returns New bags with `images` [nₚ, L] and no `handmade`.
   */
  scoreBags(bags: readonly PatientBag[]): PatientBag[];
  /** The final per-cell models, as JSON. */
  state(): CellScoreStageState;
}

const FN = 'fitCellScoreStage';

/** FNV-1a of a string's UTF-16 code units. */
function hashText(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** FNV-1a over the bytes of the cells, the labels and the settings: the cache key. */
function contentKey(bags: readonly PatientBag[], learners: readonly InstanceLearner[], innerFolds: number, finalModel: string, seed: number): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  const mix = (x: number): void => {
    h1 = Math.imul(h1 ^ x, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ (x + 0x9e3779b9), 0x85ebca6b) >>> 0;
  };
  for (const b of bags) {
    const h = b.handmade!;
    const words = new Uint32Array(h.data.buffer, h.data.byteOffset, h.data.length);
    mix(h.rows);
    mix(h.cols);
    for (let i = 0; i < words.length; i++) mix(words[i]!);
    mix(b.label ?? 2);
    mix(hashText(b.id));
  }
  const text = `${learners.map((l) => l.name).join('+')}|${innerFolds}|${finalModel}|${seed}`;
  return `${h1.toString(16).padStart(8, '0')}${h2.toString(16).padStart(8, '0')}-${bags.length}-${hashText(text).toString(16)}`;
}

function scoreMatrix(perLearner: readonly ArrayLike<number>[], rows: number): CellMatrix {
  const width = perLearner.length;
  const data = new Float32Array(rows * width);
  perLearner.forEach((scores, l) => {
    for (let i = 0; i < rows; i++) data[i * width + l] = scores[i]!;
  });
  return { data, rows, cols: width };
}

function withScores(bag: PatientBag, images: CellMatrix): PatientBag {
  return { id: bag.id, label: bag.label, age: bag.age, lymphCount: bag.lymphCount, images };
}

/**
 * Fits per-cell models on labelled patients and turns every patient's cells into a bag of per-cell scores (one
 * column per learner), cross-fitted: each training patient's scores come from the inner-fold model that did not see
 * it (stratified K folds, cells weighted so that every patient counts once and the classes balance), so a second
 * model trained on these bags (a stacker, the mixture of experts) sees scores as it will for new patients.
 *
 * Plain JavaScript; the result holds no tensors.
 *
 * @param bags - Training patients with `handmade` [nₚ, F] matrices (F the same for all) and labels 0/1, at least 2
 *   of each class.
 * @param learners - The per-cell models (e.g. `gbdtInstanceLearner()`), at least one.
 * @param options - See {@link CellScoreStageOptions}.
 * @returns The fitted stage.
 * @throws {ArgumentError} naming `fitCellScoreStage` and the patient when a bag lacks cells or a label.
 * @example
 * const stage = await fitCellScoreStage(train, [gbdtInstanceLearner()], { seed: 0 });
 * const testBags = stage.scoreBags(test); // images: [n, 1] cell scores
 */
export async function fitCellScoreStage(bags: readonly PatientBag[], learners: readonly InstanceLearner[], options: CellScoreStageOptions = {}): Promise<CellScoreStage> {
  if (!Array.isArray(bags) || bags.length === 0) throw new ArgumentError(FN, 'bags', 'at least one patient', bags);
  if (!Array.isArray(learners) || learners.length === 0 || !learners.every((l) => typeof l?.fit === 'function')) {
    throw new ArgumentError(FN, 'learners', 'a non-empty array of InstanceLearner', learners);
  }
  let cols = -1;
  for (const b of bags) {
    const h = b.handmade;
    if (h === undefined || !(h.rows >= 1) || h.data.length !== h.rows * h.cols) throw new ArgumentError(FN, `bags (patient ${b.id}).handmade`, 'an [n ≥ 1, F] matrix', h);
    if (cols < 0) cols = h.cols;
    if (h.cols !== cols) throw new ArgumentError(FN, `bags (patient ${b.id}).handmade`, `${cols} columns`, h.cols);
    if (b.label !== 0 && b.label !== 1) throw new ArgumentError(FN, `bags (patient ${b.id}).label`, '0 or 1', b.label);
  }
  const labels = bags.map((b) => b.label as 0 | 1);
  const positives = labels.reduce<number>((s, y) => s + y, 0);
  const minority = Math.min(positives, labels.length - positives);
  if (minority < 2) throw new ArgumentError(FN, 'bags', 'at least 2 patients of each class', `${positives} malignant of ${labels.length}`);
  const innerFolds = Math.min(options.innerFolds ?? 5, minority);
  if (!Number.isInteger(innerFolds) || innerFolds < 2) throw new ArgumentError(FN, 'options.innerFolds', 'an integer ≥ 2', options.innerFolds);
  const finalModel = options.finalModel ?? 'refit';
  if (finalModel !== 'refit' && finalModel !== 'innerAverage') throw new ArgumentError(FN, 'options.finalModel', "'refit' or 'innerAverage'", finalModel);
  const seed = options.seed ?? 0;
  if (!Number.isSafeInteger(seed)) throw new ArgumentError(FN, 'options.seed', 'an integer', seed);

  const key = options.cache === undefined ? '' : contentKey(bags, learners, innerFolds, finalModel, seed);
  let state = options.cache === undefined ? undefined : await options.cache.get(key);
  if (state === undefined) {
    const cells = bags.map((b) => b.handmade! as CellMatrix);
    const folds = stratifiedKFold(labels, { nSplits: innerFolds, shuffle: true, seed: deriveSeed(seed, 1) % 2 ** 31 });
    const everyone = [{ train: labels.map((_, i) => i), test: labels.map((_, i) => i) }];
    const total = learners.length * (innerFolds + (finalModel === 'refit' ? 1 : 0));
    let done = 0;
    const outOfFold: Float64Array[][] = [];
    const scorers: InstanceScorer[] = [];
    for (const [l, learner] of learners.entries()) {
      const crossFit = await crossFitScores(cells, labels, folds, learner, l === 0 ? deriveSeed(seed, 2) : deriveSeed(seed, 2, l), () => options.afterFit?.(++done, total));
      outOfFold.push(crossFit.scores);
      if (finalModel === 'refit') {
        const final = await crossFitScores(cells, labels, everyone, learner, l === 0 ? deriveSeed(seed, 3) : deriveSeed(seed, 3, l));
        scorers.push(final.scorers[0]!);
        options.afterFit?.(++done, total);
      } else scorers.push(averageScorer(crossFit.scorers));
    }
    state = {
      outOfFold: bags.map((_, p) => outOfFold.map((perPatient) => Array.from(perPatient[p]!))),
      scorers: scorers.map((s) => scorerState(s)),
    };
    await options.cache?.set(key, state);
  }
  return cellScoreStageFromState(state, bags, cols);
}

/**
 * The stage a {@link CellScoreStageState} describes, with its training patients.
 * @param state - The fitted stage as JSON.
 * @param bags - The training patients the state was fitted on, in the same order.
 * @param cols - Cell features F of the per-cell models.
 * @returns The stage.
 */
function cellScoreStageFromState(state: CellScoreStageState, bags: readonly PatientBag[], cols: number): CellScoreStage {
  if (state.outOfFold.length !== bags.length) throw new ArgumentError(FN, 'options.cache', `a stage of ${bags.length} patients`, state.outOfFold.length);
  const scorers = state.scorers.map((s) => instanceScorerFromState(s));
  const width = scorers.length;
  const trainBags = bags.map((b, p) => withScores(b, scoreMatrix(state.outOfFold[p]!, b.handmade!.rows)));
  return {
    width,
    trainBags,
    scoreBags(test: readonly PatientBag[]): PatientBag[] {
      return test.map((b) => {
        const h = b.handmade;
        if (h === undefined || !(h.rows >= 1) || h.cols !== cols) throw new ArgumentError('CellScoreStage.scoreBags', `bags (patient ${b.id}).handmade`, `an [n ≥ 1, ${cols}] matrix`, h);
        return withScores(b, scoreMatrix(scorers.map((s) => s.score(h)), h.rows));
      });
    },
    state: () => state,
  };
}
