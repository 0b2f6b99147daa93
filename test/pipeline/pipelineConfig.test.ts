import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/core/index.js';
import { FEATURE_NAMES } from '../../src/features/index.js';
import { PIPELINE_PRESET_NAMES, resolvePipelineConfig } from '../../src/pipeline/index.js';

describe('resolvePipelineConfig', () => {
  it('resolves every preset to a configuration that survives JSON unchanged', () => {
    for (const name of PIPELINE_PRESET_NAMES) {
      const config = resolvePipelineConfig(name);
      expect(JSON.parse(JSON.stringify(config))).toEqual(config);
      expect(resolvePipelineConfig(JSON.parse(JSON.stringify(config)))).toEqual(config);
    }
  });
  it('fills in the default preset for the fields left out', () => {
    const config = resolvePipelineConfig({ threshold: 0.3 });
    expect(config.threshold).toBe(0.3);
    expect(config.model).toEqual(resolvePipelineConfig('default').model);
    expect(config.features).toEqual(resolvePipelineConfig('default').features);
    expect(config.features.names).toHaveLength(FEATURE_NAMES.length + 17); // the default: 51 handmade + 17 texture
    // Features given are what they say: texture off unless asked.
    expect(resolvePipelineConfig({ features: { decoder: 'sharp' } }).features).toEqual({
      handmade: true,
      texture: false,
      decoder: 'sharp',
      extractorModule: null,
      names: [...FEATURE_NAMES],
    });
    expect(config.backbone).toBeNull();
  });
  it('the default is the per-cell expert on 68 descriptors per cell (the accuracy study\'s choice)', () => {
    const config = resolvePipelineConfig('default');
    expect(config.model).toEqual({ kind: 'cell-scores', options: { learners: [{ kind: 'gbdt' }], pooling: 'mean' } });
    expect(config.features.texture).toBe(true);
  });
  it("the report's preset has a frozen backbone, both experts, the gate, mean aggregation and the multitask head", () => {
    const config = resolvePipelineConfig('challenge-report');
    expect(config.backbone).not.toBeNull();
    const mixture = (config.model.options as { mixture: Record<string, unknown> }).mixture;
    expect(mixture).toMatchObject({ experts: ['image', 'scalar'], combination: 'sigmoid', imageAggregator: 'mean', multitask: true });
  });
  it('names the field that is wrong', () => {
    expect(() => resolvePipelineConfig('nope' as 'default')).toThrow(ArgumentError);
    expect(() => resolvePipelineConfig({ threshold: 1 })).toThrow(/config\.threshold/);
    expect(() => resolvePipelineConfig({ features: { decoder: 'canvas' as 'auto' } })).toThrow(/config\.features\.decoder/);
    expect(() => resolvePipelineConfig({ model: { kind: 'x', options: { f: () => 1 } } })).toThrow(/config\.model\.options\.f/);
    expect(() => resolvePipelineConfig({ model: { kind: 'x', options: { a: [1, Number.NaN] } } })).toThrow(/config\.model\.options\.a\[1\]/);
  });
});

describe('LIBRARY_VERSION', () => {
  it('is the package version', async () => {
    const { readFile } = await import('node:fs/promises');
    const { LIBRARY_VERSION } = await import('../../src/version.js');
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(LIBRARY_VERSION).toBe(pkg.version);
  });
});
