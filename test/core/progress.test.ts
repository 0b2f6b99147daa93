import { describe, expect, it } from 'vitest';
import { createProgressReporter, type ProgressEvent } from '../../src/core/index.js';

describe('createProgressReporter', () => {
  it('computes elapsed seconds and a linear ETA from the clock', () => {
    let t = 1000;
    const events: ProgressEvent<{ failed: number }>[] = [];
    const report = createProgressReporter<{ failed: number }>('features', 4, (e) => events.push(e), { now: () => t });
    report(0, { failed: 0 });
    t += 2000;
    report(1, { failed: 0 });
    t += 2000;
    report(2, { failed: 1 });
    expect(events.map((e) => e.done)).toEqual([0, 1, 2]);
    expect(events[0]).toMatchObject({ stage: 'features', total: 4, elapsedSeconds: 0, etaSeconds: null });
    expect(events[1]).toMatchObject({ elapsedSeconds: 2, etaSeconds: 6 });
    expect(events[2]).toMatchObject({ elapsedSeconds: 4, etaSeconds: 4, detail: { failed: 1 } });
  });
  it('accepts a new total and never reports a total below done', () => {
    const events: ProgressEvent[] = [];
    const report = createProgressReporter('training', 10, (e) => events.push(e), { now: () => 0 });
    report(3, null, 5);
    expect(report.total).toBe(5);
    report(7, null);
    expect(events[1]!.total).toBe(7);
    expect(events[1]!.etaSeconds).toBe(0);
  });
  it('ignores the listener return value and does nothing without a listener', () => {
    const report = createProgressReporter('x', 1, () => true as unknown as void);
    expect(() => report(1, null)).not.toThrow();
    expect(() => createProgressReporter('x', 1, undefined)(1, null)).not.toThrow();
  });
  it('lets a listener error propagate', () => {
    const report = createProgressReporter('x', 1, () => {
      throw new Error('boom');
    });
    expect(() => report(1, null)).toThrow('boom');
  });
});
