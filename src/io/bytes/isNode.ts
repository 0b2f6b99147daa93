/**
 * True when running in Node (or a runtime exposing `process.versions.node`, e.g. Bun).
 * Used to decide whether file paths can be read and whether `sharp` may be loaded.
 *
 * @example
 * if (isNode()) console.log('file paths are readable');
 */
export function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}
