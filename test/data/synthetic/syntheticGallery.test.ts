import { describe, expect, it } from 'vitest';
import { GALLERY_COLUMNS, renderGallery, syntheticGalleryRows } from '../../../examples/synthetic-gallery.js';
import { decodeImageBytes } from '../../../src/io/image/decodeImageBytes.js';

describe('examples/synthetic-gallery', () => {
  it('builds a malignant and a reactive row of synthetic crops and renders them as one labelled PNG', async () => {
    const rows = syntheticGalleryRows(1);
    expect(rows.map((r) => r.label)).toEqual(['synthetic\nmalignant', 'synthetic\nreactive']);
    for (const r of rows) expect(r.images).toHaveLength(GALLERY_COLUMNS);
    const png = await renderGallery(rows);
    // The committed docs/synthetic-gallery.png must stay small.
    expect(png.byteLength).toBeLessThan(300_000);
    const image = await decodeImageBytes(png);
    const [h, w] = image.shape as [number, number, number];
    expect(h).toBe(2 * (112 + 4) + 4);
    expect(w).toBe(150 + GALLERY_COLUMNS * (112 + 4));
    // The label column is white apart from the text; the crops are not.
    const at = (y: number, x: number): number => image.data[(y * w + x) * 3 + 1]!;
    expect(at(2, 2)).toBe(255);
    expect(at(60, 150 + 56)).toBeLessThan(200);
  });

  it('rejects an empty gallery', async () => {
    await expect(renderGallery([])).rejects.toThrow(/renderGallery: expected at least one row, got 0/);
  });
});
