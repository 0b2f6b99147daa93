import { ArgumentError } from '../../../src/core/index.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  aggregateColumnNames,
  aggregateFeatures,
  quantileColumnName,
} from '../../../src/features/aggregate/aggregateFeatures.js';
import type { AggregateRow } from '../../../src/features/aggregate/aggregateFeatures.js';
import { extractFeaturesBatch } from '../../../src/features/batch/extractFeaturesBatch.js';

const FAKE = new URL('../batch/fixtures/fakeExtractor.mjs', import.meta.url);

const TOL = 1e-12;

function ok(patient: string, features: Record<string, number>): AggregateRow {
  return { patient, status: 'ok', features };
}
function failed(patient: string, status = 'no-nucleus'): AggregateRow {
  return { patient, status, features: null };
}

describe('aggregateFeatures', () => {
  it('takes the mean per patient by default, skipping non-ok images', () => {
    const { columns, patients } = aggregateFeatures([
      ok('P1', { solidity: 0.9, circularity: 1 }),
      ok('P2', { solidity: 0.5, circularity: 3 }),
      failed('P1'),
      ok('P1', { solidity: 0.6, circularity: 2 }),
    ]);
    expect(columns).toEqual(['solidity.mean', 'circularity.mean']);
    expect(patients.map((p) => [p.patient, p.images, p.usable])).toEqual([
      ['P1', 3, 2],
      ['P2', 1, 1],
    ]);
    expect(patients[0]?.features?.['solidity.mean']).toBeCloseTo(0.75, 15);
    expect(patients[0]?.features?.['circularity.mean']).toBe(1.5);
    expect(patients[1]?.features).toEqual({ 'solidity.mean': 0.5, 'circularity.mean': 3 });
  });

  it('matches NumPy for median, std (ddof 0 and 1), min, max and linear quantiles', () => {
    // x = [4, 1, 3, 10] (NumPy 1.x): np.median 3.5, np.std 3.3541019662496847 (= sqrt(45 / 4)),
    // np.std(x, ddof=1) 3.872983346207417 (= sqrt(15)), np.quantile(x, [0, 0.25, 0.9, 1]) = [1, 2.5, 8.2, 10].
    const rows = [4, 1, 3, 10].map((v) => ok('P', { f: v }));
    const all = aggregateFeatures(rows, { statistics: ['mean', 'median', 'std', 'min', 'max'], quantiles: [0, 0.25, 0.9, 1] });
    expect(all.columns).toEqual(['f.mean', 'f.median', 'f.std', 'f.min', 'f.max', 'f.q0', 'f.q25', 'f.q90', 'f.q100']);
    const f = all.patients[0]?.features ?? {};
    expect(f['f.mean']).toBe(4.5);
    expect(f['f.median']).toBe(3.5);
    expect(f['f.std']).toBeCloseTo(3.3541019662496847, 12);
    expect(f['f.min']).toBe(1);
    expect(f['f.max']).toBe(10);
    expect(f['f.q0']).toBe(1);
    expect(f['f.q25']).toBeCloseTo(2.5, 12);
    expect(f['f.q90']).toBeCloseTo(8.2, 12);
    expect(f['f.q100']).toBe(10);
    const sample = aggregateFeatures(rows, { statistics: ['std'], ddof: 1 });
    expect(sample.patients[0]?.features?.['f.std']).toBeCloseTo(3.872983346207417, 12);
  });

  it('gives features null to a patient with no usable image, or fill when asked', () => {
    const rows = [ok('P1', { a: 1 }), failed('P2'), failed('P2', 'error')];
    const byDefault = aggregateFeatures(rows);
    expect(byDefault.patients[1]).toEqual({ patient: 'P2', images: 2, usable: 0, features: null });
    const filled = aggregateFeatures(rows, { statistics: ['mean', 'std'], fill: 0 });
    expect(filled.patients[1]?.features).toEqual({ 'a.mean': 0, 'a.std': 0 });
  });

  it('reports listed patients without rows, in the listed order, and rejects unlisted ones', () => {
    const rows = [ok('P1', { a: 1 }), ok('P3', { a: 3 })];
    const { patients } = aggregateFeatures(rows, { patients: ['P3', 'P2', 'P1'] });
    expect(patients.map((p) => [p.patient, p.images, p.features])).toEqual([
      ['P3', 1, { 'a.mean': 3 }],
      ['P2', 0, null],
      ['P1', 1, { 'a.mean': 1 }],
    ]);
    expect(() => aggregateFeatures(rows, { patients: ['P1'] })).toThrow(
      'aggregateFeatures: rows[1].patient must be one of options.patients, got "P3"',
    );
  });

  it('gives std 0 for one image (even with ddof 1) and for constant features', () => {
    const one = aggregateFeatures([ok('P', { a: 7 })], { statistics: ['std', 'median'], ddof: 1, quantiles: [0.3] });
    expect(one.patients[0]?.features).toEqual({ 'a.std': 0, 'a.median': 7, 'a.q30': 7 });
    const constant = aggregateFeatures([0.1, 0.1, 0.1].map((v) => ok('P', { a: v })), { statistics: ['std'] });
    expect(constant.patients[0]?.features?.['a.std']).toBeLessThan(1e-16);
  });

  it('handles no rows at all', () => {
    expect(aggregateFeatures([])).toEqual({ columns: [], patients: [] });
    expect(aggregateFeatures([failed('P1')])).toEqual({ columns: [], patients: [{ patient: 'P1', images: 1, usable: 0, features: null }] });
    expect(aggregateFeatures([failed('P1')], { names: ['a'], fill: -1 }).patients[0]?.features).toEqual({ 'a.mean': -1 });
  });

  it('aggregates only the requested names, in their order', () => {
    const { columns, patients } = aggregateFeatures([ok('P', { a: 1, b: 2, c: 3 })], { names: ['c', 'a'] });
    expect(columns).toEqual(['c.mean', 'a.mean']);
    expect(Object.keys(patients[0]?.features ?? {})).toEqual(['c.mean', 'a.mean']);
  });

  it('checks its inputs and names the function and the value', () => {
    expect(() => aggregateFeatures({} as unknown as AggregateRow[])).toThrow(/^aggregateFeatures: rows must be an array, got an object \{\}$/);
    expect(() => aggregateFeatures({} as unknown as AggregateRow[])).toThrow(ArgumentError);
    expect(() => aggregateFeatures([], { statistics: ['mode' as 'mean'] })).toThrow(
      'aggregateFeatures: options.statistics[0] must be one of "mean", "median", "std", "min", "max", got "mode"',
    );
    expect(() => aggregateFeatures([], { quantiles: [1.5] })).toThrow('aggregateFeatures: options.quantiles[0] must be a finite number ≥ 0 and ≤ 1, got 1.5');
    expect(() => aggregateFeatures([], { quantiles: [Number.NaN] })).toThrow(/got NaN/);
    expect(() => aggregateFeatures([], { ddof: 2 as 1 })).toThrow('aggregateFeatures: options.ddof must be one of 0, 1, got 2');
    expect(() => aggregateFeatures([], { patients: [3 as unknown as string] })).toThrow('aggregateFeatures: options.patients[0] must be a non-empty string, got 3');
    expect(() => aggregateFeatures([{ patient: 'P', status: 'ok', features: null }])).toThrow(
      "aggregateFeatures: rows[0].features must be features, as the row's status is 'ok' (patient P), got null",
    );
    expect(() => aggregateFeatures([ok('P', { a: 1 }), ok('P', { b: 1 })])).toThrow(
      'aggregateFeatures: rows must be usable rows with feature "a" (patient P has one without), got undefined',
    );
    expect(() => aggregateFeatures([ok('P', { a: Number.POSITIVE_INFINITY })])).toThrow(
      'aggregateFeatures: rows must be finite values (patient P, feature a), got Infinity',
    );
    expect(() => aggregateFeatures([{ status: 'ok' } as unknown as AggregateRow])).toThrow(
      /^aggregateFeatures: rows\[0\] must be a row with a string patient id, got an object \{status\}$/,
    );
  });

  it('names quantile columns by percent', () => {
    expect([0, 0.05, 0.25, 0.5, 0.975, 1].map(quantileColumnName)).toEqual(['q0', 'q5', 'q25', 'q50', 'q97_5', 'q100']);
    expect(aggregateColumnNames(['x', 'y'], { statistics: ['mean', 'std'], quantiles: [0.1] })).toEqual([
      'x.mean', 'x.std', 'x.q10', 'y.mean', 'y.std', 'y.q10',
    ]);
  });
});

describe('aggregateFeatures after extractFeaturesBatch', () => {
  it('takes batch results tagged with their patient, skipping failures and non-ok images', async () => {
    // Stand-in extractor: solidity = pixel mean / 255; all-zero pixels → 'no-nucleus'; '!' → decode failure.
    const px = (v: number) => new Uint8Array(6).fill(v);
    const sources = [px(51), px(0), new Uint8Array([0x21, 0, 0]), px(102), px(153)];
    const patientOf = ['P1', 'P1', 'P1', 'P1', 'P2'];
    const { results, failures } = await extractFeaturesBatch(sources, { extractorModule: FAKE, workers: 0 });
    expect(failures.map((f) => f.index)).toEqual([2]);
    const rows: AggregateRow[] = results.map((r) => ({ ...r, patient: patientOf[r.index] as string }));
    const { patients } = aggregateFeatures(rows, { names: ['solidity'], patients: ['P1', 'P2', 'P3'] });
    expect(patients.map((p) => [p.patient, p.images, p.usable])).toEqual([['P1', 3, 2], ['P2', 1, 1], ['P3', 0, 0]]);
    expect(patients[0]?.features?.['solidity.mean']).toBeCloseTo(0.3, 12);
    expect(patients[1]?.features?.['solidity.mean']).toBeCloseTo(0.6, 12);
    expect(patients[2]?.features).toBeNull();
  });
});

describe('aggregateFeatures properties', () => {
  const value = fc.double({ min: -1e6, max: 1e6, noNaN: true });
  const rowsArb = fc.array(
    fc.record({ patient: fc.constantFrom('P1', 'P2', 'P3'), ok: fc.boolean(), a: value, b: value }),
    { maxLength: 30 },
  ).map((rs) => rs.map((r): AggregateRow => (r.ok ? ok(r.patient, { a: r.a, b: r.b }) : failed(r.patient))));
  const options = { statistics: ['mean', 'median', 'std', 'min', 'max'] as const, quantiles: [0.1, 0.9], names: ['a', 'b'] };

  it('is invariant to the order of the images', () => {
    fc.assert(
      fc.property(rowsArb, fc.infiniteStream(fc.nat()), (rows, seeds) => {
        const shuffled = rows.map((r) => ({ r, k: seeds.next().value })).sort((x, y) => x.k - y.k).map((x) => x.r);
        const byPatient = (rs: AggregateRow[]) =>
          Object.fromEntries(aggregateFeatures(rs, options).patients.map((p) => [p.patient, p]));
        const a = byPatient(rows);
        const b = byPatient(shuffled);
        expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
        for (const [patient, p] of Object.entries(a)) {
          const q = b[patient];
          expect(q?.usable).toBe(p.usable);
          for (const [col, v] of Object.entries(p.features ?? {})) {
            expect(Math.abs((q?.features?.[col] ?? Number.NaN) - v)).toBeLessThanOrEqual(TOL * (1 + Math.abs(v)) * 1e3);
          }
        }
      }),
      { numRuns: 100 },
    );
  });

  it('orders min ≤ q10 ≤ median ≤ q90 ≤ max, keeps the mean in [min, max] and std ≥ 0', () => {
    fc.assert(
      fc.property(rowsArb, (rows) => {
        for (const p of aggregateFeatures(rows, options).patients) {
          expect(p.usable).toBe(rows.filter((r) => r.patient === p.patient && r.status === 'ok').length);
          if (p.features === null) {
            expect(p.usable).toBe(0);
            continue;
          }
          for (const n of ['a', 'b']) {
            const f = p.features;
            const s = (k: string) => f[`${n}.${k}`] as number;
            expect(s('min')).toBeLessThanOrEqual(s('q10'));
            expect(s('q10')).toBeLessThanOrEqual(s('median'));
            expect(s('median')).toBeLessThanOrEqual(s('q90'));
            expect(s('q90')).toBeLessThanOrEqual(s('max'));
            const slack = 1e-9 * Math.max(Math.abs(s('min')), Math.abs(s('max')), 1);
            expect(s('mean')).toBeGreaterThanOrEqual(s('min') - slack);
            expect(s('mean')).toBeLessThanOrEqual(s('max') + slack);
            expect(s('std')).toBeGreaterThanOrEqual(0);
          }
        }
      }),
      { numRuns: 100 },
    );
  });
});
