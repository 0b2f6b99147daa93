import { ArgumentError } from '../core/index.js';
import { FEATURE_NAMES } from '../features/cell/index.js';
import type { InstanceMatrix, PatientBag } from './patientBag.js';

/** Options of {@link checkFiniteBags}. */
export interface CheckFiniteBagsOptions {
  /** Check the `images` matrices the patients have (`false`: the caller does not read them). Defaults to `true`. */
  readonly images?: boolean | undefined;
  /** Check the `handmade` matrices the patients have (`false`: the caller does not read them). Defaults to `true`. */
  readonly handmade?: boolean | undefined;
  /**
   * Names of the handmade columns, for messages. Defaults to `FEATURE_NAMES` when a matrix has 51 columns, else the
   * column number.
   */
  readonly featureNames?: readonly string[] | undefined;
}

function columnName(cols: number, j: number, names: readonly string[] | undefined): string {
  const list = names ?? (cols === FEATURE_NAMES.length ? FEATURE_NAMES : undefined);
  return list !== undefined && list.length === cols ? `'${list[j] as string}'` : `${j}`;
}

function checkMatrix(fn: string, bag: PatientBag, m: InstanceMatrix, field: (j: number) => string, row: string): void {
  const { data, cols } = m;
  if (data === null || typeof data !== 'object' || typeof data.length !== 'number' || !(cols >= 1)) return; // shape errors are the packer's
  for (let k = 0; k < data.length; k++) {
    const v = data[k] as number;
    if (!Number.isFinite(v)) {
      throw new ArgumentError(fn, `patient ${bag.id}, ${field(k % cols)} of ${row} ${Math.floor(k / cols)}`, 'a finite number', v);
    }
  }
}

/**
 * Rejects a non-finite value anywhere in the patients a public function was given, naming the patient and the field
 * (`patient P12, handmade feature 'solidity' of usable image 3`), not a flat row of all patients. A NaN that reached
 * training would give a NaN loss without an error; one that reached prediction, a NaN probability.
 *
 * @param fn - The public function the user called, named in the message.
 * @param bags - The patients; entries that are not objects are left to the caller's own checks.
 * @param options - Which matrices to check; see {@link CheckFiniteBagsOptions}.
 * @throws {ArgumentError} on the first non-finite age, lymphocyte count (or a negative count), embedding value or
 *   handmade feature.
 * @example
 * ```ts
 * checkFiniteBags('fitMixtureOfExperts', train, { images: false });
 * ```
 */
export function checkFiniteBags(fn: string, bags: readonly PatientBag[], options: CheckFiniteBagsOptions = {}): void {
  const images = options.images ?? true;
  const handmade = options.handmade ?? true;
  for (const bag of bags) {
    if (typeof bag !== 'object' || bag === null) continue;
    if (!Number.isFinite(bag.age)) throw new ArgumentError(fn, `patient ${bag.id}, age`, 'a finite number', bag.age);
    if (!Number.isFinite(bag.lymphCount) || bag.lymphCount < 0) {
      throw new ArgumentError(fn, `patient ${bag.id}, lymphCount`, 'a finite number ≥ 0', bag.lymphCount);
    }
    if (images !== false && bag.images !== undefined && bag.images !== null) {
      checkMatrix(fn, bag, bag.images, (j) => `embedding value ${j}`, 'image');
    }
    if (handmade !== false && bag.handmade !== undefined && bag.handmade !== null) {
      const m = bag.handmade;
      checkMatrix(fn, bag, m, (j) => `handmade feature ${columnName(m.cols, j, options.featureNames)}`, 'usable image');
    }
  }
}
