/**
 * How separable the synthetic classes are: logistic regression on metadata + mean-aggregated handmade features,
 * stratified 5-fold cross-validation repeated over reshuffles, for a range of effect sizes.
 *
 * Usage: `npx tsx examples/synthetic-separability.ts [--patients 100] [--seed 0] [--reps 5] [--effects 0,0.5,1,2]`
 *
 * For each effect scale e the cohort is `synthesizeCohort({ seed, patientCount, morphologyEffect: e,
 * metadataEffect: e })` (e = 1 is the default cohort); every image is rendered and segmented in memory
 * (`extractCellFeatures`), features are averaged per patient, and [51 feature means, lymphocyte count, age] go into
 * `fitLogisticRegression` (balanced class weights, C = 1, standardised on the training folds only). Prints the
 * balanced accuracy as mean ± sd over `reps` reshuffles of the folds, plus the metadata-only and features-only scores.
 * @module
 */
import { parseArgs } from 'node:util';
import { synthesizeCohort } from '../src/data/index.js';
import { FEATURE_NAMES, aggregateFeatures, extractCellFeatures } from '../src/features/index.js';
import { crossValidateLogisticRegression } from '../src/training/index.js';
import { runIfMain } from './runIfMain.js';

/** Cross-validated balanced accuracy (mean and sd over `reps` reshuffles, seeds 0…reps−1) of the logistic regression. */
export function crossValidatedBalancedAccuracy(
  rows: readonly number[][],
  labels: readonly (0 | 1)[],
  options: { reps: number },
): { mean: number; sd: number } {
  const seeds = Array.from({ length: options.reps }, (_, i) => i);
  return crossValidateLogisticRegression(rows, labels, { seeds }).summary;
}

/** Per-patient [features…], [metadata…] and labels of a synthetic cohort, segmenting every image in memory. */
export function syntheticPatientTable(options: Parameters<typeof synthesizeCohort>[0]): {
  features: number[][];
  metadata: number[][];
  labels: (0 | 1)[];
  images: number;
} {
  const patients = synthesizeCohort(options);
  const rows: { patient: string; status: string; features: Readonly<Record<string, number>> | null }[] = [];
  for (const p of patients) {
    for (const cell of p.images()) {
      const { status, features } = extractCellFeatures(cell.image);
      rows.push({ patient: p.id, status, features });
    }
  }
  const agg = aggregateFeatures(rows, { patients: patients.map((p) => p.id), names: FEATURE_NAMES, fill: 0 });
  return {
    features: agg.patients.map((pf) => agg.columns.map((c) => pf.features![c]!)),
    metadata: patients.map((p) => [p.lymphCount, p.age]),
    labels: patients.map((p) => p.label),
    images: rows.length,
  };
}

async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      patients: { type: 'string', default: '100' },
      seed: { type: 'string', default: '0' },
      reps: { type: 'string', default: '5' },
      effects: { type: 'string', default: '0,0.5,1,2' },
    },
  });
  const patientCount = Number(values.patients);
  const seed = Number(values.seed);
  const reps = Number(values.reps);
  const effects = values.effects.split(',').map(Number);
  if (!Number.isInteger(patientCount) || patientCount < 10) throw new RangeError(`--patients must be an integer ≥ 10, got ${values.patients}`);
  if (!Number.isInteger(reps) || reps < 1) throw new RangeError(`--reps must be an integer ≥ 1, got ${values.reps}`);
  if (effects.some((e) => !(e >= 0))) throw new RangeError(`--effects must be numbers ≥ 0, got ${values.effects}`);

  console.log(`synthetic cohort: ${patientCount} patients, seed ${seed}; 5-fold CV x ${reps} reshuffles; balanced accuracy mean ± sd`);
  console.log('effect | metadata only | features only | features + metadata | images');
  for (const effect of effects) {
    const t = syntheticPatientTable({ seed, patientCount, morphologyEffect: effect, metadataEffect: effect });
    const fmt = (r: { mean: number; sd: number }): string => `${r.mean.toFixed(3)} ± ${r.sd.toFixed(3)}`;
    const meta = crossValidatedBalancedAccuracy(t.metadata, t.labels, { reps });
    const feats = crossValidatedBalancedAccuracy(t.features, t.labels, { reps });
    const both = crossValidatedBalancedAccuracy(t.features.map((f, i) => [...f, ...t.metadata[i]!]), t.labels, { reps });
    console.log(`${effect.toFixed(2).padStart(6)} | ${fmt(meta).padEnd(13)} | ${fmt(feats).padEnd(13)} | ${fmt(both).padEnd(19)} | ${t.images}`);
  }
  return 0;
}

runIfMain(import.meta.url, (argv) => main(argv));
