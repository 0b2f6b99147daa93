import { describe, expect, it } from 'vitest';
import { htmlReport, type CvReportData } from '../../src/report/index.js';
import * as lymphomix from '../../src/index.js';
import { cvReportFixture } from './helpers/cvReportFixture.js';

/** The `data-plot` names of the page's figures, each holding an inline <svg>. */
function plots(html: string): string[] {
  return [...html.matchAll(/<figure data-plot="([a-z]+)"><h3>[^<]*<\/h3><svg [^>]*class="marks"/g)].map((m) => m[1]!);
}

describe('htmlReport', () => {
  it('draws every plot as inline SVG, with metrics, configuration and hardware, and no script or remote resource', async () => {
    const html = await htmlReport(cvReportFixture());
    expect(plots(html)).toEqual(['roc', 'confusion', 'gate', 'count', 'experts']);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(\s*['"]?http/i);
    // 2 repeats × 5 folds + pooled, each named with its AUC in the ROC legend.
    expect(html.match(/repeat \d fold \d \(AUC \d\.\d{3}\)/g)?.length).toBeGreaterThanOrEqual(10);
    expect(html).toMatch(/pooled \(AUC \d\.\d{3}\)/);
    expect(html).toContain('summed over 2 repeats');
    expect(html).toMatch(/<td>0\.850 ± 0\.020<\/td>/); // mean AUC ± sd over repeats
    expect(html).toMatch(/<td>0\.820<\/td><td>0\.780 ± 0\.030<\/td>/); // sd null: no ±
    expect(html).toContain('Test CPU (2 logical cores)');
    expect(html).toContain('&#34;kind&#34;: &#34;mixture-of-experts&#34;');
    expect(html).toContain('cohort &#60;&#38;&#62;'); // escaped
    expect(html).toMatch(/loss curves: the estimator recorded none/);
    expect(html).toMatch(/gallery of segmented cells .*: the model weighs no images/);
  });

  it('draws each fold’s loss curves (first repeat) and the gallery of cells as inline PNGs', async () => {
    const html = await htmlReport(cvReportFixture({ history: true, gallery: true }));
    expect(plots(html)).toEqual(['roc', 'confusion', 'gate', 'count', 'experts', 'loss']);
    const loss = /<figure data-plot="loss">(.*?)<\/figure>/s.exec(html)![1]!;
    expect(loss).toContain('per epoch, each fold of repeat 0');
    for (let f = 0; f < 5; f++) expect(loss).toContain(`>fold ${f}</text>`);
    // 5 panels × 2 members × (train + validation) lines
    expect(loss.match(/<path [^>]*aria-roledescription="line mark"/g)).toHaveLength(20);
    const gallery = /<figure data-plot="gallery">(.*?)<\/figure>/s.exec(html)![1]!;
    expect(gallery.match(/<img src="data:image\/png;base64,/g)).toHaveLength(7);
    expect(gallery).toContain('title="P1/&#60;0&#62;.jpg"'); // escaped
    expect(gallery).toMatch(/P0 · reactive · p = 0\.700 · <span class="wrong">wrong<\/span>/);
    expect(html).not.toMatch(/<script|<link|<iframe|@import|src="(?!data:image\/png;base64,)/i);
    expect(html).not.toMatch(/not shown[^]*loss curves/i);
  });

  it('refuses a gallery image that is not an inline PNG and a malformed loss curve, naming the field', async () => {
    const data = cvReportFixture({ history: true, gallery: true });
    const g = data.gallery!;
    const remote = { ...g, patients: [{ ...g.patients[0]!, lowest: [{ source: 'x', weight: 0, png: 'https://example.org/x.png' }] }] };
    await expect(htmlReport({ ...data, gallery: remote })).rejects.toThrow(/htmlReport.*data\.gallery\.patients\[0\]\.lowest\[0\]\.png/);
    const markup = { ...g, patients: [{ ...g.patients[0]!, images: '<b>3</b>' as never }] };
    await expect(htmlReport({ ...data, gallery: markup })).rejects.toThrow(/htmlReport.*data\.gallery\.patients\[0\]/);
    const perFold = data.perFold.map((f, i) => (i === 2 ? { ...f, history: [{ ...f.history![0]!, validation: [1] }] } : f));
    await expect(htmlReport({ ...data, perFold })).rejects.toThrow(/htmlReport.*data\.perFold\[2\]\.history\[0\]/);
  });

  it('counts the confusion matrix at the configuration threshold, over every repeat', async () => {
    const data = cvReportFixture({ repeats: 1 });
    const all = await htmlReport({ ...data, config: { threshold: 0.005 } });
    const none = await htmlReport({ ...data, config: { threshold: 0.995 } });
    // 26 malignant and 14 reactive patients (probabilities in [0.01, 0.99]), all predicted malignant or all reactive.
    const texts = (html: string): string[] => {
      const svg = /<figure data-plot="confusion">(.*?)<\/figure>/s.exec(html)![1]!;
      return [...svg.matchAll(/<text[^>]*>(\d+)<\/text>/g)].map((m) => m[1]!);
    };
    // Cells in the order tp, fn, fp, tn.
    expect(texts(all)).toEqual(['26', '0', '14', '0']);
    expect(texts(none)).toEqual(['0', '26', '0', '14']);
    expect(all).toContain('threshold 0.005');
    const two = await htmlReport({ ...cvReportFixture({ repeats: 2 }), config: { threshold: 0.005 } });
    expect(texts(two)).toEqual(['52', '0', '28', '0']);
  });

  it('says what the model or the summary lacks instead of drawing it', async () => {
    const bare = await htmlReport(cvReportFixture({ gate: false, experts: false, count: false, repeats: 1 }));
    expect(plots(bare)).toEqual(['roc', 'confusion']);
    expect(bare).toMatch(/the model has no gate/);
    expect(bare).toMatch(/the model has no multitask head/);
    expect(bare).toMatch(/the model has no experts/);
    const { outOfFold: _oof, hardware: _hw, config: _config, ...old } = cvReportFixture();
    const metricsOnly = await htmlReport(old as CvReportData);
    expect(plots(metricsOnly)).toEqual([]);
    expect(metricsOnly).toMatch(/holds no out-of-fold predictions/);
    expect(metricsOnly).toMatch(/<section id="hardware"><h2>Hardware<\/h2><p class="na">Not recorded/);
  });

  it('skips the ROC curve of a fold with one class, and says so', async () => {
    const data = cvReportFixture({ repeats: 1 });
    const oof = data.outOfFold!;
    // Patients 0, 3, 6, … are reactive; put every patient of fold 4 among the malignant.
    const fold = oof.repeats[0]!.fold.map((f, i) => (oof.labels[i] === 1 && f === 4 ? 4 : f === 4 ? 3 : f));
    const html = await htmlReport({ ...data, outOfFold: { ...oof, repeats: [{ ...oof.repeats[0]!, fold }] } });
    expect(html).toMatch(/1 fold\(s\) with one class have no curve/);
    expect(html).not.toMatch(/fold 4 \(AUC/);
    expect(html).toMatch(/fold 3 \(AUC/);
  });

  it('refuses out-of-fold arrays of the wrong length or labels other than 0/1, naming the field', async () => {
    const data = cvReportFixture({ repeats: 1 });
    const oof = data.outOfFold!;
    await expect(htmlReport({ ...data, outOfFold: { ...oof, labels: oof.labels.slice(1) } })).rejects.toThrow(/htmlReport.*data\.outOfFold\.labels.*40 values/);
    await expect(htmlReport({ ...data, outOfFold: { ...oof, labels: [2 as 0, ...oof.labels.slice(1)] } })).rejects.toThrow(/htmlReport.*labels\[0\] \(patient P0\)/);
    const r = oof.repeats[0]!;
    await expect(htmlReport({ ...data, outOfFold: { ...oof, repeats: [{ ...r, gate: [0.5] }] } })).rejects.toThrow(/htmlReport.*repeats\[0\]\.gate/);
    await expect(htmlReport({ ...data, outOfFold: { ...oof, repeats: [{ ...r, experts: { image: [] } }] } })).rejects.toThrow(/repeats\[0\]\.experts\.image/);
  });

  it('is exported from the package root', () => {
    expect(lymphomix.htmlReport).toBe(htmlReport);
  });
});
