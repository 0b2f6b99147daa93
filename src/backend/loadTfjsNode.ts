import * as tf from '@tensorflow/tfjs';
import { BackendInitError, errorText } from './backendInitError.js';
import { importModule, isNodeRuntime } from './runtime.js';
import type { ModuleImporter } from './runtime.js';

/** The command that installs the optional native backend (CPU build). */
export const TFJS_NODE_INSTALL_COMMAND = 'npm install @tensorflow/tfjs-node';

/** The command that installs the optional native backend (CUDA build, Linux x64 with CUDA + cuDNN). */
export const TFJS_NODE_GPU_INSTALL_COMMAND = 'npm install @tensorflow/tfjs-node-gpu';

/** Which native package {@link loadTfjsNode} loads. */
export type TfjsNodePackage = 'auto' | 'gpu' | 'cpu';

/** Options of {@link loadTfjsNode}. */
export interface LoadTfjsNodeOptions {
  /**
   * `'gpu'`: `@tensorflow/tfjs-node-gpu` only; `'cpu'`: `@tensorflow/tfjs-node` only; `'auto'`: the GPU build when it
   * is installed, else the CPU build. Defaults to `'auto'`.
   */
  package?: TfjsNodePackage;
  /** Module loader (for tests). Defaults to a dynamic `import()`. */
  importer?: ModuleImporter;
}

/**
 * Load `@tensorflow/tfjs-node-gpu` or `@tensorflow/tfjs-node` (optional peer dependencies; their install downloads
 * libtensorflow), which registers tfjs's `'tensorflow'` backend.
 *
 * @param options - {@link LoadTfjsNodeOptions}.
 * @returns the package that was loaded.
 * @throws BackendInitError naming the install command when neither is installed, when not in Node, or when the
 *   package registered its backend with another copy of `@tensorflow/tfjs-core` (versions not aligned)
 * @example
 * const pkg = await loadTfjsNode(); // '@tensorflow/tfjs-node-gpu' or '@tensorflow/tfjs-node'
 */
export async function loadTfjsNode(options: LoadTfjsNodeOptions = {}): Promise<string> {
  const which = options.package ?? 'auto';
  if (which !== 'auto' && which !== 'gpu' && which !== 'cpu') {
    throw new BackendInitError('tensorflow', `tfjsNodePackage must be 'auto', 'gpu' or 'cpu', got ${JSON.stringify(which)}`);
  }
  if (!isNodeRuntime()) {
    throw new BackendInitError('tensorflow', 'the native libtensorflow backend only runs in Node');
  }
  const candidates =
    which === 'gpu'
      ? ['@tensorflow/tfjs-node-gpu']
      : which === 'cpu'
        ? ['@tensorflow/tfjs-node']
        : ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'];
  const importer = options.importer ?? importModule;
  const errors: string[] = [];
  for (const specifier of candidates) {
    try {
      await importer(specifier);
    } catch (e) {
      errors.push(`${specifier}: ${errorText(e).split('\n')[0] ?? ''}`);
      continue;
    }
    if (tf.findBackendFactory('tensorflow') === null || tf.findBackendFactory('tensorflow') === undefined) {
      throw new BackendInitError(
        'tensorflow',
        `${specifier} loaded but registered no 'tensorflow' backend with this copy of @tensorflow/tfjs ` +
          `(${tf.version.tfjs}); install a version matching @tensorflow/tfjs so that npm dedupes tfjs-core`,
      );
    }
    return specifier;
  }
  const install =
    which === 'cpu'
      ? `\`${TFJS_NODE_INSTALL_COMMAND}\``
      : which === 'gpu'
        ? `\`${TFJS_NODE_GPU_INSTALL_COMMAND}\``
        : `\`${TFJS_NODE_INSTALL_COMMAND}\` (or \`${TFJS_NODE_GPU_INSTALL_COMMAND}\` with CUDA)`;
  throw new BackendInitError(
    'tensorflow',
    `the optional native backend is not installed; run ${install} (${errors.join('; ')})`,
  );
}
