import { describe, expect, it } from 'vitest';
import { CliError, EXIT_CODES, parseIntegerOption } from '../../src/cli/cliError.js';

describe('CliError', () => {
  it('carries the exit code of its kind and a bounded message', () => {
    expect(new CliError('x').exitCode).toBe(EXIT_CODES.failure);
    expect(new CliError('x', 'usage').exitCode).toBe(EXIT_CODES.usage);
    expect(new CliError('y'.repeat(100_000)).message.length).toBeLessThan(1000);
  });
  it('parses integer options and names the option when it cannot', () => {
    expect(parseIntegerOption('--folds', '5', 2)).toBe(5);
    expect(() => parseIntegerOption('--folds', '1', 2)).toThrow(/--folds must be an integer ≥ 2, got '1'/);
    expect(() => parseIntegerOption('--folds', '2.5', 2)).toThrow(/--folds/);
    expect(() => parseIntegerOption('--folds', 'abc', 2)).toThrow(/--folds/);
  });
});
