/**
 * One train/validation split of a cohort, as patient indices into the array the splitter was given.
 * Both arrays are sorted ascending and disjoint.
 */
export interface IndexSplit {
  /** Indices of the training patients, ascending. */
  readonly train: number[];
  /** Indices of the held-out (test / validation) patients, ascending. */
  readonly test: number[];
}
