/**
 * The demo's Web Worker: everything heavy runs here, so the page stays responsive. It sets up tfjs (WebGPU, then
 * WebGL, then wasm), loads the model folder by URL, decodes the images (the browser's codecs), segments them for the
 * overlays, and predicts the patient with the same `LymphocytosisPipeline` the CLI saved.
 */
import {
  createRgbImage,
  decodeImage,
  drawOverlay,
  initBackend,
  LymphocytosisPipeline,
  segmentNucleus,
  synthesizeCohort,
  type BackendName,
  type ProgressEvent,
  type RgbImage,
} from 'lymphomix';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import type { DemoImage, ImageView, Reply, Request } from './protocol.js';

/** What this worker can receive and send (a dedicated worker's scope, typed with the DOM lib the project uses). */
const scope = self as unknown as { onmessage: ((e: MessageEvent<Request>) => void) | null; postMessage(reply: Reply, transfer?: Transferable[]): void };

let pipeline: LymphocytosisPipeline | null = null;
let backend = 'none';

function post(reply: Reply, transfer: Transferable[] = []): void {
  scope.postMessage(reply, transfer);
}

function onProgress(event: ProgressEvent): void {
  post({ type: 'progress', stage: event.stage, done: event.done, total: event.total });
}

async function load(modelUrl: string, name: BackendName): Promise<void> {
  // The wasm binaries as Vite emits them (hashed URLs); used only if wasm is the backend that runs.
  const selection = await initBackend(name, {
    wasmPaths: { 'tfjs-backend-wasm.wasm': wasmPlain, 'tfjs-backend-wasm-simd.wasm': wasmSimd, 'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded },
  });
  backend = selection.backend;
  pipeline?.dispose();
  pipeline = await LymphocytosisPipeline.load(modelUrl);
  post({ type: 'loaded', backend, reason: selection.reason, kind: pipeline.config.model.kind, threshold: pipeline.config.threshold });
}

/** A synthetic patient (the library's renderer, seeded): its images as raw pixels, its age and count. */
function sample(seed: number): void {
  const patients = synthesizeCohort({ seed, patientCount: 2, malignantFraction: 0.5, imagesPerPatient: { min: 6, max: 8 } });
  const patient = patients[seed % 2]!;
  const images = [...patient.images()].map((cell, i) => {
    const [height, width] = cell.image.shape as [number, number, number];
    return { name: `synthetic ${patient.id} cell ${i + 1}`, width, height, rgb: cell.image.data };
  });
  post({ type: 'sample', images, age: patient.age, lymphCount: patient.lymphCount, label: patient.label }, images.map((image) => image.rgb.buffer));
}

async function decode(image: DemoImage): Promise<RgbImage> {
  return image instanceof Blob ? decodeImage(image) : createRgbImage(image.width, image.height, image.rgb);
}

/** The overlay (or the image itself when nothing was segmented) as RGBA for an `ImageData`. */
function overlayRgba(image: RgbImage): Uint8ClampedArray<ArrayBuffer> {
  const segmentation = segmentNucleus(image);
  const shown = segmentation.status === 'ok' ? drawOverlay(image, segmentation) : image;
  const [height, width] = shown.shape as [number, number, number];
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let p = 0, q = 0; p < width * height; p++, q += 3) {
    rgba.set(shown.data.subarray(q, q + 3), p * 4);
    rgba[p * 4 + 3] = 255;
  }
  return rgba;
}

async function predict(images: readonly DemoImage[], age: number, lymphCount: number): Promise<void> {
  if (pipeline === null) throw new Error('no model loaded');
  const started = performance.now();
  const decoded: (RgbImage | null)[] = [];
  const errors: (string | null)[] = [];
  const views: ImageView[] = [];
  for (const [i, image] of images.entries()) {
    const name = image.name;
    try {
      const rgb = await decode(image);
      decoded.push(rgb);
      errors.push(null);
      views.push({ name, width: rgb.shape[1]!, height: rgb.shape[0]!, rgba: overlayRgba(rgb), status: 'ok', attention: null, error: null });
    } catch (error) {
      decoded.push(null);
      errors.push(error instanceof Error ? error.message : String(error));
      views.push({ name, width: 0, height: 0, rgba: new Uint8ClampedArray(0), status: 'error', attention: null, error: errors[i]! });
    }
    post({ type: 'progress', stage: 'decoding and segmenting', done: i + 1, total: images.length });
  }
  const usable = decoded.flatMap((image) => (image === null ? [] : [image]));
  if (usable.length === 0) throw new Error(`none of the ${images.length} files could be decoded as an image: ${errors[0] ?? ''}`);
  const [prediction] = await pipeline.predict([{ id: 'patient', images: usable, age, lymphCount }], { onProgress });
  // The pipeline's per-image verdicts, back in the order of the files (undecodable files were left out).
  let k = 0;
  const merged = views.map((view) => {
    if (view.status === 'error') return view;
    const image = prediction!.images[k++]!;
    return { ...view, status: image.status, attention: image.attention, error: image.error };
  });
  const seconds = (performance.now() - started) / 1000;
  post({ type: 'result', prediction: prediction!, images: merged, backend, seconds }, merged.map((view) => view.rgba.buffer));
}

scope.onmessage = (event: MessageEvent<Request>): void => {
  const request = event.data;
  const run = async (): Promise<void> => {
    if (request.type === 'load') await load(request.modelUrl, request.backend);
    else if (request.type === 'sample') sample(request.seed);
    else await predict(request.images, request.age, request.lymphCount);
  };
  run().catch((error: unknown) => post({ type: 'error', message: error instanceof Error ? error.message : String(error) }));
};
