import { isNode } from './isNode.js';

/**
 * The SHA-256 of some bytes as 64 lowercase hex digits (Node's `crypto`, else Web Crypto): the key of an image in
 * the content cache (`openContentCache`) and the `hash` of an embedded image.
 *
 * @param bytes - any bytes
 * @returns 64 hex digits
 * @example
 * await sha256Hex(new Uint8Array()); // 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
 */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  if (isNode()) return (await import('node:crypto')).createHash('sha256').update(bytes).digest('hex');
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
