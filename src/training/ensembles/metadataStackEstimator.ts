import { ArgumentError, checkOneOf, checkOptions, deriveSeed, optionalInteger, optionalNumber } from '../../core/index.js';
import type { PatientBag } from '../../models/index.js';
import { fitLogisticRegression, type LogisticRegressionModel } from '../baselines/index.js';
import type { BagPrediction, Estimator, EstimatorFitOptions, FittedModel } from '../estimator/index.js';
import { stratifiedKFold } from '../splits/index.js';
import { averagePredictions } from './averagePredictions.js';
import { disposeAll } from './ensembleModel.js';

/** Options of {@link metadataStackEstimator}. */
export interface MetadataStackOptions {
  /**
   * Inner folds K ≥ 2 of the cross-fitting inside the training patients (every class needs at least K patients).
   * Defaults to `5`.
   */
  readonly innerFolds?: number;
  /**
   * The base model that scores new patients: `'refit'` fits the estimator once more on all training patients (K + 1
   * fits); `'innerAverage'` averages the K cross-fitted models' predictions (K fits: cheaper for costly estimators).
   * Defaults to `'refit'`.
   */
  readonly final?: 'refit' | 'innerAverage';
  /** Inverse L2 strength C of the stacker and of the metadata-only expert (balanced classes). Defaults to `1`. */
  readonly c?: number;
}

/** The prediction of a {@link metadataStackEstimator} model. */
export interface MetadataStackPrediction extends BagPrediction {
  /** `base`: the wrapped estimator's probability; `metadata`: age and log(1 + count) alone (logistic). */
  readonly experts: { readonly base: Float32Array; readonly metadata: Float32Array };
}

/** A fitted {@link metadataStackEstimator}: the base models it owns and the two logistic regressions. */
export interface MetadataStackModel<M extends FittedModel = FittedModel> extends FittedModel<MetadataStackPrediction> {
  /** The base models that score new patients (one refitted, or the K cross-fitted ones averaged); owned. */
  readonly members: readonly M[];
  /** The stacker on [logit of the base probability, age, log(1 + count)]. */
  readonly stacker: LogisticRegressionModel;
  /** The metadata-only expert on [age, log(1 + count)]. */
  readonly metadata: LogisticRegressionModel;
}

const FN = 'metadataStackEstimator';
const EPS = 1e-6;

function logit(p: number): number {
  const q = Math.min(1 - EPS, Math.max(EPS, p));
  return Math.log(q / (1 - q));
}

function metadataOf(bag: PatientBag): number[] {
  return [bag.age, Math.log1p(bag.lymphCount)];
}

/**
 * Stacks any estimator's probability with the metadata, as the default per-cell expert stacks its pooled cell scores:
 * the estimator is cross-fitted inside the training patients (K stratified inner folds), so each training patient
 * gets a probability from a model that never saw it; a logistic regression (the stacker, balanced classes) then
 * learns to add the logit of that probability to age and log(1 + lymphocyte count). New patients are scored by the
 * estimator refitted on all training patients (or by the average of the K inner models), then by the stacker.
 *
 * Use it for an expert whose own metadata term trains poorly, or that has none (e.g. a crop CNN trained from
 * scratch): the metadata then enter the way the logistic regression fits them best. The seeds derive from the fit's
 * seed: the inner split `deriveSeed(seed, 0)`, inner fit k `deriveSeed(seed, 1, k)`, the refit `deriveSeed(seed, 2)`.
 *
 * @param estimator - The estimator whose probability is stacked; its models are owned by the stacked model.
 * @param options - See {@link MetadataStackOptions}; checked now.
 * @returns An estimator named `metadata-stack(<name>)`; its model's `experts` hold the base and metadata-only
 *   probabilities.
 * @throws {ArgumentError} naming `metadataStackEstimator` and the option; at fit time, naming the patient whose
 *   label, age or count is invalid, or when a class has fewer than K patients.
 * @example
 * const estimator = metadataStackEstimator(cropCnnEstimator({ model: { metadata: false } }), { innerFolds: 3, final: 'innerAverage' });
 * const cv = await crossValidate(estimator, cropBags, { folds: 5, seed: 0 });
 */
export function metadataStackEstimator<M extends FittedModel>(
  estimator: Estimator<BagPrediction, M>,
  options: MetadataStackOptions = {},
): Estimator<MetadataStackPrediction, MetadataStackModel<M>> {
  checkOptions(FN, options);
  if (typeof estimator?.fit !== 'function') throw new ArgumentError(FN, 'estimator', 'an Estimator', estimator);
  const innerFolds = optionalInteger(FN, 'options.innerFolds', options.innerFolds, 5, { min: 2 });
  const final = checkOneOf(FN, 'options.final', options.final ?? 'refit', ['refit', 'innerAverage'] as const);
  const c = optionalNumber(FN, 'options.c', options.c, 1, { min: 0, minExclusive: true });
  return {
    name: `metadata-stack(${estimator.name})`,
    async fit(bags: readonly PatientBag[], fit: EstimatorFitOptions): Promise<MetadataStackModel<M>> {
      const fn = `${FN}.fit`;
      if (!Array.isArray(bags) || bags.length === 0) throw new ArgumentError(fn, 'bags', 'at least one patient', bags);
      const labels = bags.map((b, i) => {
        if (b?.label !== 0 && b?.label !== 1) throw new ArgumentError(fn, `bags[${i}] (patient ${b?.id}).label`, '0 or 1', b?.label);
        if (!Number.isFinite(b.age) || !(b.lymphCount >= 0)) throw new ArgumentError(fn, `bags[${i}] (patient ${b.id})`, 'a finite age and lymphCount ≥ 0', `${b.age}, ${b.lymphCount}`);
        return b.label;
      });
      for (const y of [0, 1]) {
        const count = labels.filter((l) => l === y).length;
        if (count < innerFolds) throw new ArgumentError(fn, 'bags', `at least ${innerFolds} patients of each class (inner folds)`, `${count} of class ${y}`);
      }
      const splits = stratifiedKFold(labels, { nSplits: innerFolds, shuffle: true, seed: deriveSeed(fit.seed, 0) % 2 ** 31 });
      const outOfFold = new Float64Array(bags.length);
      const inner: M[] = [];
      const members: M[] = [];
      try {
        for (const [k, split] of splits.entries()) {
          if (fit.signal?.aborted) throw fit.signal.reason ?? new Error(`${fn}: aborted`);
          const model = await estimator.fit(split.train.map((i) => bags[i]!), { ...fit, seed: deriveSeed(fit.seed, 1, k) });
          inner.push(model);
          const { probability } = await model.predict(split.test.map((i) => bags[i]!));
          split.test.forEach((i, j) => {
            outOfFold[i] = probability[j]!;
          });
        }
        if (final === 'refit') {
          if (fit.signal?.aborted) throw fit.signal.reason ?? new Error(`${fn}: aborted`);
          members.push(await estimator.fit(bags, { ...fit, seed: deriveSeed(fit.seed, 2) }));
          disposeAll(inner.splice(0));
        } else {
          members.push(...inner.splice(0));
        }
      } catch (error) {
        disposeAll([...inner, ...members]);
        throw error;
      }
      const stacker = fitLogisticRegression(
        bags.map((b, i) => [logit(outOfFold[i]!), ...metadataOf(b)]),
        labels,
        { c },
      );
      const metadata = fitLogisticRegression(bags.map(metadataOf), labels, { c });
      let disposed = false;
      return {
        members,
        stacker,
        metadata,
        async predict(test: readonly PatientBag[]): Promise<MetadataStackPrediction> {
          if (disposed) throw new Error(`${FN} model.predict: the model was disposed`);
          const predictions: BagPrediction[] = [];
          for (const m of members) predictions.push(await m.predict(test));
          const base = predictions.length === 1 ? predictions[0]! : averagePredictions(predictions);
          const p = base.probability;
          return {
            probability: Float32Array.from(stacker.predictProbability(test.map((b, i) => [logit(p[i]!), ...metadataOf(b)]))),
            experts: { base: Float32Array.from(p), metadata: Float32Array.from(metadata.predictProbability(test.map(metadataOf))) },
            ...(base.lymphCount === undefined ? {} : { lymphCount: base.lymphCount }),
          };
        },
        dispose(): void {
          if (disposed) return;
          disposed = true;
          disposeAll(members);
        },
      };
    },
  };
}
