import { describe, expect, it } from 'vitest';
import { ImageDecodeError } from '../../../src/io/image/imageDecodeError.js';

describe('ImageDecodeError', () => {
  it('names the source in the message and keeps it and the cause', () => {
    const cause = new Error('unknown JPEG marker 0');
    const e = new ImageDecodeError('P3/000012.jpg', 'corrupt', { cause });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('ImageDecodeError');
    expect(e.source).toBe('P3/000012.jpg');
    expect(e.message).toBe('cannot decode image P3/000012.jpg: corrupt');
    expect(e.cause).toBe(cause);
  });

  it('has no cause when none is given', () => {
    expect(new ImageDecodeError('x', 'y').cause).toBeUndefined();
  });
});
