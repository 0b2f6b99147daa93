import { encodeClasses } from './encodeClasses.js';
import type { ClassLabel } from './encodeClasses.js';
import type { IndexSplit } from './indexSplit.js';
import { ArgumentError, checkInteger, checkNumber, checkOptions, seededRandom } from '../../core/index.js';
import { randomPermutation, shuffleInPlace } from './randomPermutation.js';

/** Options of {@link stratifiedTrainTestSplit}. */
export interface StratifiedTrainTestSplitOptions {
  /**
   * Size of the held-out set: a fraction in (0, 1) of the patients (rounded up, as in scikit-learn), or an
   * integer count in [1, N − 1]. Defaults to 0.25.
   */
  testSize?: number;
  /** Seed of the library's generator (`seededRandom` of src/core) that draws the patients. Defaults to 0. */
  seed?: number;
}

/**
 * Split `total` draws across classes in proportion to `counts`, as scikit-learn's `_approximate_mode`: floor
 * the proportional shares, then hand the remaining draws to the classes with the largest remainders, breaking
 * ties between equal remainders at random.
 */
function approximateMode(counts: readonly number[], total: number, random: () => number): number[] {
  const sum = counts.reduce((a, b) => a + b, 0);
  const continuous = counts.map((c) => (c / sum) * total);
  const floored = continuous.map(Math.floor);
  let needToAdd = total - floored.reduce((a, b) => a + b, 0);
  const remainders = continuous.map((v, i) => v - (floored[i] ?? 0));
  const values = [...new Set(remainders)].sort((a, b) => b - a);
  for (const value of values) {
    if (needToAdd <= 0) break;
    const tied = remainders.flatMap((r, i) => (r === value ? [i] : []));
    shuffleInPlace(tied, random);
    for (const i of tied.slice(0, Math.min(tied.length, needToAdd))) {
      floored[i] = (floored[i] ?? 0) + 1;
      needToAdd--;
    }
  }
  return floored;
}

/**
 * A single stratified train/test split at the patient level, with scikit-learn's
 * `train_test_split(..., stratify=labels)` semantics (`StratifiedShuffleSplit`).
 *
 * The test set has ⌈testSize·N⌉ patients (or `testSize` itself when it is an integer) and the training set
 * the rest; both are shared across classes in proportion to the class sizes (largest remainders, random
 * tie-breaks), so every class appears on both sides. Patients within a class are drawn at random with the
 * seeded generator of src/core (`seededRandom`).
 *
 * @param labels - one class label per patient (e.g. 0 = reactive, 1 = malignant); every class needs ≥ 2 members
 * @param options - see {@link StratifiedTrainTestSplitOptions}
 * @returns the split; `train` and `test` ascending, disjoint, covering [0, N)
 * @throws {ArgumentError} when testSize is out of range, a class has a single member, either side would be
 *   smaller than the number of classes, or a label is missing (undefined, null or NaN)
 * @see scikit-learn `sklearn.model_selection.StratifiedShuffleSplit`
 * @example
 * const { train, test } = stratifiedTrainTestSplit([0, 0, 0, 0, 1, 1, 1, 1], { testSize: 0.5, seed: 3 });
 * // test holds two patients of each class
 */
export function stratifiedTrainTestSplit(
  labels: ArrayLike<ClassLabel | null | undefined>,
  options: StratifiedTrainTestSplitOptions = {},
): IndexSplit {
  const fn = 'stratifiedTrainTestSplit';
  checkOptions(fn, options);
  const testSize = options.testSize ?? 0.25;
  const seed = options.seed === undefined ? 0 : checkInteger(fn, 'seed', options.seed);
  const n = labels.length;
  let nTest: number;
  if (Number.isInteger(testSize)) {
    checkInteger(fn, 'testSize', testSize, { min: 1, max: n - 1 });
    nTest = testSize;
  } else {
    checkNumber(fn, 'testSize', testSize, { min: 0, max: 1, minExclusive: true, maxExclusive: true });
    nTest = Math.ceil(testSize * n);
  }
  const nTrain = n - nTest;
  const { ids, classes, counts } = encodeClasses(labels, 'stratifiedTrainTestSplit');
  counts.forEach((count, c) => {
    if (count < 2) {
      throw new ArgumentError(fn, 'labels', `at least 2 members of every class (class ${String(classes[c])} has only ${count} member)`, labels);
    }
  });
  if (nTrain < classes.length || nTest < classes.length) {
    throw new ArgumentError(fn, 'testSize', `such that train (${nTrain}) and test (${nTest}) both hold ≥ ${classes.length} patients (one per class)`, testSize);
  }

  const random = seededRandom(seed).next;
  const trainPerClass = approximateMode(counts, nTrain, random);
  const remaining = counts.map((c, i) => c - (trainPerClass[i] ?? 0));
  const testPerClass = approximateMode(remaining, nTest, random);

  const members: number[][] = classes.map(() => []);
  for (let i = 0; i < n; i++) members[ids[i] as number]?.push(i);
  const train: number[] = [];
  const test: number[] = [];
  members.forEach((indices, c) => {
    const order = randomPermutation(indices.length, random).map((j) => indices[j] as number);
    const nTrainC = trainPerClass[c] ?? 0;
    train.push(...order.slice(0, nTrainC));
    test.push(...order.slice(nTrainC, nTrainC + (testPerClass[c] ?? 0)));
  });
  train.sort((a, b) => a - b);
  test.sort((a, b) => a - b);
  return { train, test };
}
