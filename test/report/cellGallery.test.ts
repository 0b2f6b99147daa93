import { describe, expect, it } from 'vitest';
import { createRgbImage, decodeImageBytes, type RgbImage } from '../../src/io/image/index.js';
import { cellGallery, type CellGalleryCandidate } from '../../src/report/index.js';

/** A 100×120 (W×H) light image with a dark purple disc: a cell the segmentation finds. */
function cellImage(): RgbImage {
  const w = 100;
  const h = 120;
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const inside = (x - 50) ** 2 + (y - 60) ** 2 < 25 ** 2;
      data.set(inside ? [90, 40, 140] : [235, 220, 225], (y * w + x) * 3);
    }
  }
  return createRgbImage(w, h, data);
}

function candidate(id: string, label: 0 | 1, probability: number, images: number): CellGalleryCandidate {
  return { id, label, probability, images: Array.from({ length: images }, (_, k) => ({ source: `${id}/${k}.jpg`, weight: ((k * 7) % images) / images })) };
}

describe('cellGallery', () => {
  const decoded: string[] = [];
  const decode = async (source: string): Promise<RgbImage> => {
    decoded.push(source);
    return cellImage();
  };

  it('shows the most confident errors and correct patients of each class, with the highest and lowest cells as small PNGs', async () => {
    const candidates = [
      candidate('P0', 1, 0.9, 10), // correct
      candidate('P1', 0, 0.1, 3), // correct
      candidate('P2', 1, 0.2, 4), // wrong by 0.3
      candidate('P3', 0, 0.95, 5), // wrong by 0.45
      candidate('P4', 0, 0.6, 4), // wrong by 0.1
      candidate('P5', 1, 0.6, 4), // correct by 0.1
      candidate('P6', 1, 0.99, 0), // no image: never shown
    ];
    const gallery = await cellGallery(candidates, { decode, size: 80 });
    expect(gallery.patients.map((p) => [p.id, p.correct])).toEqual([
      ['P1', true],
      ['P0', true],
      ['P3', false],
      ['P2', false],
    ]);
    const p0 = gallery.patients[1]!;
    expect(p0.highest).toHaveLength(4);
    expect(p0.lowest).toHaveLength(4);
    const weights = [...p0.highest, ...p0.lowest].map((c) => c.weight);
    expect(weights).toEqual([...weights].sort((a, b) => b - a));
    expect(weights[0]).toBe(0.9);
    expect(weights.at(-1)).toBe(0);
    const p1 = gallery.patients[0]!; // 3 images: split 2 + 1
    expect([p1.highest.length, p1.lowest.length]).toEqual([2, 1]);
    expect(new Set([...p1.highest, ...p1.lowest].map((c) => c.source)).size).toBe(3);
    const png = p0.highest[0]!.png;
    expect(png).toMatch(/^data:image\/png;base64,/);
    const image = await decodeImageBytes(Buffer.from(png.slice('data:image/png;base64,'.length), 'base64'));
    expect(image.shape).toEqual([80, 67, 3]); // the longer side shrunk to 80 px, the aspect kept
    expect(decoded.some((s) => s.startsWith('P6/') || s.startsWith('P4/') || s.startsWith('P5/'))).toBe(false);
    expect(gallery).toMatchObject({ measure: 'attention', repeat: 0, threshold: 0.5, size: 80 });
    expect(JSON.stringify(gallery).length).toBeLessThan(200_000);
  });

  it('fills with correct patients when there are few errors, and bounds the patients and cells', async () => {
    const gallery = await cellGallery([candidate('A', 1, 0.9, 6), candidate('B', 1, 0.8, 6), candidate('C', 0, 0.3, 6), candidate('D', 0, 0.7, 6)], {
      decode,
      patients: 3,
      cells: 2,
      threshold: 0.75,
      measure: 'cell probability',
    });
    // At 0.75 every patient is classified correctly (D: 0.7 < 0.75, reactive): the 3 most confident, classes alternating.
    expect(gallery.patients.map((p) => p.id)).toEqual(['C', 'A', 'D']);
    expect(gallery.patients.every((p) => p.correct && p.highest.length === 2 && p.lowest.length === 2)).toBe(true);
    expect(gallery.measure).toBe('cell probability');
  });

  it('names a malformed candidate or option', async () => {
    await expect(cellGallery([{ id: 'P9', label: 2 as never, probability: 0.5, images: [] }])).rejects.toThrow(/cellGallery.*candidates\[0\]/);
    await expect(cellGallery([{ id: 'P9', label: 1, probability: 0.5, images: [{ source: 'x', weight: Number.NaN }] }])).rejects.toThrow(/cellGallery.*patient P9.*images\[0\]/);
    await expect(cellGallery([], { size: 8 })).rejects.toThrow(/cellGallery.*size/);
  });
});
