/**
 * The demo page: gathers the images (files, a dropped folder, or sample synthetic ones) and the patient's age and
 * lymphocyte count, hands them to the worker, and shows what comes back. Query parameters: `?model=<url of a model
 * folder saved by lymphomix train>` (defaults to `model/` beside the page) and `?backend=auto|webgpu|webgl|wasm|cpu`
 * (defaults to `auto`: WebGPU, then WebGL, then wasm).
 */
import type { BackendName } from 'lymphomix';
import type { DemoImage, ImageView, Reply, Request } from './protocol.js';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const params = new URLSearchParams(location.search);
const modelUrl = params.get('model') ?? 'model/';
const backendParam = params.get('backend') ?? 'auto';
/** The backends a browser has (the page itself imports no tfjs: the worker does). */
const BACKENDS: readonly BackendName[] = ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'];

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const send = (request: Request): void => worker.postMessage(request);

let images: DemoImage[] = [];
let ready = false;

function setImages(next: DemoImage[], how: string): void {
  // Image files only (a dropped folder may hold a CSV or .DS_Store): the library's SUPPORTED_IMAGE_EXTENSIONS.
  images = next.filter((image) => !(image instanceof File) || /\.(jpe?g|png|bmp|tiff?|gif)$/i.test(image.name));
  $('chosen').textContent = `${images.length} images (${how})`;
  $<HTMLButtonElement>('predict').disabled = !ready || images.length === 0;
}

function status(text: string, error = false): void {
  $('status').textContent = text;
  $('status').className = error ? 'error' : 'muted';
}

const fixed = (x: number | null, digits = 3): string => (x === null || Number.isNaN(x) ? '–' : x.toFixed(digits));

function showResult(reply: Extract<Reply, { type: 'result' }>): void {
  const p = reply.prediction;
  $('results').hidden = false;
  // data-value keeps every digit (the page's test compares it with Node's prediction).
  $('probability').textContent = fixed(p.probability);
  $('probability').dataset['value'] = String(p.probability);
  $('label').textContent = Number.isNaN(p.probability) ? '–' : p.label === 1 ? 'malignant' : 'reactive';
  $('gate').textContent = fixed(p.gate);
  $('gate').dataset['value'] = String(p.gate);
  $('experts').textContent = Object.entries(p.experts).map(([name, value]) => `${name} ${fixed(value, 2)}`).join(', ') || '–';
  $('count-head').textContent = fixed(p.lymphCount, 1);
  const gallery = $('gallery');
  gallery.replaceChildren(...reply.images.map(figureOf));
  status(`done in ${reply.seconds.toFixed(1)} s on ${reply.backend}`);
  document.body.dataset['state'] = 'done';
}

function figureOf(view: ImageView): HTMLElement {
  const figure = document.createElement('figure');
  figure.dataset['attention'] = String(view.attention);
  if (view.width > 0) {
    const canvas = document.createElement('canvas');
    canvas.width = view.width;
    canvas.height = view.height;
    canvas.getContext('2d')?.putImageData(new ImageData(view.rgba, view.width, view.height), 0, 0);
    figure.append(canvas);
  }
  const caption = document.createElement('figcaption');
  caption.textContent = `${view.name}: ${view.status}${view.attention === null ? '' : `, attention ${view.attention.toFixed(3)}`}`;
  if (view.error !== null) caption.title = view.error;
  const bar = document.createElement('div');
  bar.className = 'bar';
  bar.style.width = `${Math.round(100 * Math.min(1, view.attention ?? 0))}%`;
  figure.append(caption, bar);
  return figure;
}

worker.onmessage = (event: MessageEvent<Reply>): void => {
  const reply = event.data;
  switch (reply.type) {
    case 'loaded':
      ready = true;
      $('backend').textContent = reply.backend;
      $('backend').title = reply.reason;
      $('model').textContent = `${modelUrl} (${reply.kind}, threshold ${reply.threshold})`;
      document.body.dataset['backend'] = reply.backend;
      status('model loaded: choose images');
      setImages(images, images.length === 0 ? 'none' : 'kept');
      break;
    case 'sample':
      $<HTMLInputElement>('age').value = reply.age.toFixed(1);
      $<HTMLInputElement>('count').value = String(reply.lymphCount);
      setImages([...reply.images], `synthetic, a ${reply.label === 1 ? 'malignant' : 'reactive'} patient`);
      break;
    case 'progress':
      $<HTMLProgressElement>('progress').value = reply.total === 0 ? 1 : reply.done / reply.total;
      status(`${reply.stage}: ${reply.done} / ${reply.total}`);
      break;
    case 'result':
      $<HTMLProgressElement>('progress').value = 1;
      showResult(reply);
      break;
    case 'error':
      status(reply.message, true);
      document.body.dataset['state'] = 'error';
      break;
  }
};

$<HTMLInputElement>('files').onchange = (e) => setImages([...((e.target as HTMLInputElement).files ?? [])], 'chosen files');
const byPath = (a: File, b: File): number => (a.webkitRelativePath || a.name).localeCompare(b.webkitRelativePath || b.name);
$<HTMLInputElement>('folder').onchange = (e) => setImages([...((e.target as HTMLInputElement).files ?? [])].sort(byPath), 'a folder');
$('sample').onclick = () => send({ type: 'sample', seed: Math.floor(Math.random() * 1000) });
$('predict').onclick = () => {
  const age = Number($<HTMLInputElement>('age').value);
  const lymphCount = Number($<HTMLInputElement>('count').value);
  $<HTMLProgressElement>('progress').value = 0;
  document.body.dataset['state'] = 'running';
  send({ type: 'predict', images, age, lymphCount });
};

// A dropped folder: walk its entries (files at any depth).
const drop = $('drop');
drop.ondragover = (e) => {
  e.preventDefault();
  drop.classList.add('over');
};
drop.ondragleave = () => drop.classList.remove('over');
drop.ondrop = async (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  // The entries must be taken before the first await (the browser empties the drop's data afterwards).
  const roots = [...(e.dataTransfer?.items ?? [])].flatMap((item) => item.webkitGetAsEntry() ?? []);
  const files: { path: string; file: File }[] = [];
  const walk = async (entry: FileSystemEntry): Promise<void> => {
    if (entry.isFile) files.push({ path: entry.fullPath, file: await new Promise<File>((ok, fail) => (entry as FileSystemFileEntry).file(ok, fail)) });
    else {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      for (let batch: FileSystemEntry[]; (batch = await new Promise((ok, fail) => reader.readEntries(ok, fail))).length > 0; ) {
        for (const child of batch) await walk(child);
      }
    }
  };
  for (const root of roots) await walk(root);
  setImages(files.sort((a, b) => a.path.localeCompare(b.path)).map((f) => f.file), 'dropped');
};

if (!(BACKENDS as readonly string[]).includes(backendParam)) status(`unknown backend '${backendParam}' (auto, webgpu, webgl, wasm or cpu)`, true);
else send({ type: 'load', modelUrl: new URL(modelUrl, location.href).href, backend: backendParam as BackendName });
