import { describe, expect, it } from 'vitest';
import { ReduceLROnPlateau } from '../../../src/training/schedules/reduceLROnPlateau.js';

/** Feeds values and returns the learning rate after each update. */
function rates(schedule: ReduceLROnPlateau, values: readonly number[]): number[] {
  return values.map((v) => schedule.update(v).learningRate);
}

describe('ReduceLROnPlateau', () => {
  it('defaults: factor 0.1 on the 5th consecutive epoch without improvement (the report: ÷10 after 5 epochs)', () => {
    const s = new ReduceLROnPlateau(1e-3);
    const values = [1, 0.9, 0.95, 0.95, 0.95, 0.95]; // best 0.9 at epoch 1, then 4 bad epochs
    expect(rates(s, values)).toEqual([1e-3, 1e-3, 1e-3, 1e-3, 1e-3, 1e-3]);
    const d = s.update(0.92); // 5th bad epoch
    expect(d).toMatchObject({ reduced: true, improved: false, best: 0.9, wait: 0 });
    expect(d.learningRate).toBeCloseTo(1e-4, 15);
  });

  it('an improvement resets the wait', () => {
    const s = new ReduceLROnPlateau(1, { patience: 2 });
    expect(rates(s, [5, 6, 4, 6, 6])).toEqual([1, 1, 1, 1, 0.1]);
  });

  it('minDelta: a gain smaller than minDelta is not an improvement', () => {
    const s = new ReduceLROnPlateau(1, { patience: 2, minDelta: 0.1 });
    const first = s.update(1);
    expect(first.improved).toBe(true);
    expect(s.update(0.95).improved).toBe(false); // 0.05 < minDelta
    expect(s.update(0.91).reduced).toBe(true); // still not 0.1 below the best 1
  });

  it('mode max follows a score', () => {
    const s = new ReduceLROnPlateau(1, { mode: 'max', patience: 1, factor: 0.5 });
    expect(rates(s, [0.6, 0.7, 0.65, 0.8, 0.8])).toEqual([1, 1, 0.5, 0.5, 0.25]);
  });

  it('cooldown: the next `cooldown` bad epochs after a reduction are not counted', () => {
    const s = new ReduceLROnPlateau(1, { patience: 1, cooldown: 2, factor: 0.5 });
    // epoch 0 best; 1 bad -> reduce; 2, 3 cooldown; 4 bad -> reduce
    expect(rates(s, [1, 2, 2, 2, 2])).toEqual([1, 0.5, 0.5, 0.5, 0.25]);
  });

  it('minLr: the rate never goes below it and stays there', () => {
    const s = new ReduceLROnPlateau(1e-3, { patience: 1, minLr: 5e-5 });
    const r = rates(s, [1, 1, 1, 1, 1]);
    expect(r[1]).toBeCloseTo(1e-4, 15);
    expect(r.slice(2)).toEqual([5e-5, 5e-5, 5e-5]);
    expect(s.update(1).reduced).toBe(false);
  });

  it('NaN (diverged loss) counts as a bad epoch, never as an improvement', () => {
    const s = new ReduceLROnPlateau(1, { patience: 2 });
    s.update(1);
    expect(s.update(Number.NaN)).toMatchObject({ improved: false, wait: 1 });
    expect(s.update(Number.NaN).reduced).toBe(true);
    expect(s.best).toBe(1);
  });

  it('first value NaN: best stays Infinity, no crash', () => {
    const s = new ReduceLROnPlateau(1, { patience: 3 });
    expect(s.update(Number.NaN)).toMatchObject({ improved: false, best: Infinity, wait: 1 });
    expect(s.update(2)).toMatchObject({ improved: true, best: 2, wait: 0 });
  });

  it('rejects invalid options naming the value', () => {
    expect(() => new ReduceLROnPlateau(0)).toThrow('ReduceLROnPlateau: initialLearningRate must be a finite number > 0, got 0');
    expect(() => new ReduceLROnPlateau(1, { factor: 1 })).toThrow('ReduceLROnPlateau: factor must be a finite number > 0 and < 1, got 1');
    expect(() => new ReduceLROnPlateau(1, { patience: 0 })).toThrow('ReduceLROnPlateau: patience must be an integer ≥ 1, got 0');
    expect(() => new ReduceLROnPlateau(1, { cooldown: -1 })).toThrow('ReduceLROnPlateau: cooldown must be an integer ≥ 0, got -1');
    expect(() => new ReduceLROnPlateau(1, { minDelta: -1 })).toThrow('ReduceLROnPlateau: minDelta must be a finite number ≥ 0, got -1');
    expect(() => new ReduceLROnPlateau(1e-4, { minLr: 1e-3 })).toThrow('ReduceLROnPlateau: initialLearningRate must be a finite number ≥ 0.001, got 0.0001');
    expect(() => new ReduceLROnPlateau(1, { mode: 'auto' as 'min' })).toThrow('ReduceLROnPlateau: mode must be one of "min", "max", got "auto"');
  });
});
