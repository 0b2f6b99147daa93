import type { Backbone } from './backbone.js';

/**
 * A content identifier of a backbone: its architecture and every weight value. Two backbones with the same
 * id compute the same embeddings; any change of a weight (loading, training, merging LoRA) changes it.
 *
 * SHA-256 (Web Crypto, Node ≥ 20 and browsers) of the layer config (name excluded) and the float32 bytes of
 * the weights in declaration order.
 *
 * @param backbone - the backbone
 * @returns `<architecture>-<first 24 hex digits of the digest>`, e.g. `'resnet-3f2a…'`
 * @example
 * const id = await backboneFingerprint(createBackbone('resnet18', { seed: 1 }));
 */
export async function backboneFingerprint(backbone: Backbone): Promise<string> {
  const { name: _name, trainable: _trainable, ...config } = backbone.getConfig();
  const header = new TextEncoder().encode(JSON.stringify(config));
  const arrays = [...backbone.parameters.values()].map((v) => v.read().dataSync() as Float32Array);
  const total = header.byteLength + arrays.reduce((s, a) => s + a.byteLength, 0);
  const bytes = new Uint8Array(total);
  bytes.set(header, 0);
  let offset = header.byteLength;
  for (const a of arrays) {
    bytes.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), offset);
    offset += a.byteLength;
  }
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  const hex = Array.from(digest.subarray(0, 12), (b) => b.toString(16).padStart(2, '0')).join('');
  return `${backbone.architecture}-${hex}`;
}
