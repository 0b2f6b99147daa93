import { describe, expect, it } from 'vitest';
import { formatTable } from '../../src/cli/summaryTable.js';

describe('formatTable', () => {
  it('aligns columns, numbers to the right with three decimals', () => {
    const text = formatTable([
      { fold: 1, balancedAccuracy: 0.9, note: 'a' },
      { fold: 10, balancedAccuracy: 0.8125, note: 'longer' },
    ]);
    expect(text).toBe(
      ['fold  balancedAccuracy  note', '----  ----------------  ------', '   1             0.900  a', '  10             0.813  longer', ''].join('\n'),
    );
  });
  it('is empty without rows', () => {
    expect(formatTable([])).toBe('');
  });
});
