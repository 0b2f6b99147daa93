import { describe, expect, it } from 'vitest';
import * as report from '../../src/report/index.js';
import * as lymphomix from '../../src/index.js';

describe('report index', () => {
  it('exports drawOverlay, also from the package root', () => {
    expect(typeof report.drawOverlay).toBe('function');
    expect(lymphomix.drawOverlay).toBe(report.drawOverlay);
  });
});
