import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fitLogisticRegression, logisticRegressionModel } from '../../../src/training/baselines/logisticRegression.js';
import { fittedLogisticRegression } from '../../../src/training/baselines/logisticRegressionEstimator.js';

describe('fitLogisticRegression', () => {
  it('solves a 1-D symmetric problem: w = 2σ(−w) (root found independently by bisection), intercept 0', () => {
    const model = fitLogisticRegression([[-1], [1]], [0, 1], { standardize: false, classWeight: 'none' });
    // ∂/∂w [½w² + softplus(−w) + softplus(−w)] = w − 2σ(−w) = 0
    let lo = 0, hi = 2;
    for (let k = 0; k < 200; k++) {
      const mid = (lo + hi) / 2;
      if (mid - 2 / (1 + Math.exp(mid)) > 0) hi = mid;
      else lo = mid;
    }
    expect(model.coefficients[0]).toBeCloseTo(lo, 10);
    expect(model.intercept).toBeCloseTo(0, 10);
    expect(model.converged).toBe(true);
  });

  it('satisfies the optimality condition C·Xᵀs(p − y) + [0, w] = 0 on random data', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), (seed) => {
        let s = seed;
        const rand = (): number => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1;
        const rows = Array.from({ length: 40 }, () => [rand() * 3, rand() + 5, rand() * 0.1]);
        const labels = rows.map((r, i) => (r[0]! + rand() > 0 || i === 0 ? 1 : 0) as number);
        labels[1] = 0;
        const c = 0.5;
        const model = fitLogisticRegression(rows, labels, { c });
        const p = model.predictProbability(rows);
        const pos = labels.filter((y) => y === 1).length;
        const grad = [0, 0, 0, 0];
        for (const [i, row] of rows.entries()) {
          const w = rows.length / (2 * (labels[i] === 1 ? pos : rows.length - pos));
          const g = c * w * (p[i]! - labels[i]!);
          grad[0]! += g;
          for (let j = 0; j < 3; j++) grad[j + 1]! += g * ((row[j]! - model.mean[j]!) / model.scale[j]!);
        }
        for (let j = 0; j < 3; j++) grad[j + 1]! += model.coefficients[j]!;
        for (const g of grad) expect(Math.abs(g)).toBeLessThan(1e-6);
      }),
      { numRuns: 20 },
    );
  });

  it("'balanced' class weights equal duplicating the minority rows with C rescaled", () => {
    const rows = [[0.2, 1], [1.5, 0], [-0.3, 2], [0.9, -1]];
    const labels = [1, 0, 0, 0];
    const balanced = fitLogisticRegression(rows, labels, { c: 1.5, standardize: false });
    // weights: positive 4/2 = 2, negatives 4/6 = 2/3 → (2/3)·(3, 1, 1, 1)
    const dup = fitLogisticRegression([rows[0]!, rows[0]!, rows[0]!, ...rows.slice(1)], [1, 1, 1, 0, 0, 0], {
      c: 1.5 * (2 / 3),
      classWeight: 'none',
      standardize: false,
    });
    for (let j = 0; j < 2; j++) expect(balanced.coefficients[j]).toBeCloseTo(dup.coefficients[j]!, 8);
    expect(balanced.intercept).toBeCloseTo(dup.intercept, 8);
  });

  it('stays finite on separable data and orders the classes', () => {
    const rows = [[-3], [-2], [-1], [1], [2], [3]];
    const model = fitLogisticRegression(rows, [0, 0, 0, 1, 1, 1], { c: 100 });
    const p = model.predictProbability(rows);
    expect([...p].every(Number.isFinite)).toBe(true);
    expect(p[0]!).toBeLessThan(0.05);
    expect(p[5]!).toBeGreaterThan(0.95);
  });

  it('centres a constant column without dividing by zero', () => {
    const model = fitLogisticRegression([[1, 7], [2, 7], [3, 7], [4, 7]], [0, 0, 1, 1]);
    expect(model.scale[1]).toBe(1);
    expect(model.coefficients[1]).toBeCloseTo(0, 12);
  });

  it('rejects bad input naming the row, label or option', () => {
    expect(() => fitLogisticRegression([[1]], [1])).toThrow('fitLogisticRegression: rows must be an array with at least 2 elements, got an array of 1');
    expect(() => fitLogisticRegression([[1], [2]], [1, 1])).toThrow('fitLogisticRegression: labels must be both classes, got "2 positives of 2"');
    expect(() => fitLogisticRegression([[1], [2, 3]], [0, 1])).toThrow('fitLogisticRegression: rows[1] must be a row of 1 columns (as row 0), got an array of 2');
    expect(() => fitLogisticRegression([[1], [Number.NaN]], [0, 1])).toThrow('fitLogisticRegression: rows[1][0] must be a finite number, got NaN');
    expect(() => fitLogisticRegression([[1], [2]], [0, 2])).toThrow('fitLogisticRegression: labels[1] must be 0 or 1, got 2');
    expect(() => fitLogisticRegression([[1], [2]], [0, 1], { c: 0 })).toThrow('fitLogisticRegression: c must be a finite number > 0, got 0');
    const model = fitLogisticRegression([[1], [2]], [0, 1]);
    expect(() => model.predictProbability([[1, 2]])).toThrow('LogisticRegressionModel.predictProbability: rows[0] must be a row of 1 columns (as the training rows), got an array of 2');
  });
});

describe('fitLogisticRegression: loss curve', () => {
  it('records the class-weighted log-loss after each Newton step, ending at the fitted model\'s own', () => {
    const rows = [[0, 1], [1, 0], [2, 2], [3, 1], [4, 3], [5, 2], [6, 5]];
    const labels = [0, 0, 1, 0, 1, 1, 1];
    const fitted = fitLogisticRegression(rows, labels, { c: 0.5 });
    const train = fitted.history!.train;
    expect(train.length).toBe(fitted.iterations);
    expect(train.length).toBeGreaterThan(1);
    // Balanced weights: each class weighs half; at β = 0 the loss is log 2, and it falls from there.
    const p = fitted.predictProbability(rows);
    const positives = labels.filter((y) => y === 1).length;
    const w = labels.map((y) => (y === 1 ? 1 / (2 * positives) : 1 / (2 * (labels.length - positives))));
    const own = labels.reduce((sum, y, i) => sum - w[i]! * (y === 1 ? Math.log(p[i]!) : Math.log(1 - p[i]!)), 0);
    expect(train.at(-1)!).toBeCloseTo(own, 9);
    expect(train[0]!).toBeLessThan(Math.log(2));
    expect(train.at(-1)!).toBeLessThanOrEqual(train[0]!);
  });

  it('the estimator\'s fitted model carries it as a Newton-iteration LossCurve; one restored from parameters has none', () => {
    const fitted = fitLogisticRegression([[0], [1], [2], [3], [4], [5]], [0, 0, 1, 0, 1, 1]);
    const model = fittedLogisticRegression(fitted, ['metadata']);
    expect(model.history).toEqual([
      { name: 'logistic regression', unit: 'Newton iteration', loss: 'class-weighted log-loss per patient', train: fitted.history!.train, validation: null },
    ]);
    const { history: _history, predictProbability: _predict, ...parameters } = fitted;
    expect(fittedLogisticRegression(logisticRegressionModel(parameters), ['metadata']).history).toBeUndefined();
  });
});

describe('logisticRegressionModel', () => {
  it('rebuilds a fitted model from its parameters (as read back from JSON) that predicts the same', () => {
    const rows = [[0], [1], [2], [3], [4], [5]];
    const fitted = fitLogisticRegression(rows, [0, 0, 1, 0, 1, 1]);
    const json = JSON.parse(JSON.stringify({ ...fitted, coefficients: [...fitted.coefficients], mean: [...fitted.mean], scale: [...fitted.scale] })) as {
      coefficients: number[];
      intercept: number;
      mean: number[];
      scale: number[];
      iterations: number;
      converged: boolean;
    };
    const copy = logisticRegressionModel({
      ...json,
      coefficients: Float64Array.from(json.coefficients),
      mean: Float64Array.from(json.mean),
      scale: Float64Array.from(json.scale),
    });
    expect(copy.predictProbability(rows)).toEqual(fitted.predictProbability(rows));
  });
  it('names the parameter that is wrong', () => {
    const ok = { coefficients: Float64Array.of(1), intercept: 0, mean: Float64Array.of(0), scale: Float64Array.of(1), iterations: 1, converged: true };
    expect(() => logisticRegressionModel({ ...ok, mean: Float64Array.of(0, 1) })).toThrow(/parameters\.mean/);
    expect(() => logisticRegressionModel({ ...ok, scale: Float64Array.of(0) })).toThrow(/parameters\.scale\[0\]/);
    expect(() => logisticRegressionModel({ ...ok, intercept: Number.NaN })).toThrow(/parameters\.intercept/);
  });
});
