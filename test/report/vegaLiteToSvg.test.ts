import { describe, expect, it } from 'vitest';
import { vegaLiteToSvg } from '../../src/report/index.js';

describe('vegaLiteToSvg', () => {
  it('renders a Vega-Lite specification to an SVG string with its marks and axis titles', async () => {
    const svg = await vegaLiteToSvg({
      width: 200,
      height: 100,
      data: { values: [{ x: 1, y: 2 }, { x: 2, y: 5 }, { x: 3, y: 3 }] },
      mark: 'point',
      encoding: { x: { field: 'x', type: 'quantitative', title: 'the x axis' }, y: { field: 'y', type: 'quantitative' } },
    });
    expect(svg).toMatch(/^<svg [^>]*class="marks"[^>]*width="\d+"/);
    expect(svg.endsWith('</svg>')).toBe(true);
    expect(svg).toContain('the x axis');
    expect(svg.match(/role-mark.*?symbol/g)?.length ?? 0).toBeGreaterThan(0);
    expect(svg.match(/<path[^>]*transform="translate\(/g)!.length).toBeGreaterThanOrEqual(3);
  });

  it('rejects (does not render) a specification vega-lite cannot compile', async () => {
    await expect(vegaLiteToSvg({ mark: 'no-such-mark' } as never)).rejects.toThrow();
  });
});
