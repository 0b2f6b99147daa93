import { createMask, createRgbImage } from '../../io/image/rgbImage.js';
import type { Mask, RgbImage } from '../../io/image/rgbImage.js';
import type { SyntheticCellParams } from './sampleSyntheticCellParams.js';
import { checkInteger, checkNumber, checkOptions, checkThat, seededRandom } from '../../core/index.js';
import type { SeededRandom } from '../../core/index.js';

/** Options of {@link renderSyntheticCell}. */
export interface RenderSyntheticCellOptions {
  /** Width and height of the square crop, px (32–1024). Lengths in the params are scaled by size / 224. Defaults to 224. */
  size?: number;
  /** Multiplier of the number of red blood cells (0: none). ≥ 0. Defaults to 1 (≈ 15–24 per 224 px crop). */
  redCellDensity?: number;
  /** Probability that the crop holds 1–3 platelets (small purple dots away from the lymphocyte), in [0, 1]. Defaults to 0.25. */
  plateletProbability?: number;
  /** Standard deviation of the per-pixel sensor noise, in 8-bit levels (≥ 0). Defaults to 2.5. */
  pixelNoise?: number;
}

/** A rendered synthetic lymphocyte crop with its ground truth. */
export interface SyntheticCell {
  /** The crop, [size, size, 3] uint8, May-Grünwald-Giemsa colours. */
  readonly image: RgbImage;
  /** Ground-truth nucleus mask, [size, size] uint8 in {0, 1}: pixel centres inside the nucleus outline. */
  readonly nucleus: Mask;
  /** Ground-truth whole-lymphocyte mask (nucleus + cytoplasm), [size, size] uint8 in {0, 1}. */
  readonly cell: Mask;
  /** The morphology the crop was rendered from. */
  readonly params: SyntheticCellParams;
}

// Optical densities −ln(I / I_background) per RGB channel of the stained structures on the pale background,
// chosen by eye to match the colour ranges of MGG smears (background ≈ (252, 227, 202), red cells ≈ (197, 164, 171),
// lymphocyte nuclei ≈ (95, 55, 135) with darker chromatin clumps, pale grey-blue cytoplasm). Beer–Lambert: densities of overlapping layers add.
const BACKGROUND: readonly [number, number, number] = [252, 227, 202];
const OD_RED_CELL: readonly [number, number, number] = [0.25, 0.33, 0.17];
const OD_NUCLEUS: readonly [number, number, number] = [0.95, 1.45, 0.4];
const OD_CYTOPLASM: readonly [number, number, number] = [0.22, 0.17, -0.02];
const OD_PLATELET: readonly [number, number, number] = [0.7, 1.1, 0.3];

const ANGLES = 720;
const TWO_PI = 2 * Math.PI;

/** Tabulate a polar outline r(θ) at ANGLES angles. */
function tabulate(r: (theta: number) => number): Float64Array {
  const t = new Float64Array(ANGLES + 1);
  for (let i = 0; i <= ANGLES; i++) t[i] = r((i / ANGLES) * TWO_PI);
  return t;
}

/** Linear interpolation in a tabulated outline; theta in (−π, π]. */
function lookup(table: Float64Array, theta: number): number {
  const u = ((theta < 0 ? theta + TWO_PI : theta) / TWO_PI) * ANGLES;
  const i = Math.min(ANGLES - 1, Math.floor(u));
  const f = u - i;
  return table[i]! * (1 - f) + table[i + 1]! * f;
}

/** Smooth random outline: 1 + Σ_k a_k cos(kθ + φ_k), amplitudes split over harmonics k = kMin..kMax as 1/k. */
function harmonics(rng: SeededRandom, amplitude: number, kMin: number, kMax: number): (theta: number) => number {
  const ks: number[] = [];
  const amps: number[] = [];
  const phases: number[] = [];
  let total = 0;
  for (let k = kMin; k <= kMax; k++) {
    const a = rng.uniform(0.5, 1.5) / k;
    ks.push(k);
    amps.push(a);
    phases.push(rng.uniform(0, TWO_PI));
    total += a;
  }
  const scale = total > 0 ? amplitude / total : 0;
  return (theta) => {
    let s = 1;
    for (let j = 0; j < ks.length; j++) s += scale * amps[j]! * Math.cos(ks[j]! * theta + phases[j]!);
    return s;
  };
}

/**
 * Smooth value noise in [0, 1] on a lattice of the given spacing (bilinear, smoothstep-weighted), covering the
 * box [x0, x0 + width] × [y0, y0 + height] (clamped outside it).
 */
function valueNoise(
  rng: SeededRandom,
  x0: number,
  y0: number,
  width: number,
  height: number,
  spacing: number,
): (x: number, y: number) => number {
  const gw = Math.ceil(width / spacing) + 2;
  const gh = Math.ceil(height / spacing) + 2;
  const grid = new Float32Array(gw * gh);
  for (let i = 0; i < grid.length; i++) grid[i] = rng.next();
  return (x, y) => {
    const gx = Math.max(0, (x - x0) / spacing);
    const gy = Math.max(0, (y - y0) / spacing);
    const ix = Math.min(gw - 2, Math.floor(gx));
    const iy = Math.min(gh - 2, Math.floor(gy));
    let fx = gx - ix;
    let fy = gy - iy;
    fx = fx * fx * (3 - 2 * fx);
    fy = fy * fy * (3 - 2 * fy);
    const k = iy * gw + ix;
    const a = grid[k]! + (grid[k + 1]! - grid[k]!) * fx;
    const b = grid[k + gw]! + (grid[k + gw + 1]! - grid[k + gw]!) * fx;
    return a + (b - a) * fy;
  };
}

const clamp01 = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : v);

/**
 * Fill in and check the options of {@link renderSyntheticCell}.
 *
 * @param options - the options as given
 * @param fn - name of the public function the user called, for messages. Defaults to 'renderSyntheticCell'.
 * @param argument - how that function names these options, for messages. Defaults to `'options'`.
 * @returns every option resolved to its value
 * @throws {ArgumentError} naming `fn`, the option and the value when one is out of range
 */
export function resolveRenderSyntheticCellOptions(
  options: RenderSyntheticCellOptions = {},
  fn = 'renderSyntheticCell',
  argument = 'options',
): Required<RenderSyntheticCellOptions> {
  checkOptions(fn, options, argument);
  const size = options.size ?? 224;
  const redCellDensity = options.redCellDensity ?? 1;
  const plateletProbability = options.plateletProbability ?? 0.25;
  const pixelNoise = options.pixelNoise ?? 2.5;
  checkInteger(fn, `${argument}.size`, size, { min: 32, max: 1024 });
  checkNumber(fn, `${argument}.redCellDensity`, redCellDensity, { min: 0, max: 10 });
  checkNumber(fn, `${argument}.plateletProbability`, plateletProbability, { min: 0, max: 1 });
  checkNumber(fn, `${argument}.pixelNoise`, pixelNoise, { min: 0, max: 64 });
  return { size, redCellDensity, plateletProbability, pixelNoise };
}

/**
 * Render a synthetic May-Grünwald-Giemsa blood-smear crop centred on one lymphocyte, with its ground-truth masks.
 *
 * The scene is built as optical densities (Beer–Lambert, so overlaps darken naturally) on a pale pink-beige
 * background with vignetting, a slight illumination gradient and sensor noise: red blood cells (slightly oval
 * discs with a paler centre, overlapping each other and the frame), optional platelets, and a central lymphocyte
 * whose pale-blue cytoplasm surrounds a dark purple nucleus with a chromatin texture and a darker rim.
 * The nucleus outline is the polar curve r(θ) = R·(1 + e·cos 2(θ − φ) + Σ_k a_k cos(kθ + φ_k))·Π_clefts(1 − d·g(θ)),
 * with g a Gaussian notch; the mask holds the pixel centres inside it. Edges are anti-aliased over ≈ 1.5 px.
 *
 * Pure typed-array code, deterministic in `params.seed`; about 2–4 ms for a 224 px crop.
 *
 * @param params - the morphology, from `sampleSyntheticCellParams` (lengths in px of a 224 px crop)
 * @param options - crop size, red-cell density, platelets, noise; see {@link RenderSyntheticCellOptions}
 * @returns `{ image, nucleus, cell, params }`: image [size, size, 3] uint8; masks [size, size] uint8 in {0, 1}
 * @throws RangeError naming `renderSyntheticCell` and the value when an option or parameter is out of range
 * @example
 * const { image, nucleus } = renderSyntheticCell(sampleSyntheticCellParams(seededRandom(3), false));
 * image.shape; // [224, 224, 3]
 */
export function renderSyntheticCell(params: SyntheticCellParams, options: RenderSyntheticCellOptions = {}): SyntheticCell {
  const fn = 'renderSyntheticCell';
  const { size, redCellDensity: density, plateletProbability: pPlatelet, pixelNoise: sigma } = resolveRenderSyntheticCellOptions(options, fn);
  checkThat(params !== null && typeof params === 'object', fn, 'params', 'SyntheticCellParams', params);
  checkNumber(fn, 'params.nucleusRadius', params.nucleusRadius, { min: 4, max: 80 });
  checkNumber(fn, 'params.ncRatio', params.ncRatio, { min: 0.1, max: 1 });
  checkNumber(fn, 'params.elongation', params.elongation, { min: 0, max: 0.5 });
  checkNumber(fn, 'params.irregularity', params.irregularity, { min: 0, max: 0.5 });
  checkNumber(fn, 'params.chromatinContrast', params.chromatinContrast, { min: 0, max: 1 });
  checkNumber(fn, 'params.chromatinScale', params.chromatinScale, { min: 1, max: 40 });
  checkNumber(fn, 'params.stain', params.stain, { min: 0.2, max: 3 });
  checkInteger(fn, 'params.seed', params.seed, { min: 0, max: 4294967295 });

  const rng = seededRandom(params.seed);
  const s = size / 224;
  const n = size * size;
  const od = new Float32Array(n * 3);

  // --- Lymphocyte geometry -------------------------------------------------------------------------------
  const R = params.nucleusRadius * s;
  const e = params.elongation;
  const phi2 = rng.uniform(0, Math.PI);
  const bumps = harmonics(rng, params.irregularity, 3, 8);
  const clefts = params.clefts;
  const nucleusTable = tabulate((theta) => {
    let r = R * (bumps(theta) + e * Math.cos(2 * (theta - phi2)));
    for (const c of clefts) {
      let d = theta - c.angle;
      d -= TWO_PI * Math.round(d / TWO_PI);
      r *= 1 - c.depth * Math.exp(-(d * d) / (2 * c.width * c.width));
    }
    return Math.max(r, 1);
  });
  let nucleusMax = 0;
  for (const r of nucleusTable) nucleusMax = Math.max(nucleusMax, r);
  const Rc = R / Math.sqrt(params.ncRatio);
  // The nucleus sits off-centre in its cytoplasm (eccentric, as in real lymphocytes); the nucleus is kept near
  // the crop centre, as the crops of the challenge are centred on the lymphocyte.
  const ncx = size / 2 + rng.uniform(-6, 6) * s;
  const ncy = size / 2 + rng.uniform(-6, 6) * s;
  const slack = Math.max(0, Rc - R * (1 + e));
  const offAngle = rng.uniform(0, TWO_PI);
  const off = rng.uniform(0, 0.7) * slack;
  const ccx = ncx - off * Math.cos(offAngle);
  const ccy = ncy - off * Math.sin(offAngle);
  const cytoShape = harmonics(rng, 0.07, 2, 6);
  const cytoTable = tabulate((theta) => Rc * cytoShape(theta));
  let cytoMax = 0;
  for (const r of cytoTable) cytoMax = Math.max(cytoMax, r);
  const cellReach = Math.max(cytoMax + off, nucleusMax + 2 * s);

  // --- Background illumination --------------------------------------------------------------------------
  const bg = BACKGROUND.map((v) => v + rng.normal(0, 2.5));
  const vignette = rng.uniform(0.02, 0.08);
  const gradient = rng.uniform(-0.03, 0.03);
  const gradAngle = rng.uniform(0, TWO_PI);
  const gdx = Math.cos(gradAngle) / size;
  const gdy = Math.sin(gradAngle) / size;
  const stainJitter = [rng.normal(1, 0.04), rng.normal(1, 0.04), rng.normal(1, 0.04)];

  // --- Red blood cells ------------------------------------------------------------------------------------
  const reds: { x: number; y: number; r: number }[] = [];
  const redCount = Math.round(rng.uniform(15, 24) * density);
  for (let attempt = 0; attempt < redCount * 30 && reds.length < redCount; attempt++) {
    const r = rng.normal(22, 1.6) * s;
    const x = rng.uniform(-0.6 * r, size + 0.6 * r);
    const y = rng.uniform(-0.6 * r, size + 0.6 * r);
    // Red cells may tuck under the lymphocyte's edge but not cover it, and overlap each other by ≤ ~30 %.
    const dc = Math.sqrt((x - ccx) ** 2 + (y - ccy) ** 2);
    if (dc < cytoMax + 0.55 * r || Math.sqrt((x - ncx) ** 2 + (y - ncy) ** 2) < nucleusMax + 0.9 * r) continue;
    if (reds.some((o) => Math.sqrt((o.x - x) ** 2 + (o.y - y) ** 2) < 0.7 * (o.r + r))) continue;
    reds.push({ x, y, r });
  }
  for (const red of reds) {
    const aspect = rng.uniform(0.86, 1);
    const rot = rng.uniform(0, Math.PI);
    const cr = Math.cos(rot);
    const sr = Math.sin(rot);
    const k = rng.normal(1, 0.08);
    const pallor = rng.uniform(0.35, 0.6);
    const x0 = Math.max(0, Math.floor(red.x - red.r - 2));
    const x1 = Math.min(size - 1, Math.ceil(red.x + red.r + 2));
    const y0 = Math.max(0, Math.floor(red.y - red.r - 2));
    const y1 = Math.min(size - 1, Math.ceil(red.y + red.r + 2));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const dx = x + 0.5 - red.x;
        const dy = y + 0.5 - red.y;
        const u = dx * cr + dy * sr;
        const v = (-dx * sr + dy * cr) / aspect;
        const rho = Math.sqrt(u * u + v * v);
        const cov = clamp01((red.r - rho) / 1.5 + 0.5);
        if (cov <= 0) continue;
        const t = clamp01((rho / red.r - 0.2) / 0.65);
        // Central pallor: density rises from `pallor` at the centre to ~1.3 at the rim (smoothstep).
        const profile = pallor + (1.3 - pallor) * t * t * (3 - 2 * t);
        const w = k * profile * cov;
        const i = (y * size + x) * 3;
        od[i] = od[i]! + OD_RED_CELL[0] * w;
        od[i + 1] = od[i + 1]! + OD_RED_CELL[1] * w;
        od[i + 2] = od[i + 2]! + OD_RED_CELL[2] * w;
      }
    }
  }

  // --- Platelets ------------------------------------------------------------------------------------------
  if (rng.bernoulli(pPlatelet)) {
    const count = rng.int(1, 4);
    for (let p = 0; p < count; p++) {
      const r = rng.uniform(2, 4) * s;
      let px = -1;
      let py = -1;
      for (let a = 0; a < 20; a++) {
        const x = rng.uniform(r, size - r);
        const y = rng.uniform(r, size - r);
        if (Math.sqrt((x - ccx) ** 2 + (y - ccy) ** 2) > cellReach + 10 * s) {
          px = x;
          py = y;
          break;
        }
      }
      if (px < 0) continue;
      const k = rng.uniform(0.6, 1);
      for (let y = Math.max(0, Math.floor(py - r - 2)); y <= Math.min(size - 1, Math.ceil(py + r + 2)); y++) {
        for (let x = Math.max(0, Math.floor(px - r - 2)); x <= Math.min(size - 1, Math.ceil(px + r + 2)); x++) {
          const cov = clamp01((r - Math.sqrt((x + 0.5 - px) ** 2 + (y + 0.5 - py) ** 2)) / 1.5 + 0.5);
          if (cov <= 0) continue;
          const i = (y * size + x) * 3;
          for (let c = 0; c < 3; c++) od[i + c] = od[i + c]! + OD_PLATELET[c]! * k * cov;
        }
      }
    }
  }

  // --- Lymphocyte: cytoplasm, then nucleus ----------------------------------------------------------------
  const nucleus = createMask(size, size);
  const cell = createMask(size, size);
  const bx0 = Math.max(0, Math.floor(Math.min(ncx, ccx) - cellReach - 2));
  const bx1 = Math.min(size - 1, Math.ceil(Math.max(ncx, ccx) + cellReach + 2));
  const by0 = Math.max(0, Math.floor(Math.min(ncy, ccy) - cellReach - 2));
  const by1 = Math.min(size - 1, Math.ceil(Math.max(ncy, ccy) + cellReach + 2));
  const bw = bx1 - bx0 + 1;
  const bh = by1 - by0 + 1;
  const texture = valueNoise(rng, bx0, by0, bw, bh, params.chromatinScale * s);
  const fine = valueNoise(rng, bx0, by0, bw, bh, Math.max(1.2, 0.45 * params.chromatinScale * s));
  const cytoTexture = valueNoise(rng, bx0, by0, bw, bh, 6 * s);
  const cyto = OD_CYTOPLASM.map((v, c) => v * rng.normal(1, 0.08) * stainJitter[c]!);
  const nuc = OD_NUCLEUS.map((v, c) => v * params.stain * stainJitter[c]!);
  const contrast = params.chromatinContrast;
  const ramp = 1.5 * Math.max(1, s);
  for (let y = by0; y <= by1; y++) {
    for (let x = bx0; x <= bx1; x++) {
      const px = x + 0.5;
      const py = y + 0.5;
      const ndx = px - ncx;
      const ndy = py - ncy;
      const rhoN = Math.sqrt(ndx * ndx + ndy * ndy);
      const edgeN = lookup(nucleusTable, Math.atan2(ndy, ndx)) - rhoN; // > 0 inside the nucleus
      const cdx = px - ccx;
      const cdy = py - ccy;
      const rhoC = Math.sqrt(cdx * cdx + cdy * cdy);
      const radC = lookup(cytoTable, Math.atan2(cdy, cdx));
      const edgeC = Math.max(radC - rhoC, edgeN + 2 * s);
      const covC = clamp01(edgeC / ramp + 0.5);
      if (covC <= 0) continue;
      const covN = clamp01(edgeN / ramp + 0.5);
      const idx = y * size + x;
      if (edgeN >= 0) nucleus.data[idx] = 1;
      if (edgeC >= 0) cell.data[idx] = 1;
      // Cytoplasm: slightly denser towards the membrane, with a faint mottling.
      const uC = clamp01(rhoC / Math.max(radC, 1));
      const cytoDensity = (0.8 + 0.35 * uC * uC) * (0.9 + 0.2 * cytoTexture(px, py));
      // Nucleus: chromatin clumps (two octaves of value noise) and a darker nuclear membrane.
      let nucDensity = 0;
      if (covN > 0) {
        const t = 0.65 * texture(px, py) + 0.35 * fine(px, py);
        const rim = edgeN < 2.5 * s ? 1.2 : 1;
        nucDensity = rim * (1 + contrast * 1.3 * (t - 0.5));
      }
      const i = idx * 3;
      for (let c = 0; c < 3; c++) {
        const layer = cyto[c]! * cytoDensity * (1 - covN) + nuc[c]! * nucDensity * covN;
        // The lymphocyte lies on top: red cells beneath it are mostly hidden.
        od[i + c] = od[i + c]! * (1 - 0.9 * covC) + layer * covC;
      }
    }
  }

  // --- Compose: background × illumination × exp(−density) + noise ----------------------------------------
  const data = new Uint8Array(n * 3);
  const half = size / 2;
  // Sensor noise: two raw 32-bit draws per pixel from a stream seeded by the crop's stream.
  const draw = seededRandom(rng.nextUint32()).nextUint32;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const dx = (x + 0.5 - half) / half;
      const dy = (y + 0.5 - half) / half;
      const illum = (1 - vignette * 0.5 * (dx * dx + dy * dy)) * (1 + gradient * ((x - half) * gdx + (y - half) * gdy) * 2);
      const i = (y * size + x) * 3;
      const a = draw();
      const b = draw();
      // Luminance noise: the sum of two 16-bit uniforms (triangular, unit variance after scaling by √6);
      // chroma noise: three 10-bit uniforms at a third of the amplitude.
      const z = sigma * ((a & 0xffff) / 65536 + (a >>> 16) / 65536 - 1) * 2.449;
      const v0 = bg[0]! * illum * Math.exp(-od[i]!) + z + sigma * 0.6 * ((b & 1023) / 1024 - 0.5);
      const v1 = bg[1]! * illum * Math.exp(-od[i + 1]!) + z + sigma * 0.6 * (((b >>> 10) & 1023) / 1024 - 0.5);
      const v2 = bg[2]! * illum * Math.exp(-od[i + 2]!) + z + sigma * 0.6 * (((b >>> 20) & 1023) / 1024 - 0.5);
      data[i] = v0 <= 0 ? 0 : v0 >= 255 ? 255 : Math.round(v0);
      data[i + 1] = v1 <= 0 ? 0 : v1 >= 255 ? 255 : Math.round(v1);
      data[i + 2] = v2 <= 0 ? 0 : v2 >= 255 ? 255 : Math.round(v2);
    }
  }
  return { image: createRgbImage(size, size, data), nucleus, cell, params };
}
