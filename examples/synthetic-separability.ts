/**
 * How separable the synthetic classes are: logistic regression on metadata + mean-aggregated handmade features,
 * stratified 5-fold cross-validation repeated over reshuffles, for a range of effect sizes.
 *
 * Usage: `npx tsx examples/synthetic-separability.ts [--patients 100] [--seed 0] [--reps 5] [--effects 0,0.5,1,2]`
 *
 * For each effect scale e the cohort is `synthesizeCohort({ seed, patientCount, morphologyEffect: e,
 * metadataEffect: e })` (e = 1 is the default cohort); every image is rendered and segmented in memory
 * (`extractCellFeatures`), `buildPatientBags` makes the bags, and `crossValidate(logisticRegressionEstimator(...))`
 * fits the per-patient [51 feature means, age, log(1 + lymphocyte count)] (balanced class weights, C = 1,
 * standardised on the training folds only). Prints the balanced accuracy as mean ± sd over `reps` repeats of the
 * folds (from seed 0), plus the metadata-only and features-only scores.
 * @module
 */
import { parseArgs } from 'node:util';
import {
  buildPatientBags,
  crossValidate,
  extractCellFeatures,
  logisticRegressionEstimator,
  synthesizeCohort,
  type LogisticRegressionInput,
  type PatientBag,
} from 'lymphomix';
import { runIfMain } from './runIfMain.js';

/**
 * Cross-validated balanced accuracy of the logistic regression on the given inputs: mean and sd over `reps`
 * repeats of stratified 5-fold cross-validation (seed 0).
 */
export async function crossValidatedBalancedAccuracy(
  bags: readonly PatientBag[],
  inputs: readonly LogisticRegressionInput[],
  options: { reps: number },
): Promise<{ mean: number; sd: number }> {
  const cv = await crossValidate(logisticRegressionEstimator({ inputs }), bags, { folds: 5, repeats: options.reps, seed: 0 });
  return { mean: cv.mean.balancedAccuracy, sd: cv.sdOverRepeats.balancedAccuracy };
}

/** The bags of a synthetic cohort (handmade features of every image, segmented in memory) and its image count. */
export function syntheticPatientBags(options: Parameters<typeof synthesizeCohort>[0]): { bags: PatientBag[]; images: number } {
  const cohort = synthesizeCohort(options);
  const patients = cohort.map((p) => ({ id: p.id, label: p.label, age: p.age, lymphCount: p.lymphCount, images: [...p.images()] }));
  const features = patients.flatMap((p) => p.images).map((cell, index) => ({ index, ...extractCellFeatures(cell.image) }));
  return { bags: buildPatientBags(patients, { features }), images: features.length };
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
    const { bags, images } = syntheticPatientBags({ seed, patientCount, morphologyEffect: effect, metadataEffect: effect });
    const fmt = (r: { mean: number; sd: number }): string => `${r.mean.toFixed(3)} ± ${r.sd.toFixed(3)}`;
    const meta = await crossValidatedBalancedAccuracy(bags, ['metadata'], { reps });
    const feats = await crossValidatedBalancedAccuracy(bags, ['handmade'], { reps });
    const both = await crossValidatedBalancedAccuracy(bags, ['handmade', 'metadata'], { reps });
    console.log(`${effect.toFixed(2).padStart(6)} | ${fmt(meta).padEnd(13)} | ${fmt(feats).padEnd(13)} | ${fmt(both).padEnd(19)} | ${images}`);
  }
  return 0;
}

runIfMain(import.meta.url, (argv) => main(argv));
