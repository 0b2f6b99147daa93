import { ArgumentError, checkArray, checkNumber, checkOneOf, checkOptions, checkString, describeValue } from '../../core/index.js';

/** One image's features, tagged with its patient: e.g. a `BatchImageResult` plus the patient id. */
export interface AggregateRow {
  /** Patient id (e.g. 'P12'); rows of a patient need not be adjacent. */
  patient: string;
  /** Segmentation status; only `'ok'` rows are aggregated. */
  status: string;
  /** The image's named features; `null` when `status !== 'ok'`. */
  features: Readonly<Record<string, number>> | null;
}

/** A per-patient statistic of a feature over that patient's usable images. */
export type AggregateStatistic = 'mean' | 'median' | 'std' | 'min' | 'max';

/** The aggregation statistics, in the order their columns are written. */
export const AGGREGATE_STATISTICS: readonly AggregateStatistic[] = ['mean', 'median', 'std', 'min', 'max'];

/** Options of {@link aggregateFeatures}. */
export interface AggregateFeaturesOptions {
  /**
   * Statistics per feature, in this order. Defaults to `['mean']`, the challenge report's choice
   * (the mean over a patient's images of each handmade feature).
   */
  statistics?: readonly AggregateStatistic[];
  /**
   * Quantile levels in [0, 1], added after `statistics` as columns `q<percent>` (0.25 → `q25`,
   * 0.975 → `q97_5`); linear interpolation between order statistics (NumPy's default, Hyndman–Fan
   * type 7). Defaults to `[]`.
   */
  quantiles?: readonly number[];
  /** Feature names to aggregate, in column order. Defaults to the keys of the first usable row, in its order. */
  names?: readonly string[];
  /** Delta degrees of freedom of `std`: 0 (population, NumPy's default) or 1 (sample). Defaults to 0. */
  ddof?: 0 | 1;
  /**
   * Patients to report, in this order; a listed patient with no rows is reported like one with no
   * usable image, and rows of unlisted patients are an error. Defaults to every patient of `rows`
   * in order of first appearance.
   */
  patients?: readonly string[];
  /**
   * Value given to every statistic of a patient with no usable image (no rows, or only non-ok
   * rows). Defaults to none: such a patient's `features` is `null` (so it cannot be fed to a
   * model unnoticed); pass e.g. `0` or `NaN` to get a full row instead.
   */
  fill?: number;
}

/** The aggregated features of one patient. */
export interface PatientFeatures {
  /** Patient id. */
  patient: string;
  /** Number of rows (images) of the patient, any status. */
  images: number;
  /** Number of usable rows (`status === 'ok'`) the statistics are computed over. */
  usable: number;
  /**
   * Statistic per column `'<feature>.<statistic>'` (e.g. `'solidity.mean'`, `'lab.a.meanRatioNucleus.q25'`);
   * `null` when `usable === 0` and no `fill` was given. With one usable image, `std` is 0.
   */
  features: Record<string, number> | null;
}

/** Result of {@link aggregateFeatures}. */
export interface AggregatedFeatures {
  /** Column names `'<feature>.<statistic>'`, features outer, statistics inner. */
  columns: string[];
  /** One entry per patient. */
  patients: PatientFeatures[];
}

/** Column suffix of a quantile level: 0.25 → 'q25', 0.975 → 'q97_5', 0 → 'q0'. */
export function quantileColumnName(q: number): string {
  const percent = Math.round(q * 1e6) / 1e4; // at most 4 decimals of a percent, free of float noise
  return `q${String(percent).replace('.', '_')}`;
}

/**
 * Column names of {@link aggregateFeatures} for the given feature names and options.
 *
 * @param names - feature names
 * @param options - `statistics` and `quantiles` as for {@link aggregateFeatures}
 * @returns `'<feature>.<statistic>'` for every feature (outer) and statistic (inner)
 * @example
 * aggregateColumnNames(['solidity'], { statistics: ['mean', 'std'], quantiles: [0.5] });
 * // ['solidity.mean', 'solidity.std', 'solidity.q50']
 */
export function aggregateColumnNames(
  names: readonly string[],
  options: Pick<AggregateFeaturesOptions, 'statistics' | 'quantiles'> = {},
): string[] {
  const suffixes = [...(options.statistics ?? ['mean']), ...(options.quantiles ?? []).map(quantileColumnName)];
  return names.flatMap((name) => suffixes.map((s) => `${name}.${s}`));
}

/** Linear-interpolation quantile of sorted values (n ≥ 1): x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋]), h = (n − 1)q. */
function quantileSorted(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const a = sorted[lo] as number;
  if (lo + 1 >= sorted.length) return a;
  const b = sorted[lo + 1] as number;
  return a + (h - lo) * (b - a);
}

/**
 * Aggregate per-image handmade features into one feature vector per patient.
 *
 * Only rows with `status === 'ok'` count (a failed segmentation says nothing about the cell).
 * `mean` is the challenge report's aggregation; `median`, `std` (two-pass: mean first, then the
 * mean squared deviation, which avoids the cancellation of E[x²] − E[x]²), `min`, `max` and linear
 * quantiles are available for richer scalar experts.
 *
 * A patient with no usable image gets `features: null` (or every column = `fill` when given),
 * with `usable: 0`.
 *
 * @param rows - per-image rows: patient id, status, named features (finite numbers)
 * @param options - see {@link AggregateFeaturesOptions}
 * @returns the column names and one {@link PatientFeatures} per patient
 * @throws {ArgumentError} naming the function and the argument when `rows` is not an array, or a row is malformed
 *   (an `'ok'` row without features, a usable row lacking one of `names`)
 * @throws {ArgumentError} naming the patient and feature for a non-finite value, and the option for bad options
 *   (unknown statistic, quantile outside [0, 1], ddof not 0/1, a row of a patient not in `patients`)
 * @example
 * const { columns, patients } = aggregateFeatures(
 *   [
 *     { patient: 'P1', status: 'ok', features: { solidity: 0.9 } },
 *     { patient: 'P1', status: 'ok', features: { solidity: 0.7 } },
 *     { patient: 'P1', status: 'no-nucleus', features: null },
 *     { patient: 'P2', status: 'no-nucleus', features: null },
 *   ],
 *   { statistics: ['mean', 'std'] },
 * );
 * // columns: ['solidity.mean', 'solidity.std']
 * // patients[0]: { patient: 'P1', images: 3, usable: 2, features: { 'solidity.mean': 0.8, 'solidity.std': 0.1 } }
 * // patients[1]: { patient: 'P2', images: 1, usable: 0, features: null }
 */
export function aggregateFeatures(
  rows: readonly AggregateRow[],
  options: AggregateFeaturesOptions = {},
): AggregatedFeatures {
  const fn = 'aggregateFeatures';
  checkArray(fn, 'rows', rows);
  checkOptions(fn, options);
  const statistics = checkArray<AggregateStatistic>(fn, 'options.statistics', options.statistics ?? ['mean'], {
    each: (s, i) => checkOneOf(fn, `options.statistics[${i}]`, s, AGGREGATE_STATISTICS),
  });
  const quantiles = checkArray<number>(fn, 'options.quantiles', options.quantiles ?? [], {
    each: (q, i) => checkNumber(fn, `options.quantiles[${i}]`, q, { min: 0, max: 1 }),
  });
  const ddof = checkOneOf(fn, 'options.ddof', options.ddof ?? 0, [0, 1] as const);
  if (options.patients !== undefined) {
    checkArray(fn, 'options.patients', options.patients, { each: (p, i) => checkString(fn, `options.patients[${i}]`, p) });
  }
  if (options.names !== undefined) {
    checkArray(fn, 'options.names', options.names, { each: (p, i) => checkString(fn, `options.names[${i}]`, p) });
  }
  if (options.fill !== undefined && typeof options.fill !== 'number') throw new ArgumentError(fn, 'options.fill', 'a number', options.fill);

  // Group rows by patient (order of `patients`, else of first appearance).
  const groups = new Map<string, { images: number; usable: Readonly<Record<string, number>>[] }>();
  for (const p of options.patients ?? []) groups.set(p, { images: 0, usable: [] });
  rows.forEach((row, i) => {
    if (row === null || typeof row !== 'object' || typeof row.patient !== 'string') {
      throw new ArgumentError(fn, `rows[${i}]`, 'a row with a string patient id', row);
    }
    let g = groups.get(row.patient);
    if (g === undefined) {
      if (options.patients !== undefined) {
        throw new ArgumentError(fn, `rows[${i}].patient`, 'one of options.patients', row.patient);
      }
      g = { images: 0, usable: [] };
      groups.set(row.patient, g);
    }
    g.images++;
    if (row.status !== 'ok') return;
    if (row.features === null || typeof row.features !== 'object') {
      throw new ArgumentError(fn, `rows[${i}].features`, `features, as the row's status is 'ok' (patient ${row.patient})`, row.features);
    }
    g.usable.push(row.features);
  });

  let names = options.names;
  if (names === undefined) {
    const first = [...groups.values()].find((g) => g.usable.length > 0)?.usable[0];
    names = first === undefined ? [] : Object.keys(first);
  }
  const columns = aggregateColumnNames(names, { statistics, quantiles });
  const needSort = quantiles.length > 0 || statistics.some((s) => s === 'median' || s === 'min' || s === 'max');
  const quantileNames = quantiles.map(quantileColumnName);

  const patients: PatientFeatures[] = [];
  for (const [patient, g] of groups) {
    const n = g.usable.length;
    if (n === 0) {
      const fill = options.fill;
      patients.push({
        patient,
        images: g.images,
        usable: 0,
        features: fill === undefined ? null : Object.fromEntries(columns.map((c) => [c, fill])),
      });
      continue;
    }
    const features: Record<string, number> = {};
    const values = new Float64Array(n);
    for (const name of names) {
      let sum = 0;
      for (let k = 0; k < n; k++) {
        const v = (g.usable[k] as Readonly<Record<string, number>>)[name];
        if (typeof v !== 'number') {
          throw new ArgumentError(fn, 'rows', `usable rows with feature ${describeValue(name)} (patient ${patient} has one without)`, v);
        }
        if (!Number.isFinite(v)) throw new ArgumentError(fn, 'rows', `finite values (patient ${patient}, feature ${name})`, v);
        values[k] = v;
        sum += v;
      }
      const mean = sum / n;
      if (needSort) values.sort();
      for (const s of statistics) {
        let out: number;
        switch (s) {
          case 'mean':
            out = mean;
            break;
          case 'std': {
            let ss = 0;
            for (let k = 0; k < n; k++) ss += ((values[k] as number) - mean) ** 2;
            out = n - ddof > 0 ? Math.sqrt(ss / (n - ddof)) : 0;
            break;
          }
          case 'median':
            out = quantileSorted(values, 0.5);
            break;
          case 'min':
            out = values[0] as number;
            break;
          case 'max':
            out = values[n - 1] as number;
            break;
        }
        features[`${name}.${s}`] = out;
      }
      quantiles.forEach((q, j) => {
        features[`${name}.${quantileNames[j] as string}`] = quantileSorted(values, q);
      });
    }
    patients.push({ patient, images: g.images, usable: n, features });
  }
  return { columns, patients };
}
