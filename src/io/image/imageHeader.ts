/**
 * The library's one acceptance policy for encoded images, applied from the file's own bytes before any decoder runs,
 * so that whether a file is accepted never depends on which decoder is installed: the format from its magic bytes,
 * the declared size from its header against a pixel limit, and (JPEG, PNG, BMP) whether the data is complete.
 * @module
 */
import { ImageDecodeError } from './imageDecodeError.js';

/** A format recognised from its magic bytes. */
export type ImageFormat = 'jpeg' | 'png' | 'bmp' | 'tiff' | 'gif' | 'webp';

/**
 * The formats every decoder of the library reads (jimp and sharp alike; sharp reads BMP through jimp's BMP codec, as
 * libvips has none). WebP is recognised but refused by every decoder, because jimp cannot read it: a WebP image would
 * otherwise count or not depending on whether sharp is installed. Anything else (text, SVG, HEIF, PDF, …) is refused.
 */
export const SUPPORTED_IMAGE_FORMATS: readonly ImageFormat[] = ['jpeg', 'png', 'bmp', 'tiff', 'gif'];

/**
 * The file extensions (lower case, with the dot) of {@link SUPPORTED_IMAGE_FORMATS}: what the cohort loaders list as
 * images (`IMAGE_EXTENSIONS`), so that a listed file is one every decoder may read. No `.webp`: WebP is refused by
 * every decoder (the format is still recognised from its bytes, to say so).
 */
export const SUPPORTED_IMAGE_EXTENSIONS: readonly string[] = ['.jpg', '.jpeg', '.png', '.bmp', '.tif', '.tiff', '.gif'];

/**
 * Largest image accepted by default, in pixels (width × height as the header declares it): 50 million, e.g.
 * 7071 × 7071, about 150 MB as RGB. A file declaring more is refused before any pixel memory is allocated (a
 * decompression bomb: a few kB claiming gigapixels). Change it per call with `maxPixels` of `decodeImageBytes`.
 */
export const MAX_IMAGE_PIXELS = 50_000_000;

/** What the header of an image says. */
export interface ImageHeader {
  /** The format, from the magic bytes. */
  format: ImageFormat;
  /** Width in pixels as stored (before any EXIF rotation), ≥ 1. */
  width: number;
  /** Height in pixels as stored, ≥ 1. */
  height: number;
}

/** The format of `bytes` from its first bytes, or undefined when it is none of {@link ImageFormat}. */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | undefined {
  const b = bytes;
  const at = (i: number): number => b[i] ?? -1;
  if (at(0) === 0xff && at(1) === 0xd8 && at(2) === 0xff) return 'jpeg';
  if ([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((v, i) => at(i) === v)) return 'png';
  if (at(0) === 0x42 && at(1) === 0x4d && b.byteLength >= 26) return 'bmp';
  if ((at(0) === 0x49 && at(1) === 0x49 && at(2) === 0x2a && at(3) === 0) || (at(0) === 0x4d && at(1) === 0x4d && at(2) === 0 && at(3) === 0x2a)) return 'tiff';
  if (at(0) === 0x47 && at(1) === 0x49 && at(2) === 0x46 && at(3) === 0x38 && (at(4) === 0x37 || at(4) === 0x39) && at(5) === 0x61) return 'gif';
  if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return 'webp';
  return undefined;
}

function ascii(b: Uint8Array, start: number, length: number): string {
  return String.fromCharCode(...b.subarray(start, start + length));
}

function u16be(b: Uint8Array, i: number): number {
  return ((b[i] ?? 0) << 8) | (b[i + 1] ?? 0);
}

function u16le(b: Uint8Array, i: number): number {
  return (b[i] ?? 0) | ((b[i + 1] ?? 0) << 8);
}

function u32be(b: Uint8Array, i: number): number {
  return (((b[i] ?? 0) << 24) | ((b[i + 1] ?? 0) << 16) | ((b[i + 2] ?? 0) << 8) | (b[i + 3] ?? 0)) >>> 0;
}

function u32le(b: Uint8Array, i: number): number {
  return ((b[i] ?? 0) | ((b[i + 1] ?? 0) << 8) | ((b[i + 2] ?? 0) << 16) | ((b[i + 3] ?? 0) << 24)) >>> 0;
}

/** A short description of what the bytes look like, for the "not an image" message. */
function looksLike(bytes: Uint8Array): string {
  const head = bytes.subarray(0, 256);
  const text = head.every((c) => c === 9 || c === 10 || c === 13 || (c >= 32 && c < 127) || c >= 128);
  if (!text) return 'binary data of no supported format';
  const start = new TextDecoder().decode(head).trimStart().slice(0, 5).toLowerCase();
  return start.startsWith('<svg') || start.startsWith('<?xml') ? 'text (SVG/XML), not a raster image' : 'text, not an image';
}

function jpegHeader(b: Uint8Array, name: string): ImageHeader {
  let i = 2;
  while (i + 3 < b.byteLength) {
    if (b[i] !== 0xff) throw new ImageDecodeError(name, `corrupt JPEG: no marker at byte ${i}`);
    const m = b[i + 1]!;
    if (m === 0xff) {
      i++; // fill byte
      continue;
    }
    if (m === 0x01 || (m >= 0xd0 && m <= 0xd7)) {
      i += 2;
      continue;
    }
    if (m === 0xd9 || m === 0xda) throw new ImageDecodeError(name, 'corrupt JPEG: no frame header (SOF) before the image data');
    const length = u16be(b, i + 2);
    const isSof = m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;
    if (isSof) {
      if (i + 9 > b.byteLength) break;
      const height = u16be(b, i + 5);
      const width = u16be(b, i + 7);
      // The image data ends with EOI (FF D9); inside the entropy-coded data every FF is followed by 00 or a restart
      // marker, so a missing EOI after the frame header means the file was cut short.
      if (!hasJpegEnd(b, i + 2 + length)) throw new ImageDecodeError(name, 'truncated JPEG: the image data has no end marker (EOI)');
      return { format: 'jpeg', width, height };
    }
    if (length < 2) throw new ImageDecodeError(name, `corrupt JPEG: segment length ${length} at byte ${i}`);
    i += 2 + length;
  }
  throw new ImageDecodeError(name, `truncated JPEG: the header ends after ${b.byteLength} bytes, before the frame header`);
}

function hasJpegEnd(b: Uint8Array, from: number): boolean {
  for (let k = b.byteLength - 2; k >= from; k--) if (b[k] === 0xff && b[k + 1] === 0xd9) return true;
  return false;
}

/** The chunks of a PNG file, checked to lie within the bytes; throws on a truncated chunk. */
function pngChunks(b: Uint8Array, name: string): { type: string; start: number; length: number }[] {
  const chunks: { type: string; start: number; length: number }[] = [];
  let i = 8;
  while (i < b.byteLength) {
    if (i + 8 > b.byteLength) throw new ImageDecodeError(name, `truncated PNG: chunk header cut at byte ${i}`);
    const length = u32be(b, i);
    const type = ascii(b, i + 4, 4);
    if (i + 12 + length > b.byteLength) throw new ImageDecodeError(name, `truncated PNG: ${type} chunk of ${length} bytes runs past the end of the file (${b.byteLength} bytes)`);
    chunks.push({ type, start: i + 8, length });
    i += 12 + length;
    if (type === 'IEND') break;
  }
  return chunks;
}

function pngHeader(b: Uint8Array, name: string): ImageHeader {
  if (b.byteLength < 33 || ascii(b, 12, 4) !== 'IHDR') throw new ImageDecodeError(name, 'truncated or corrupt PNG: no IHDR header');
  return { format: 'png', width: u32be(b, 16), height: u32be(b, 20) };
}

const TIFF_TYPE_SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 16: 8 };

/**
 * The first image directory of a TIFF: its size, after checking that the directory, every value stored outside it
 * and every strip or tile of image data lie within the file (a TIFF cut short is refused by both decoders).
 */
function tiffHeader(b: Uint8Array, name: string): ImageHeader {
  const le = b[0] === 0x49;
  const u16 = (i: number): number => (le ? u16le(b, i) : u16be(b, i));
  const u32 = (i: number): number => (le ? u32le(b, i) : u32be(b, i));
  const cut = (what: string): ImageDecodeError => new ImageDecodeError(name, `truncated TIFF: ${what} lies past the end of the file (${b.byteLength} bytes)`);
  const ifd = u32(4);
  if (ifd + 2 > b.byteLength) throw cut('the first image directory');
  const n = u16(ifd);
  if (ifd + 2 + 12 * n + 4 > b.byteLength) throw cut('the first image directory');
  let width = 0;
  let height = 0;
  const arrays = new Map<number, number[]>();
  for (let k = 0; k < n; k++) {
    const e = ifd + 2 + 12 * k;
    const tag = u16(e);
    const type = u16(e + 2);
    const count = u32(e + 4);
    const bytes = (TIFF_TYPE_SIZE[type] ?? 1) * count;
    const at = bytes <= 4 ? e + 8 : u32(e + 8);
    if (at + bytes > b.byteLength) throw cut(`the value of tag ${tag}`);
    const value = (i: number): number => (type === 3 ? u16(at + 2 * i) : u32(at + 4 * i));
    if (tag === 256) width = value(0);
    if (tag === 257) height = value(0);
    // Strip/tile offsets and byte counts: where the image data is.
    if ((tag === 273 || tag === 279 || tag === 324 || tag === 325) && (type === 3 || type === 4)) {
      arrays.set(tag, Array.from({ length: count }, (_, i) => value(i)));
    }
  }
  for (const [offsetsTag, countsTag, what] of [[273, 279, 'strip'], [324, 325, 'tile']] as const) {
    const offsets = arrays.get(offsetsTag) ?? [];
    const counts = arrays.get(countsTag) ?? [];
    offsets.forEach((o, i) => {
      if (o + (counts[i] ?? 0) > b.byteLength) throw cut(`image data ${what} ${i}`);
    });
  }
  return { format: 'tiff', width, height };
}

function bmpHeader(b: Uint8Array, name: string): ImageHeader {
  const declared = u32le(b, 2);
  if (declared > b.byteLength) throw new ImageDecodeError(name, `truncated BMP: ${b.byteLength} of the ${declared} bytes its header declares`);
  if (u32le(b, 14) === 12) return { format: 'bmp', width: u16le(b, 18), height: u16le(b, 20) };
  const w = u32le(b, 18) | 0;
  const h = u32le(b, 22) | 0;
  return { format: 'bmp', width: Math.abs(w), height: Math.abs(h) };
}

/**
 * Read the format and declared size of an encoded image from its header, without decoding it; JPEG data without its
 * end marker and BMP data shorter than its header says are refused as truncated.
 *
 * @param bytes - the encoded file
 * @param name - the source's name, for error messages
 * @returns the header
 * @throws {@link ImageDecodeError} naming `name`: empty file, not a supported format (text, SVG, WebP, …), truncated
 *   or corrupt header, a zero width or height
 * @example
 * readImageHeader(pngBytes, 'cell.png'); // { format: 'png', width: 224, height: 224 }
 */
export function readImageHeader(bytes: Uint8Array, name: string): ImageHeader {
  if (bytes.byteLength === 0) throw new ImageDecodeError(name, 'empty file (0 bytes)');
  const format = sniffImageFormat(bytes);
  if (format === undefined) {
    throw new ImageDecodeError(name, `not a recognised image format (${looksLike(bytes)}; supported: ${SUPPORTED_IMAGE_FORMATS.map((f) => f.toUpperCase()).join(', ')})`);
  }
  if (!SUPPORTED_IMAGE_FORMATS.includes(format)) {
    throw new ImageDecodeError(name, `${format.toUpperCase()} is not supported (not every decoder reads it; supported: ${SUPPORTED_IMAGE_FORMATS.map((f) => f.toUpperCase()).join(', ')}); convert it to PNG`);
  }
  const header =
    format === 'jpeg'
      ? jpegHeader(bytes, name)
      : format === 'png'
        ? pngHeader(bytes, name)
        : format === 'tiff'
          ? tiffHeader(bytes, name)
          : format === 'bmp'
            ? bmpHeader(bytes, name)
            : { format, width: u16le(bytes, 6), height: u16le(bytes, 8) };
  if (!(header.width >= 1 && header.height >= 1)) {
    throw new ImageDecodeError(name, `corrupt ${format.toUpperCase()} header: declares ${header.width}x${header.height} pixels`);
  }
  return header;
}

/**
 * {@link readImageHeader} and the pixel limit: the acceptance check every decoder of the library runs first.
 *
 * @param bytes - the encoded file
 * @param name - the source's name, for error messages
 * @param maxPixels - largest width × height accepted. Defaults to {@link MAX_IMAGE_PIXELS}.
 * @returns the header
 * @throws {@link ImageDecodeError} naming `name` as {@link readImageHeader} does, or when the declared size exceeds
 *   `maxPixels` (before any pixel memory is allocated)
 * @example
 * checkImageBytes(bytes, 'upload.png', 1_000_000); // throws for a 2000 × 2000 image
 */
export function checkImageBytes(bytes: Uint8Array, name: string, maxPixels: number = MAX_IMAGE_PIXELS): ImageHeader {
  const header = readImageHeader(bytes, name);
  const pixels = header.width * header.height;
  if (pixels > maxPixels) {
    throw new ImageDecodeError(
      name,
      `declares ${header.width}x${header.height} = ${pixels} pixels, over the limit of ${maxPixels} (MAX_IMAGE_PIXELS, or the maxPixels option of decodeImageBytes); refused before decoding`,
    );
  }
  return header;
}

/** Bytes of the filtered image data of a PNG (what its IDAT chunks must inflate to), from the IHDR fields. */
export function pngRawSize(width: number, height: number, bitDepth: number, colourType: number, interlace: number): number {
  const channels = ({ 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as Record<number, number>)[colourType];
  if (channels === undefined) return -1;
  const bits = channels * bitDepth;
  const rows = (w: number, h: number): number => (w > 0 && h > 0 ? h * (Math.ceil((w * bits) / 8) + 1) : 0);
  if (interlace !== 1) return rows(width, height);
  const passes = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]] as const;
  return passes.reduce((sum, [x0, y0, dx, dy]) => sum + rows(Math.ceil((width - x0) / dx), Math.ceil((height - y0) / dy)), 0);
}

/** Inflate a zlib stream, at most `limit` bytes out; the number of bytes it gave (−1 when the stream is cut or bad). */
async function inflatedLength(data: Uint8Array, limit: number): Promise<number> {
  const node = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node !== undefined;
  if (node) {
    const zlib = await import('node:zlib');
    try {
      return zlib.inflateSync(data, { maxOutputLength: Math.max(1, limit) }).byteLength;
    } catch (e) {
      return (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' ? limit : -1;
    }
  }
  const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('deflate'));
  const reader = stream.getReader();
  let n = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return n;
      n += (value as Uint8Array).byteLength;
      if (n >= limit) {
        await reader.cancel();
        return n;
      }
    }
  } catch {
    return -1;
  }
}

/**
 * Checks that a PNG holds all of its image data: every chunk lies within the file, `IEND` is present, and the `IDAT`
 * chunks inflate to the full size the header declares. A PNG cut short is refused every time instead of being
 * decoded with whatever memory the missing rows happened to hold.
 *
 * @param bytes - a PNG file (see {@link readImageHeader})
 * @param name - the source's name, for error messages
 * @throws {@link ImageDecodeError} naming `name` when the data is incomplete or corrupt
 */
export async function checkPngComplete(bytes: Uint8Array, name: string): Promise<void> {
  const chunks = pngChunks(bytes, name);
  if (chunks.at(-1)?.type !== 'IEND') throw new ImageDecodeError(name, 'truncated PNG: no IEND chunk (the file was cut short)');
  const idat = chunks.filter((c) => c.type === 'IDAT');
  if (idat.length === 0) throw new ImageDecodeError(name, 'corrupt PNG: no image data (IDAT)');
  const data = new Uint8Array(idat.reduce((s, c) => s + c.length, 0));
  let at = 0;
  for (const c of idat) {
    data.set(bytes.subarray(c.start, c.start + c.length), at);
    at += c.length;
  }
  const expected = pngRawSize(u32be(bytes, 16), u32be(bytes, 20), bytes[24]!, bytes[25]!, bytes[28]!);
  if (expected < 0) throw new ImageDecodeError(name, `corrupt PNG: colour type ${bytes[25]}`);
  const got = await inflatedLength(data, expected);
  if (got < expected) {
    throw new ImageDecodeError(name, got < 0 ? 'truncated or corrupt PNG: the image data (IDAT) does not inflate' : `truncated PNG: the image data inflates to ${got} of ${expected} bytes`);
  }
}
