import { seededRandom } from '../../../src/core/index.js';
import type { CvReportData } from '../../../src/report/index.js';

/** A valid 1×1 PNG as a data URI. */
export const PNG_1X1 = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

/**
 * A cv-summary.json of a made-up run (seeded): 40 patients, 5 folds × `repeats`, probabilities that lean towards
 * the truth, a gate, two experts and a multitask count, unless `parts` turns them off; with `history`, each fold has
 * two loss curves (10 epochs, train and validation); with `gallery`, two patients of 3 + 2 one-pixel cells.
 */
export function cvReportFixture(
  parts: { gate?: boolean; experts?: boolean; count?: boolean; repeats?: number; history?: boolean; gallery?: boolean } = {},
): CvReportData {
  const rng = seededRandom(11);
  const n = 40;
  const repeats = parts.repeats ?? 2;
  const labels = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 0 : 1) as 0 | 1);
  const lymphCount = labels.map((l) => Number((l === 1 ? 8 + rng.next() * 60 : 2 + rng.next() * 6).toFixed(2)));
  const perFold: CvReportData['perFold'][number][] = [];
  const oofRepeats = Array.from({ length: repeats }, (_, repeat) => {
    const fold = labels.map((_, i) => (i + repeat) % 5);
    for (let f = 0; f < 5; f++) {
      const history = [0, 1].map((member) => ({
        name: `member ${member}`,
        unit: 'epoch',
        loss: 'weighted BCE',
        train: Array.from({ length: 10 }, (_, e) => 0.7 * Math.exp(-e / (4 + member)) + 0.1),
        validation: Array.from({ length: 10 }, (_, e) => 0.7 * Math.exp(-e / 5) + 0.2 + 0.01 * f),
      }));
      perFold.push({ repeat, fold: f, test: 8, balancedAccuracy: 0.8, auc: 0.85, sensitivity: 0.82, specificity: 0.78, ...(parts.history ? { history } : {}) });
    }
    return {
      repeat,
      fold,
      probability: labels.map((l) => Math.min(0.99, Math.max(0.01, 0.3 + 0.4 * l + (rng.next() - 0.5) * 0.7))),
      gate: parts.gate === false ? null : labels.map((l) => 0.3 + 0.3 * l + rng.next() * 0.3),
      experts:
        parts.experts === false
          ? null
          : { image: labels.map((l) => 0.2 + 0.5 * l + rng.next() * 0.3), scalar: labels.map((l) => 0.3 + 0.3 * l + rng.next() * 0.4) },
      lymphCount: parts.count === false ? null : lymphCount.map((c) => c * (0.7 + rng.next() * 0.6)),
    };
  });
  return {
    estimator: 'mixture-of-experts',
    patients: n,
    folds: 5,
    repeats,
    seed: 0,
    seconds: 12.5,
    data: 'cohort <&>',
    config: { version: 1, threshold: 0.5, model: { kind: 'mixture-of-experts', options: {} } },
    hardware: { platform: 'linux', arch: 'x64', cpu: 'Test CPU', cores: 2, memoryGiB: 7.5, node: 'v20.0.0' },
    mean: { balancedAccuracy: 0.8, auc: 0.85, sensitivity: 0.82, specificity: 0.78 },
    sdOverRepeats: { balancedAccuracy: 0.01, auc: 0.02, sensitivity: null, specificity: 0.03 },
    sdOverFolds: { balancedAccuracy: 0.05, auc: 0.04, sensitivity: 0.06, specificity: 0.07 },
    perFold,
    outOfFold: { patients: labels.map((_, i) => `P${i}`), labels, lymphCount, repeats: oofRepeats },
    ...(parts.gallery
      ? {
          gallery: {
            measure: 'attention' as const,
            repeat: 0,
            threshold: 0.5,
            size: 80,
            patients: [
              { id: 'P1', label: 1 as const, probability: 0.9, correct: true, images: 5, highest: [0.4, 0.3, 0.1].map((weight, k) => ({ source: `P1/<${k}>.jpg`, weight, png: PNG_1X1 })), lowest: [0.1, 0.1].map((weight, k) => ({ source: `P1/${k + 3}.jpg`, weight, png: PNG_1X1 })) },
              { id: 'P0', label: 0 as const, probability: 0.7, correct: false, images: 2, highest: [{ source: 'P0/a.jpg', weight: 0.6, png: PNG_1X1 }], lowest: [{ source: 'P0/b.jpg', weight: 0.4, png: PNG_1X1 }] },
            ],
          },
        }
      : {}),
  };
}
