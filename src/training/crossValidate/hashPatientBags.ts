import { stableStringify } from '../../io/cache/contentCache.js';
import { sha256Hex } from '../../io/bytes/sha256Hex.js';
import type { InstanceMatrix, PatientBag } from '../../models/index.js';

/**
 * The content hash of a cohort's patients as the models see them: every patient's id, label, age, count and the
 * exact float32 bytes of each instance matrix (embeddings, handmade features) with its shape, in order. Equal
 * patients give equal hashes; one changed feature value, one more image or another order gives another.
 *
 * @param bags - The patients.
 * @returns The SHA-256, 64 hex digits.
 */
export async function hashPatientBags(bags: readonly PatientBag[]): Promise<string> {
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = [];
  let total = 0;
  const push = (bytes: Uint8Array): void => {
    const length = new Uint8Array(new Float64Array([bytes.byteLength]).buffer);
    parts.push(length, bytes);
    total += length.byteLength + bytes.byteLength;
  };
  const matrix = (m: InstanceMatrix | undefined): void => {
    push(encoder.encode(m === undefined ? 'none' : `${m.rows}x${m.cols}`));
    if (m !== undefined) push(new Uint8Array(m.data.buffer, m.data.byteOffset, m.data.byteLength));
  };
  for (const bag of bags) {
    push(encoder.encode(stableStringify({ id: bag.id, label: bag.label ?? null, age: bag.age, lymphCount: bag.lymphCount })));
    matrix(bag.images);
    matrix(bag.handmade);
  }
  const all = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    all.set(part, at);
    at += part.byteLength;
  }
  return sha256Hex(all);
}
