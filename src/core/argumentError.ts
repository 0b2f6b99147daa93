/**
 * The one error class for a bad argument to a public function: wrong kind, out of range, wrong shape.
 *
 * Its message names the public function the user called and the argument (or the patient, file or field), and is
 * bounded in length: a value is described, never dumped (see {@link describeValue}).
 */
export class ArgumentError extends TypeError {
  override readonly name = 'ArgumentError';
  /** The public function the user called, e.g. `'crossValidate'`. */
  readonly fn: string;
  /** The argument or option at fault, e.g. `'folds'` or `'options.fit.epochs'`. */
  readonly argument: string;

  /**
   * @param fn - the public function the user called
   * @param argument - the argument or option at fault
   * @param expected - what was expected, e.g. `'an integer ≥ 1'`
   * @param value - the value received (described, bounded)
   */
  constructor(fn: string, argument: string, expected: string, value: unknown) {
    super(boundMessage(`${fn}: ${argument} must be ${expected}, got ${describeValue(value)}`));
    this.fn = fn;
    this.argument = argument;
  }
}

/**
 * A value already put in words, for an {@link ArgumentError} whose value is best shown another way than
 * {@link describeValue}'s (e.g. a short array by its elements): `describeValue` prints its text as it is.
 *
 * @example
 * throw new ArgumentError('createBackbone', 'options.std', '3 finite positive numbers', new DescribedValue('[0.5, 0, 0.5]'));
 */
export class DescribedValue {
  /** @param text - the description, shown as it is (bounded like any description) */
  constructor(readonly text: string) {}
}

/** Longest message the library throws; longer ones are cut in the middle with an ellipsis. */
export const MAX_MESSAGE_LENGTH = 600;

/**
 * Bounds a message to {@link MAX_MESSAGE_LENGTH} characters, keeping its start and its end.
 *
 * @param message - any text
 * @param max - the bound, ≥ 20. Defaults to {@link MAX_MESSAGE_LENGTH}.
 * @returns the message, or its first and last parts joined by ` … `
 */
export function boundMessage(message: string, max = MAX_MESSAGE_LENGTH): string {
  if (message.length <= max) return message;
  const keep = Math.max(8, max - 3);
  const head = Math.ceil(keep * 0.7);
  return `${message.slice(0, head)} … ${message.slice(message.length - (keep - head))}`;
}

/**
 * A short, bounded description of any value, for error messages: numbers and short strings as they are, arrays by
 * length, typed arrays by type and length, ndarrays and tensors (objects with a numeric `shape` array) by shape and
 * dtype, other objects by constructor name and first keys.
 *
 * @param value - anything
 * @param max - longest description. Defaults to 80.
 * @returns e.g. `5`, `'abc'`, `NaN`, `an array of 3`, `Float32Array(12)`, `shape [2, 2, 4] uint8`,
 *   `an object {id, age, …}`, `undefined`
 */
export function describeValue(value: unknown, max = 80): string {
  const cut = (s: string): string => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);
  if (value === null) return 'null';
  if (value instanceof DescribedValue) return cut(value.text);
  switch (typeof value) {
    case 'undefined':
      return 'undefined';
    case 'number':
    case 'bigint':
    case 'boolean':
      return String(value);
    case 'string':
      return cut(JSON.stringify(value));
    case 'symbol':
      return cut(value.toString());
    case 'function':
      return `a function${value.name ? ` ${cut(value.name)}` : ''}`;
    default:
      break;
  }
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as unknown as { length?: number }).length ?? value.byteLength})`;
  if (value instanceof ArrayBuffer) return `ArrayBuffer(${value.byteLength})`;
  const { shape, dtype } = value as { shape?: unknown; dtype?: unknown };
  if (Array.isArray(shape) && shape.length <= 8 && shape.every((d) => typeof d === 'number')) {
    return cut(`shape [${shape.join(', ')}]${typeof dtype === 'string' ? ` ${dtype}` : ''}`);
  }
  const name = (value as object).constructor?.name;
  const keys = Object.keys(value as object);
  const shown = keys.slice(0, 4).join(', ') + (keys.length > 4 ? ', …' : '');
  const kind = name && name !== 'Object' ? `a ${name}` : 'an object';
  return cut(`${kind} {${shown}}`);
}
