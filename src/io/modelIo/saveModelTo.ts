import type * as tf from '@tensorflow/tfjs';
import { fileSystemIO } from './fileSystemIO.js';
import type { FileSystemIOOptions } from './fileSystemIO.js';

/**
 * Save a `LayersModel` or `GraphModel` into a folder of the Node file system (`model.json` + weight shards,
 * written atomically; see {@link fileSystemIO}). In browsers call `model.save('indexeddb://name')` instead.
 *
 * @param model - the model (not disposed)
 * @param path - the folder, or the path of its `model.json`
 * @param options - see {@link FileSystemIOOptions}
 * @returns tfjs's save result (sizes, date)
 * @throws {@link ModelIoError} naming the file when it cannot be written
 * @example
 * await saveModelTo(model, 'models/mil-head');
 * const again = await loadLayersModelFrom('models/mil-head');
 */
export async function saveModelTo(
  model: tf.LayersModel | tf.GraphModel,
  path: string,
  options: FileSystemIOOptions = {},
): Promise<tf.io.SaveResult> {
  return model.save(fileSystemIO(path, options));
}
