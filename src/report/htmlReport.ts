import type { TopLevelSpec } from 'vega-lite';
import { ArgumentError } from '../core/index.js';
import { confusionMatrix, rocAuc, rocCurve } from '../training/index.js';
import type { CvGallery } from './cellGallery.js';
import type { CvOutOfFold, CvReportData } from './cvReportData.js';
import { vegaLiteToSvg } from './vegaLiteToSvg.js';

/** Options of {@link htmlReport}. */
export interface HtmlReportOptions {
  /** The page's title. Defaults to `'lymphomix cross-validation report'`. */
  readonly title?: string;
}

/** The plots a report can hold, as the `data-plot` attribute of their `<figure>`. */
export type HtmlReportPlot = 'roc' | 'confusion' | 'gate' | 'count' | 'experts' | 'loss' | 'gallery';

const CLASS = ['reactive', 'malignant'] as const;
/** The same colour for a class in every plot: reactive blue, malignant red. */
const COLORS = { domain: [...CLASS], range: ['#4c78a8', '#e45756'] };
const TABLEAU10 = ['#4c78a8', '#f58518', '#e45756', '#72b7b2', '#54a24b', '#eeca3b', '#b279a2', '#ff9da6', '#9d755d', '#bab0ac'];
const METRICS = ['balancedAccuracy', 'auc', 'sensitivity', 'specificity'] as const;

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function fmt(v: number | null | undefined, digits = 3): string {
  return typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : '–';
}

/** A small deterministic jitter in [-0.5, 0.5) from an index (no randomness in the page). */
function jitter(i: number): number {
  return ((i * 0.6180339887498949) % 1) - 0.5;
}

/** Fails, naming the field, unless every per-patient array of the out-of-fold part has one entry per patient. */
function checkOutOfFold(oof: CvOutOfFold): void {
  const FN = 'htmlReport';
  if (!Array.isArray(oof.patients)) throw new ArgumentError(FN, 'data.outOfFold.patients', 'an array of patient ids', oof.patients);
  const n = oof.patients.length;
  const check = (name: string, values: unknown, nullable: boolean): void => {
    if (nullable && values === null) return;
    if (!Array.isArray(values) || values.length !== n) throw new ArgumentError(FN, `data.outOfFold.${name}`, `an array of ${n} values, one per patient`, values);
  };
  check('labels', oof.labels, false);
  oof.labels.forEach((l, i) => {
    if (l !== 0 && l !== 1) throw new ArgumentError(FN, `data.outOfFold.labels[${i}] (patient ${oof.patients[i]})`, '0 or 1', l);
  });
  check('lymphCount', oof.lymphCount, false);
  if (!Array.isArray(oof.repeats)) throw new ArgumentError(FN, 'data.outOfFold.repeats', 'an array', oof.repeats);
  oof.repeats.forEach((r, k) => {
    check(`repeats[${k}].fold`, r.fold, false);
    check(`repeats[${k}].probability`, r.probability, false);
    check(`repeats[${k}].gate`, r.gate ?? null, true);
    check(`repeats[${k}].lymphCount`, r.lymphCount ?? null, true);
    for (const [name, values] of Object.entries(r.experts ?? {})) check(`repeats[${k}].experts.${name}`, values, false);
  });
}

/** Fails, naming the field, unless every fold's loss curves are `{ name, unit, loss, train[], validation[] | null }`. */
function checkHistories(data: CvReportData): void {
  data.perFold.forEach((f, i) => {
    if (f.history === undefined) return;
    const at = `data.perFold[${i}].history`;
    if (!Array.isArray(f.history)) throw new ArgumentError('htmlReport', at, 'an array of loss curves', f.history);
    f.history.forEach((c, k) => {
      const ok =
        typeof c?.name === 'string' &&
        typeof c.unit === 'string' &&
        typeof c.loss === 'string' &&
        Array.isArray(c.train) &&
        (c.validation === null || (Array.isArray(c.validation) && c.validation.length === c.train.length));
      if (!ok) throw new ArgumentError('htmlReport', `${at}[${k}]`, '{ name, unit, loss, train: number[], validation: number[] of the same length | null }', c);
    });
  });
}

const PNG_URI = /^data:image\/png;base64,[A-Za-z0-9+/]+={0,2}$/;

/** Fails, naming the field, unless the gallery is well formed and every image an inline PNG (the page loads nothing). */
function checkGallery(gallery: CvGallery): void {
  const FN = 'htmlReport';
  if (typeof gallery !== 'object' || gallery === null || !Array.isArray(gallery.patients)) throw new ArgumentError(FN, 'data.gallery', '{ measure, threshold, size, patients[] }', gallery);
  gallery.patients.forEach((p, i) => {
    const at = `data.gallery.patients[${i}]`;
    const ok =
      typeof p?.id === 'string' &&
      (p.label === 0 || p.label === 1) &&
      typeof p.probability === 'number' &&
      typeof p.correct === 'boolean' &&
      Number.isInteger(p.images) &&
      Array.isArray(p.highest) &&
      Array.isArray(p.lowest);
    if (!ok) {
      throw new ArgumentError(FN, at, '{ id, label 0 or 1, probability, correct, images (an integer), highest[], lowest[] }', p);
    }
    for (const side of ['highest', 'lowest'] as const) {
      p[side].forEach((c, k) => {
        if (typeof c?.png !== 'string' || !PNG_URI.test(c.png)) throw new ArgumentError(FN, `${at}.${side}[${k}].png`, 'a data:image/png;base64 URI', c?.png);
        if (typeof c.weight !== 'number' || typeof c.source !== 'string') throw new ArgumentError(FN, `${at}.${side}[${k}]`, '{ source, weight, png }', c);
      });
    }
  });
}

/**
 * Loss per step of each fold of the first repeat, one small panel per fold: a colour per fitted model (curve name),
 * solid for training and dashed for validation.
 */
function lossSpec(data: CvReportData): { spec: TopLevelSpec; repeat: number; units: string[]; losses: string[] } | null {
  const withHistory = data.perFold.filter((f) => f.history !== undefined && f.history.length > 0);
  if (withHistory.length === 0) return null;
  const repeat = Math.min(...withHistory.map((f) => f.repeat));
  const values: { fold: number; curve: string; split: string; step: number; loss: number }[] = [];
  const units = new Set<string>();
  const losses = new Set<string>();
  let longest = 0;
  for (const f of withHistory.filter((g) => g.repeat === repeat)) {
    for (const c of f.history!) {
      units.add(c.unit);
      losses.add(c.loss);
      longest = Math.max(longest, c.train.length);
      for (const [split, series] of [['train', c.train], ['validation', c.validation]] as const) {
        series?.forEach((loss, s) => {
          if (typeof loss === 'number' && Number.isFinite(loss)) values.push({ fold: f.fold, curve: c.name, split, step: s + 1, loss });
        });
      }
    }
  }
  if (values.length === 0) return null;
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values },
    facet: { field: 'fold', type: 'ordinal', header: { title: null, labelExpr: "'fold ' + datum.value", labelFontSize: 12 } },
    columns: 3,
    spec: {
      width: 230,
      height: 150,
      mark: { type: 'line', point: longest <= 12, strokeWidth: 1.6 },
      encoding: {
        x: { field: 'step', type: 'quantitative', title: [...units].join(' / '), scale: { domainMin: 1 } },
        y: { field: 'loss', type: 'quantitative', title: 'loss', scale: { zero: false } },
        // Legends below the panels, wide enough for a learner's full name (two fits of one learner differ at the end).
        color: { field: 'curve', type: 'nominal', title: 'fit', scale: { range: TABLEAU10 }, legend: { orient: 'bottom', direction: 'vertical', labelLimit: 600 } },
        strokeDash: {
          field: 'split',
          type: 'nominal',
          title: null,
          sort: ['train', 'validation'],
          scale: { domain: ['train', 'validation'], range: [[1, 0], [5, 3]] },
          legend: { orient: 'bottom', direction: 'vertical' },
        },
      },
    },
  } as TopLevelSpec;
  return { spec, repeat, units: [...units], losses: [...losses] };
}

function galleryHtml(gallery: CvGallery): string {
  const cell = (c: CvGallery['patients'][number]['highest'][number]): string =>
    `<div class="cell"><img src="${c.png}" alt="${escapeHtml(c.source)}" title="${escapeHtml(c.source)}"><span>${fmt(c.weight)}</span></div>`;
  const rows = gallery.patients.map((p) => {
    const verdict = p.correct ? '<span class="ok">correct</span>' : '<span class="wrong">wrong</span>';
    const who = `${escapeHtml(p.id)} · ${CLASS[p.label]} · p = ${fmt(p.probability)} · ${verdict} · ${p.images} image(s)`;
    return (
      `<div class="patient" data-correct="${p.correct}"><p class="who">${who}</p>` +
      `<div class="cells"><span class="side">highest</span>${p.highest.map(cell).join('')}</div>` +
      `<div class="cells"><span class="side">lowest</span>${p.lowest.map(cell).join('')}</div></div>`
    );
  });
  return `<div class="gallery">${rows.join('\n')}</div>`;
}

/** Pooled (repeat, patient) pairs with a probability. */
function pooled(oof: CvOutOfFold): { labels: number[]; scores: number[]; repeat: number[]; patient: number[] } {
  const out = { labels: [] as number[], scores: [] as number[], repeat: [] as number[], patient: [] as number[] };
  for (const r of oof.repeats) {
    r.probability.forEach((p, i) => {
      if (p === null) return;
      out.labels.push(oof.labels[i]!);
      out.scores.push(p);
      out.repeat.push(r.repeat);
      out.patient.push(i);
    });
  }
  return out;
}

function bothClasses(labels: readonly number[]): boolean {
  return labels.includes(0) && labels.includes(1);
}

function rocSpec(oof: CvOutOfFold): { spec: TopLevelSpec; skipped: number } | null {
  const rows: { curve: string; order: number; fpr: number; tpr: number }[] = [];
  const names: string[] = [];
  let skipped = 0;
  const add = (curve: string, labels: number[], scores: number[]): void => {
    const c = rocCurve(labels, scores);
    const name = `${curve} (AUC ${rocAuc(labels, scores).toFixed(3)})`;
    names.push(name);
    c.fpr.forEach((fpr, order) => rows.push({ curve: name, order, fpr, tpr: c.tpr[order]! }));
  };
  for (const r of oof.repeats) {
    const folds = [...new Set(r.fold)].filter((f) => f >= 0).sort((a, b) => a - b);
    for (const f of folds) {
      const idx = r.fold.flatMap((g, i) => (g === f && r.probability[i] !== null ? [i] : []));
      const labels = idx.map((i) => oof.labels[i]!);
      if (!bothClasses(labels)) {
        skipped++;
        continue;
      }
      add(oof.repeats.length > 1 ? `repeat ${r.repeat} fold ${f}` : `fold ${f}`, labels, idx.map((i) => r.probability[i]!));
    }
  }
  const all = pooled(oof);
  if (!bothClasses(all.labels)) return null;
  add('pooled', all.labels, all.scores);
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 360,
    height: 360,
    layer: [
      {
        data: { values: [{ x: 0, y: 0 }, { x: 1, y: 1 }] },
        mark: { type: 'line', strokeDash: [4, 4], color: '#999' },
        encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
      },
      {
        data: { values: rows },
        mark: { type: 'line', interpolate: 'linear' },
        encoding: {
          x: { field: 'fpr', type: 'quantitative', title: 'false-positive rate (1 − specificity)', scale: { domain: [0, 1] } },
          y: { field: 'tpr', type: 'quantitative', title: 'true-positive rate (sensitivity)', scale: { domain: [0, 1] } },
          order: { field: 'order', type: 'quantitative' },
          // The folds in order, in Tableau colours; the pooled curve last, in black.
          color: {
            field: 'curve',
            type: 'nominal',
            title: 'curve',
            scale: { domain: names, range: [...names.slice(1).map((_, i) => TABLEAU10[i % TABLEAU10.length]!), '#222'] },
          },
          strokeWidth: { condition: { test: "indexof(datum.curve, 'pooled') === 0", value: 3.5 }, value: 1.3 },
        },
      },
    ],
  };
  return { spec, skipped };
}

function confusionSpec(oof: CvOutOfFold, threshold: number): TopLevelSpec | null {
  const all = pooled(oof);
  if (all.labels.length === 0) return null;
  const m = confusionMatrix(all.labels, all.scores, { threshold });
  const values = [
    { truth: 'malignant', predicted: 'malignant', count: m.tp },
    { truth: 'malignant', predicted: 'reactive', count: m.fn },
    { truth: 'reactive', predicted: 'malignant', count: m.fp },
    { truth: 'reactive', predicted: 'reactive', count: m.tn },
  ];
  const order = ['malignant', 'reactive'];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 240,
    height: 240,
    data: { values },
    encoding: {
      x: { field: 'predicted', type: 'nominal', sort: order, title: 'predicted', axis: { labelAngle: 0 } },
      y: { field: 'truth', type: 'nominal', sort: order, title: 'true' },
    },
    layer: [
      // From zero, so that the shade is proportional to the count (and the text readable on it).
      { mark: 'rect', encoding: { color: { field: 'count', type: 'quantitative', scale: { scheme: 'blues', domain: [0, Math.max(1, m.tp, m.fn, m.fp, m.tn)] }, legend: null } } },
      {
        mark: { type: 'text', fontSize: 20 },
        encoding: {
          text: { field: 'count', type: 'quantitative' },
          color: { condition: { test: `datum.count > ${Math.max(m.tp, m.fn, m.fp, m.tn) / 2}`, value: 'white' }, value: 'black' },
        },
      },
    ],
  };
}

function gateSpec(oof: CvOutOfFold): TopLevelSpec | null {
  const values: { pi: number; class: string; jitter: number }[] = [];
  for (const r of oof.repeats) {
    r.gate?.forEach((pi, i) => {
      if (pi !== null) values.push({ pi, class: CLASS[oof.labels[i]!]!, jitter: jitter(values.length) });
    });
  }
  if (values.length === 0) return null;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 420,
    height: { step: 70 },
    data: { values },
    encoding: { y: { field: 'class', type: 'nominal', title: null, sort: [...CLASS] } },
    layer: [
      {
        mark: { type: 'boxplot', extent: 'min-max', opacity: 0.35, size: 40 },
        encoding: { x: { field: 'pi', type: 'quantitative', title: 'π', scale: { domain: [0, 1] } }, color: { field: 'class', type: 'nominal', scale: COLORS, legend: null } },
      },
      {
        mark: { type: 'point', filled: true, size: 22, opacity: 0.7 },
        encoding: {
          x: { field: 'pi', type: 'quantitative' },
          yOffset: { field: 'jitter', type: 'quantitative', scale: { domain: [-1, 1] } },
          color: { field: 'class', type: 'nominal', scale: COLORS, legend: null },
        },
      },
    ],
  };
}

function countSpec(oof: CvOutOfFold): TopLevelSpec | null {
  const values: { truth: number; predicted: number; class: string }[] = [];
  for (const r of oof.repeats) {
    r.lymphCount?.forEach((predicted, i) => {
      const truth = oof.lymphCount[i];
      if (predicted !== null && truth !== null && truth !== undefined && predicted > 0 && truth > 0) {
        values.push({ truth, predicted, class: CLASS[oof.labels[i]!]! });
      }
    });
  }
  if (values.length === 0) return null;
  const lo = Math.min(...values.map((v) => Math.min(v.truth, v.predicted)));
  const hi = Math.max(...values.map((v) => Math.max(v.truth, v.predicted)));
  const axis = (title: string): Record<string, unknown> => ({ type: 'quantitative', title, scale: { type: 'log', domain: [lo, hi], nice: true } });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 360,
    height: 360,
    layer: [
      {
        data: { values: [{ truth: lo, predicted: lo }, { truth: hi, predicted: hi }] },
        mark: { type: 'line', strokeDash: [4, 4], color: '#999' },
        encoding: { x: { field: 'truth', ...axis('true count') }, y: { field: 'predicted', ...axis('predicted count') } },
      },
      {
        data: { values },
        mark: { type: 'point', filled: true, size: 30, opacity: 0.7 },
        encoding: {
          x: { field: 'truth', ...axis('true count') },
          y: { field: 'predicted', ...axis('predicted count') },
          color: { field: 'class', type: 'nominal', scale: COLORS, title: 'class' },
        },
      },
    ],
  } as TopLevelSpec;
}

function expertsSpec(oof: CvOutOfFold): TopLevelSpec | null {
  const values: { expert: string; probability: number; class: string }[] = [];
  for (const r of oof.repeats) {
    for (const [expert, probs] of Object.entries(r.experts ?? {})) {
      probs.forEach((probability, i) => {
        if (probability !== null) values.push({ expert, probability, class: CLASS[oof.labels[i]!]! });
      });
    }
  }
  if (values.length === 0) return null;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 420,
    height: { step: 60 },
    data: { values },
    mark: { type: 'tick', thickness: 2, opacity: 0.6 },
    encoding: {
      x: { field: 'probability', type: 'quantitative', title: 'probability of malignant', scale: { domain: [0, 1] } },
      y: { field: 'expert', type: 'nominal', title: 'expert' },
      yOffset: { field: 'class', type: 'nominal', sort: [...CLASS] },
      color: { field: 'class', type: 'nominal', scale: COLORS, title: 'class', sort: [...CLASS] },
    },
  };
}

function metricsTable(data: CvReportData): string {
  const sd = data.repeats > 1 ? data.sdOverRepeats : data.sdOverFolds;
  const head = `<tr>${['repeat', 'fold', 'patients', ...METRICS].map((h) => `<th>${h}</th>`).join('')}</tr>`;
  const rows = data.perFold
    .map((f) => `<tr><td>${f.repeat}</td><td>${f.fold}</td><td>${f.test}</td>${METRICS.map((m) => `<td>${fmt(f[m])}</td>`).join('')}</tr>`)
    .join('\n');
  const mean = `<tr class="mean"><td colspan="3">mean ± sd over ${data.repeats > 1 ? 'repeats' : 'folds'}</td>${METRICS.map(
    (m) => `<td>${fmt(data.mean[m])}${typeof sd?.[m] === 'number' ? ` ± ${fmt(sd[m])}` : ''}</td>`,
  ).join('')}</tr>`;
  return `<table class="metrics">\n${head}\n${rows}\n${mean}\n</table>`;
}

function keyValueTable(entries: [string, string][]): string {
  return `<table class="kv">${entries.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>`;
}

// The titles are HTML, not Vega's: without a canvas, Vega over-estimates text widths and would pad the SVG.
function figure(plot: HtmlReportPlot, title: string, svg: string, caption: string): string {
  return `<figure data-plot="${plot}"><h3>${escapeHtml(title)}</h3>${svg}<figcaption>${escapeHtml(caption)}</figcaption></figure>`;
}

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; color: #222; padding: 0 1rem; }
h1 { font-size: 1.5rem; } h3 { font-size: 0.95rem; margin: 0 0 0.3rem; max-width: 480px; } h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: 0.5rem 0; } th, td { padding: 0.2rem 0.7rem; border-bottom: 1px solid #eee; text-align: right; }
table.kv th { text-align: left; } table.kv td { text-align: left; }
tr.mean td { font-weight: 600; border-top: 2px solid #999; }
.plots { display: flex; flex-wrap: wrap; gap: 1.5rem; } figure { margin: 0; } figcaption { color: #666; font-size: 12px; max-width: 480px; }
pre { background: #f6f6f6; padding: 0.6rem; overflow: auto; font-size: 12px; max-height: 24rem; }
.na { color: #777; }
.gallery { display: flex; flex-wrap: wrap; gap: 1rem 2rem; } .patient { border: 1px solid #e4e4e4; border-radius: 4px; padding: 0.4rem 0.6rem; }
.who { margin: 0 0 0.3rem; font-size: 13px; } .ok { color: #2a7a2a; font-weight: 600; } .wrong { color: #c0392b; font-weight: 600; }
.cells { display: flex; align-items: flex-end; gap: 4px; margin-bottom: 4px; } .side { width: 4.2rem; font-size: 12px; color: #666; align-self: center; }
.cell { display: flex; flex-direction: column; align-items: center; font-size: 11px; color: #444; } .cell img { image-rendering: auto; border: 1px solid #ccc; }
`;

/**
 * The cross-validation report as one self-contained HTML page (no script, no network): per-fold and mean metrics
 * with the configuration and the hardware; ROC curves per fold and pooled; the out-of-fold confusion matrix at the
 * configuration's threshold; and, when the model has them, the distribution of the gate's π per class, the
 * multitask head's predicted vs true lymphocyte count and each expert's probability; the training and validation
 * loss curves of each fold (first repeat) when the estimator recorded them; and a gallery of segmented cells with the
 * highest and lowest attention (or per-cell probability) of a few correctly and wrongly classified patients, as
 * inline PNG data URIs. The plots are Vega-Lite specifications rendered to inline SVG by `vega` (see
 * {@link vegaLiteToSvg}); each sits in a `<figure data-plot="roc|confusion|gate|count|experts|loss|gallery">`. What
 * the data lacks is said, never drawn.
 *
 * @param data - A `cv-summary.json` as `lymphomix cv` writes it (see {@link CvReportData}).
 * @param options - See {@link HtmlReportOptions}.
 * @returns The HTML document.
 * @throws {ArgumentError} naming `htmlReport` and the field when a per-patient array of `data.outOfFold` has the wrong
 *   length or a label is not 0 or 1, a fold's loss curve is malformed, or a gallery image is not an inline PNG.
 * @example
 * ```ts
 * const html = await htmlReport(JSON.parse(await readFile('lymphomix-cv/cv-summary.json', 'utf8')));
 * await writeFile('lymphomix-cv/report.html', html);
 * ```
 */
export async function htmlReport(data: CvReportData, options: HtmlReportOptions = {}): Promise<string> {
  const title = options.title ?? 'lymphomix cross-validation report';
  const threshold = typeof data.config?.threshold === 'number' ? data.config.threshold : 0.5;
  const oof = data.outOfFold;
  if (oof !== undefined) checkOutOfFold(oof);
  checkHistories(data);
  if (data.gallery !== undefined) checkGallery(data.gallery);
  const figures: string[] = [];
  const missing: string[] = [];
  if (oof === undefined) {
    missing.push('ROC curves and the confusion matrix: this summary holds no out-of-fold predictions');
  } else {
    const roc = rocSpec(oof);
    if (roc === null) missing.push('ROC curves: the out-of-fold predictions do not hold both classes');
    else {
      const note = roc.skipped > 0 ? ` ${roc.skipped} fold(s) with one class have no curve.` : '';
      figures.push(figure('roc', 'ROC curves: each fold, and pooled out-of-fold', await vegaLiteToSvg(roc.spec), `Thin lines: each held-out fold; thick line: every out-of-fold prediction pooled.${note}`));
    }
    const confusion = confusionSpec(oof, threshold);
    const summed = oof.repeats.length > 1 ? ` (summed over ${oof.repeats.length} repeats)` : '';
    if (confusion !== null) figures.push(figure('confusion', `Confusion matrix, out-of-fold, threshold ${threshold}${summed}`, await vegaLiteToSvg(confusion), `Malignant when the probability ≥ ${threshold} (the configuration's threshold).`));
    const plots: [HtmlReportPlot, string, TopLevelSpec | null, string, string][] = [
      ['gate', "The gate's π (weight of the image expert) per class", gateSpec(oof), 'Each point is a patient; the box spans min, quartiles and max.', "the gate's π: the model has no gate"],
      ['count', 'Lymphocyte count (10⁹/L): multitask head vs true', countSpec(oof), 'Log scales; the dashed line is predicted = true.', 'predicted vs true lymphocyte count: the model has no multitask head (or no true counts)'],
      ['experts', "Each expert's probability of malignancy alone, per class", expertsSpec(oof), 'Each tick is a patient.', 'per-expert probabilities: the model has no experts'],
    ];
    for (const [plot, heading, spec, caption, absent] of plots) {
      if (spec === null) missing.push(absent);
      else figures.push(figure(plot, heading, await vegaLiteToSvg(spec), caption));
    }
  }
  let training = '';
  const loss = lossSpec(data);
  if (loss === null) missing.push('training and validation loss curves: the estimator recorded none (or this summary predates them)');
  else {
    const repeatNote = data.repeats > 1 ? ` of repeat ${loss.repeat}` : '';
    training = figure(
      'loss',
      `Training (solid) and validation (dashed) loss per ${loss.units.join(' / ')}, each fold${repeatNote}`,
      await vegaLiteToSvg(loss.spec),
      `Loss: ${loss.losses.join('; ')}. A fold without a dashed line had no validation data.`,
    );
  }
  let gallery = '';
  const g = data.gallery;
  if (g === undefined || g.patients.length === 0) {
    missing.push('gallery of segmented cells with the highest and lowest attention: the model weighs no images (no attention), or this summary holds none');
  } else {
    const what = g.measure === 'attention' ? 'attention weight' : "per-cell expert's probability";
    gallery =
      `<figure data-plot="gallery"><h3>${escapeHtml(`Segmented cells with the highest and lowest ${what}, out-of-fold (repeat ${g.repeat})`)}</h3>${galleryHtml(g)}` +
      `<figcaption>${escapeHtml(`Correct: the probability ≥ ${g.threshold} agrees with the label. Each cell: its ${what} under it; nucleus blue, convex hull yellow, cytoplasm (hull minus nucleus) green; at most ${g.size} px.`)}</figcaption></figure>`;
  }
  const run: [string, string][] = [
    ['estimator', data.estimator],
    ['patients', String(data.patients)],
    ['folds × repeats', `${data.folds} × ${data.repeats}`],
  ];
  if (data.seed !== undefined) run.push(['seed', String(data.seed)]);
  if (data.seconds !== undefined) run.push(['wall-clock', `${data.seconds.toFixed(1)} s`]);
  if (data.data !== undefined) run.push(['data', data.data]);
  run.push(['threshold', String(threshold)]);
  const hw = data.hardware;
  const hardware =
    hw === undefined
      ? '<p class="na">Not recorded in this summary.</p>'
      : keyValueTable([
          ['CPU', `${hw.cpu} (${hw.cores} logical cores)`],
          ['memory', `${hw.memoryGiB.toFixed(1)} GiB`],
          ['system', `${hw.platform} ${hw.arch}`],
          ['Node.js', hw.node],
          ...(hw.backend === undefined ? [] : ([['tfjs backend', hw.backend]] as [string, string][])),
        ]);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<section id="run"><h2>Run</h2>${keyValueTable(run)}</section>
<section id="metrics"><h2>Metrics per fold</h2>${metricsTable(data)}</section>
<section id="plots"><h2>Out-of-fold predictions</h2><p>Each patient's prediction by the model of the fold that held it out.</p><div class="plots">
${figures.join('\n')}
</div></section>
${training === '' ? '' : `<section id="training"><h2>Training</h2><div class="plots">${training}</div></section>\n`}${gallery === '' ? '' : `<section id="gallery"><h2>Cells the model weighed</h2>${gallery}</section>\n`}${missing.length === 0 ? '' : `<section id="missing"><h2>Not shown</h2><ul class="na">${missing.map((m) => `<li>${escapeHtml(m)}</li>`).join('')}</ul></section>`}
<section id="config"><h2>Configuration</h2>${data.config === undefined ? '<p class="na">Not recorded in this summary.</p>' : `<pre>${escapeHtml(JSON.stringify(data.config, null, 2))}</pre>`}</section>
<section id="hardware"><h2>Hardware</h2>${hardware}</section>
</body>
</html>
`;
}
