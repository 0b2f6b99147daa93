/**
 * The messages between the page (main.ts) and its Web Worker (worker.ts). Everything here is structured-cloneable:
 * `File`s go in, pixels come back as transferable buffers.
 */
import type { BackendName, PatientPrediction } from 'lymphomix';

/** An image the page sends: a file the user chose, or a sample image's raw RGB pixels ([H, W, 3] uint8). */
export type DemoImage = File | { readonly name: string; readonly width: number; readonly height: number; readonly rgb: Uint8Array };

/** Page → worker. */
export type Request =
  /** `modelUrl`: the model folder's absolute URL (relative URLs would resolve against the worker's script). */
  | { readonly type: 'load'; readonly modelUrl: string; readonly backend: BackendName }
  | { readonly type: 'sample'; readonly seed: number }
  | { readonly type: 'predict'; readonly images: readonly DemoImage[]; readonly age: number; readonly lymphCount: number };

/** One image as the page shows it: its segmentation overlay (RGBA, for an `ImageData`) and what the model said. */
export interface ImageView {
  readonly name: string;
  readonly width: number;
  readonly height: number;
  /** [H, W, 4] RGBA of `drawOverlay`'s result (nucleus, hull, region of concavity), or the image itself without a nucleus. */
  readonly rgba: Uint8ClampedArray<ArrayBuffer>;
  /** Segmentation status (`'ok'`, `'no-nucleus'`, …) or `'error'`. */
  readonly status: string;
  /** The image's attention weight (or per-cell score), `null` when the model has none. */
  readonly attention: number | null;
  readonly error: string | null;
}

/** Worker → page. */
export type Reply =
  | { readonly type: 'loaded'; readonly backend: string; readonly reason: string; readonly kind: string; readonly threshold: number }
  | { readonly type: 'sample'; readonly images: readonly DemoImage[]; readonly age: number; readonly lymphCount: number; readonly label: 0 | 1 }
  | { readonly type: 'progress'; readonly stage: string; readonly done: number; readonly total: number }
  | { readonly type: 'result'; readonly prediction: PatientPrediction; readonly images: readonly ImageView[]; readonly backend: string; readonly seconds: number }
  | { readonly type: 'error'; readonly message: string };
