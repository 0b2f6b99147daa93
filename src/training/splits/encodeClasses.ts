import { ArgumentError } from '../../core/index.js';
/** A class label accepted by the stratified splitters. */
export type ClassLabel = number | string | boolean;

/** Labels encoded as class ids, in the order each class first appears. */
export interface EncodedClasses {
  /** Class id of each sample, in [0, classes.length). */
  readonly ids: Int32Array;
  /** The distinct labels, in order of first appearance. */
  readonly classes: ClassLabel[];
  /** Number of samples of each class. */
  readonly counts: number[];
}

/**
 * Encode labels as class ids numbered in order of first appearance (scikit-learn's StratifiedKFold encoding).
 * Internal helper of the splitters.
 *
 * @param labels - one label per sample; `undefined`, `null` and NaN are rejected
 * @param fnName - name of the calling function, used in error messages
 * @returns class ids, distinct classes and their counts
 * @throws {ArgumentError} when a label is missing or NaN, naming its index
 */
export function encodeClasses(labels: ArrayLike<ClassLabel | null | undefined>, fnName: string): EncodedClasses {
  const ids = new Int32Array(labels.length);
  const index = new Map<ClassLabel, number>();
  const classes: ClassLabel[] = [];
  const counts: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (label === undefined || label === null || (typeof label === 'number' && Number.isNaN(label))) {
      throw new ArgumentError(fnName, `labels[${i}]`, 'a class label (drop unlabelled patients before splitting)', label);
    }
    let id = index.get(label);
    if (id === undefined) {
      id = classes.length;
      index.set(label, id);
      classes.push(label);
      counts.push(0);
    }
    ids[i] = id;
    counts[id] = (counts[id] ?? 0) + 1;
  }
  return { ids, classes, counts };
}
