import { describe, expect, it } from 'vitest';
import { ModelIoError } from '../../../src/io/modelIo/modelIoError.js';

describe('ModelIoError', () => {
  it('names the path, keeps the cause, and is an Error', () => {
    const cause = new Error('EACCES');
    const e = new ModelIoError('models/a/model.json', 'cannot write: EACCES', { cause });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('ModelIoError');
    expect(e.path).toBe('models/a/model.json');
    expect(e.message).toBe('model models/a/model.json: cannot write: EACCES');
    expect(e.cause).toBe(cause);
    expect(new ModelIoError('x', 'y').cause).toBeUndefined();
  });
});
