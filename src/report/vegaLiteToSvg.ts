import type { TopLevelSpec } from 'vega-lite';

/**
 * Renders a Vega-Lite specification to an SVG string (Node or browser, no DOM needed): compiled by `vega-lite`,
 * rendered headless by `vega`'s `View.toSVG()`. Both packages are loaded on first use (they are ES modules only).
 *
 * @param spec - A Vega-Lite specification with its data inline (`data: { values }`).
 * @returns The `<svg>…</svg>` markup.
 * @example
 * ```ts
 * const svg = await vegaLiteToSvg({ data: { values: [{ x: 1, y: 2 }] }, mark: 'point',
 *   encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } } });
 * ```
 */
export async function vegaLiteToSvg(spec: TopLevelSpec): Promise<string> {
  const [vl, vega] = await Promise.all([import('vega-lite'), import('vega')]);
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none', logLevel: vega.Error });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
