import { checkArray, checkThat } from '../../core/check.js';

/**
 * Where an image comes from.
 *
 * - `string`: a file path (Node only), or an `http:`, `https:`, `data:`, `blob:` or `file:` URL.
 * - `URL`: as for a URL string (`file:` URLs need Node).
 * - `Uint8Array` / `ArrayBuffer`: the encoded file bytes (JPEG, PNG, …), not pixels.
 * - `Blob` (including `File`): the encoded file bytes, e.g. from an `<input type="file">`.
 */
export type ImageSource = string | URL | Uint8Array | ArrayBuffer | Blob;

const URL_SCHEME = /^(https?|data|blob|file):/i;
const MAX_NAME_LENGTH = 80;

/**
 * A short human-readable name for an image source, used in error messages.
 *
 * File paths and URLs are returned as given (`data:` URLs are cut to 80 characters),
 * a `File` by its name, other bytes as `<N bytes>` / `<blob of N bytes>`.
 *
 * @param source - the image source
 * @returns the name, never empty
 * @example
 * describeImageSource('/data/P0/000001.jpg'); // '/data/P0/000001.jpg'
 * describeImageSource(new Uint8Array(10)); // '<10 bytes>'
 */
export function describeImageSource(source: ImageSource): string {
  if (typeof source === 'string') {
    if (source.length === 0) return '<empty path>';
    return source.length > MAX_NAME_LENGTH && /^data:/i.test(source) ? `${source.slice(0, MAX_NAME_LENGTH)}…` : source;
  }
  if (source instanceof URL) return describeImageSource(source.href);
  if (source instanceof Uint8Array) return `<${source.byteLength} bytes>`;
  if (source instanceof ArrayBuffer) return `<${source.byteLength} bytes>`;
  if (typeof Blob !== 'undefined' && source instanceof Blob) {
    const name = (source as Partial<File>).name;
    return typeof name === 'string' && name.length > 0 ? name : `<blob of ${source.size} bytes>`;
  }
  return `<${Object.prototype.toString.call(source)}>`;
}

/** True when `s` starts with a URL scheme that {@link ImageSource} strings accept. */
export function isUrlString(s: string): boolean {
  // A Windows drive letter ("C:\\…") is a path, not a scheme: the scheme list is explicit.
  return URL_SCHEME.test(s);
}

/** True when `value` is an {@link ImageSource}: a non-empty string, a URL, a Uint8Array, an ArrayBuffer or a Blob. */
export function isImageSource(value: unknown): value is ImageSource {
  return (
    (typeof value === 'string' && value.length > 0) ||
    value instanceof URL ||
    value instanceof Uint8Array ||
    value instanceof ArrayBuffer ||
    (typeof Blob !== 'undefined' && value instanceof Blob)
  );
}

/**
 * Checks a list of image sources at once, so that a list of the wrong kind of object (e.g. cohort `Patient`s
 * instead of their images) throws before any work instead of failing every image.
 *
 * @param fn - the public function named in the error, e.g. `'extractFeaturesBatch'`
 * @param argument - the argument's name, e.g. `'sources'`
 * @param value - the list
 * @returns the list
 * @throws ArgumentError `fn: argument[3] must be an image source (a file path, URL, Uint8Array, ArrayBuffer or Blob), got an object {id, label, …}`
 * @example
 * checkImageSources('extractFeaturesBatch', 'sources', cohort.patients.flatMap((p) => p.images));
 */
export function checkImageSources(fn: string, argument: string, value: unknown): readonly ImageSource[] {
  return checkArray<ImageSource>(fn, argument, value, {
    each: (element, index) =>
      checkThat(
        isImageSource(element),
        fn,
        `${argument}[${index}]`,
        'an image source (a file path, URL, Uint8Array, ArrayBuffer or Blob)',
        element,
      ),
  });
}
