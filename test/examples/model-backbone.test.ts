import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main, parseModelBackboneArgs } from '../../examples/model-backbone.js';
import { encodePng } from '../../src/io/image/encodePng.js';
import { saveModelTo } from '../../src/io/modelIo/saveModelTo.js';
import { createRgbImage } from '../../src/io/image/rgbImage.js';
import { embedImages } from '../../src/models/backbones/embedImages.js';
import { loadModelBackbone } from '../../src/models/backbones/loadModelBackbone.js';
import { tinyCnn } from '../models/backbones/tinyImageModels.js';

let root = '';

beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'lymphomix-model-backbone-example-'));
  const model = tinyCnn(16);
  await saveModelTo(model, join(root, 'cnn'));
  model.dispose();
  await mkdir(join(root, 'images', 'p1'), { recursive: true });
  for (const [i, name] of ['a.png', 'p1/b.png'].entries()) {
    const pixels = Uint8Array.from({ length: 16 * 16 * 3 }, (_, k) => (k * (i + 3)) % 256);
    await writeFile(join(root, 'images', name), await encodePng(createRgbImage(16, 16, pixels)));
  }
  await writeFile(join(root, 'images', 'broken.png'), 'not an image');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('examples/model-backbone', () => {
  it('writes one CSV row per image with the embeddings of embedImages; bad images get their error', async () => {
    const out = join(root, 'z.csv');
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const code = await main([join(root, 'cnn'), 'layers', join(root, 'images'), out, '--mean', '0,0,0', '--std', '1,1,1']);
    log.mockRestore();
    err.mockRestore();
    expect(code).toBe(0);
    const lines = (await readFile(out, 'utf8')).trim().split('\n');
    expect(lines[0]).toBe('image,error,z0,z1,z2,z3');
    expect(lines.map((l) => l.split(',')[0])).toEqual(['image', 'a.png', 'broken.png', 'p1/b.png']);
    expect(lines[2]).toMatch(/^broken\.png,"?cannot decode [^\n]*,,,,$/); // the message may hold a comma (then quoted)
    const backbone = await loadModelBackbone(join(root, 'cnn'), 'layers', { mean: [0, 0, 0], std: [1, 1, 1] });
    const { results } = await embedImages(backbone, [join(root, 'images', 'a.png'), join(root, 'images', 'p1', 'b.png')]);
    backbone.dispose();
    expect(lines[1]!.split(',').slice(2).map(Number)).toEqual(Array.from(results[0]!.embedding));
    expect(lines[3]!.split(',').slice(2).map(Number)).toEqual(Array.from(results[1]!.embedding));
  });

  it('parses the options and refuses a bad command line with exit code 2', async () => {
    expect(parseModelBackboneArgs(['m', 'graph', 'i', 'o.csv', '--input-size', '96', '--output-node', 'pool', '--workers', '2'])).toEqual({
      spec: { model: { url: 'm', kind: 'graph' }, options: { inputSize: 96, outputNode: 'pool' } },
      imagesDir: 'i',
      out: 'o.csv',
      cacheDir: null,
      workers: 2,
    });
    expect(() => parseModelBackboneArgs(['m', 'onnx', 'i', 'o'])).toThrow(/the kind must be layers or graph, got onnx/);
    expect(() => parseModelBackboneArgs(['m', 'layers', 'i', 'o', '--mean', '1,2'])).toThrow(/--mean needs 3 comma-separated numbers/);
    expect(() => parseModelBackboneArgs(['m', 'layers', 'i', 'o', '--nope', '1'])).toThrow(/unknown option --nope/);
    expect(() => parseModelBackboneArgs(['m', 'layers', 'i', 'o', '--input-size', 'x'])).toThrow(/^--input-size needs an integer ≥ 1, got "x"\nusage:/);
    expect(() => parseModelBackboneArgs(['m', 'layers', 'i', 'o', '--input-size', '0'])).toThrow(/--input-size needs an integer ≥ 1, got "0"/);
    expect(() => parseModelBackboneArgs(['m', 'layers', 'i', 'o', '--workers', 'x'])).toThrow(/^--workers needs an integer ≥ 0, got "x"\nusage:/);
    expect(() => parseModelBackboneArgs(['m', 'layers', 'i', 'o', '--workers', '1.5'])).toThrow(/--workers needs an integer ≥ 0, got "1\.5"/);
    expect(() => parseModelBackboneArgs(['m', 'layers', 'i', 'o', '--workers', '-1'])).toThrow(/--workers needs an integer ≥ 0, got "-1"/);
    expect(() => parseModelBackboneArgs(['m', 'layers', 'i', 'o', '--std', '0,1,1'])).toThrow(/^model-backbone: spec\.options\.std must be 3 finite positive numbers.*\nusage:/s);
    expect(() => parseModelBackboneArgs(['m', 'layers', 'i', 'o', '--output-node', 'y'])).toThrow(/spec\.options\.outputNode must be absent for a layers model \(it is for graph models/);
    const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(await main(['m', 'layers'])).toBe(2);
    for (const bad of [['--input-size', 'x'], ['--workers', 'x'], ['--std', '0,1,1']]) {
      expect(await main(['m', 'layers', 'i', 'o.csv', ...bad])).toBe(2);
    }
    expect(err.mock.calls.at(-1)?.[0]).toMatch(/std must be 3 finite positive numbers/);
    err.mockRestore();
  });
});
