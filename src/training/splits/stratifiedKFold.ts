import { encodeClasses } from './encodeClasses.js';
import type { ClassLabel } from './encodeClasses.js';
import type { IndexSplit } from './indexSplit.js';
import { ArgumentError, checkBoolean, checkInteger, checkOptions, seededRandom } from '../../core/index.js';
import { shuffleInPlace } from './randomPermutation.js';

/** Options of {@link stratifiedKFold}. */
export interface StratifiedKFoldOptions {
  /** Number of folds K (integer ≥ 2, ≤ the size of the smallest class). Defaults to 5. */
  nSplits?: number;
  /**
   * Shuffle each class's fold assignment before splitting. Without shuffling the members of each class are
   * dealt to the folds in index order (first block to fold 0, and so on). Defaults to `false`.
   */
  shuffle?: boolean;
  /**
   * Seed of the library's generator (`seededRandom` of src/core) used when `shuffle` is true. Only allowed with `shuffle: true`
   * (as in scikit-learn, where a random state has no effect without shuffling). Defaults to 0.
   */
  seed?: number;
}

/**
 * Stratified K-fold cross-validation at the patient level, with scikit-learn's `StratifiedKFold` allocation.
 *
 * Classes are numbered in order of first appearance; the sorted class ids are dealt round-robin to the K folds
 * (`y_sorted[i::K]` goes to fold i), which fixes how many members of each class every fold receives: for a class
 * of n_c members each fold gets ⌊n_c/K⌋ or ⌈n_c/K⌉ of them, and fold sizes differ by at most one. Within each
 * class the members then take the fold numbers in index order, or in a seeded random order with `shuffle`.
 * Unlike scikit-learn, which only warns, a class with fewer than K members is an error: such a split would give
 * folds without that class.
 *
 * @param labels - one class label per patient (e.g. 0 = reactive, 1 = malignant); length N ≥ nSplits
 * @param options - see {@link StratifiedKFoldOptions}
 * @returns K splits; split k holds out fold k (`test`) and trains on the rest; indices ascending, in [0, N)
 * @throws {ArgumentError} when nSplits is not an integer ≥ 2 or exceeds the members of a class, a label is missing
 *   (undefined, null or NaN), or a seed is given without `shuffle`
 * @see scikit-learn `sklearn.model_selection.StratifiedKFold` (`_make_test_folds`)
 * @example
 * stratifiedKFold([0, 0, 1, 1], { nSplits: 2 });
 * // [{ train: [1, 3], test: [0, 2] }, { train: [0, 2], test: [1, 3] }]
 * const folds = stratifiedKFold(patients.map((p) => p.label ?? null), { shuffle: true, seed: 7 });
 */
export function stratifiedKFold(
  labels: ArrayLike<ClassLabel | null | undefined>,
  options: StratifiedKFoldOptions = {},
): IndexSplit[] {
  checkOptions('stratifiedKFold', options);
  const nSplits = options.nSplits === undefined ? 5 : checkInteger('stratifiedKFold', 'nSplits', options.nSplits, { min: 2 });
  const shuffle = options.shuffle === undefined ? false : checkBoolean('stratifiedKFold', 'shuffle', options.shuffle);
  if (options.seed !== undefined && !shuffle) {
    throw new ArgumentError('stratifiedKFold', 'seed', 'left out without shuffle: true (it has no effect)', options.seed);
  }
  const seed = options.seed === undefined ? 0 : checkInteger('stratifiedKFold', 'seed', options.seed);
  const n = labels.length;
  if (nSplits > n) {
    throw new ArgumentError('stratifiedKFold', 'nSplits', `at most the number of samples ${n}`, nSplits);
  }
  const { ids, classes, counts } = encodeClasses(labels, 'stratifiedKFold');
  counts.forEach((count, c) => {
    if (count < nSplits) {
      throw new ArgumentError('stratifiedKFold', 'nSplits', `at most the ${count} member(s) of class ${String(classes[c])}`, nSplits);
    }
  });
  const nClasses = classes.length;

  // allocation[k][c] = how many members of class c fold k receives: bincount of y_sorted[k::K], where y_sorted
  // is the class ids sorted ascending, i.e. class c occupies positions [start_c, start_c + n_c).
  const allocation: number[][] = Array.from({ length: nSplits }, () => new Array<number>(nClasses).fill(0));
  let position = 0;
  for (let c = 0; c < nClasses; c++) {
    const count = counts[c] ?? 0;
    for (let p = position; p < position + count; p++) {
      const row = allocation[p % nSplits] as number[];
      row[c] = (row[c] ?? 0) + 1;
    }
    position += count;
  }

  const random = seededRandom(seed).next;
  const testFold = new Int32Array(n);
  for (let c = 0; c < nClasses; c++) {
    // foldsForClass = repeat(arange(K), allocation[:, c]), optionally shuffled.
    const foldsForClass: number[] = [];
    for (let k = 0; k < nSplits; k++) {
      const times = allocation[k]?.[c] ?? 0;
      for (let t = 0; t < times; t++) foldsForClass.push(k);
    }
    if (shuffle) shuffleInPlace(foldsForClass, random);
    let next = 0;
    for (let i = 0; i < n; i++) {
      if (ids[i] === c) testFold[i] = foldsForClass[next++] as number;
    }
  }

  const splits: IndexSplit[] = [];
  for (let k = 0; k < nSplits; k++) {
    const train: number[] = [];
    const test: number[] = [];
    for (let i = 0; i < n; i++) (testFold[i] === k ? test : train).push(i);
    splits.push({ train, test });
  }
  return splits;
}
