import { checkArray } from '../core/index.js';
import { checkFiniteBags } from './checkFiniteBags.js';
import { folderPath } from './localFolder.js';
import type { MixtureOfExperts, MixturePrediction, PredictOptions } from './mixtureOfExperts.js';
import type { PatientBag } from './patientBag.js';

/** Format tag of a saved ensemble's manifest (`ensemble.json`). */
export const MIXTURE_ENSEMBLE_FORMAT = 'lymphomix-mixture-ensemble';
/** Version of the ensemble manifest; loading accepts versions up to this one. */
export const MIXTURE_ENSEMBLE_FORMAT_VERSION = 1;
/** Name of the manifest file in a saved ensemble's folder. */
export const MIXTURE_ENSEMBLE_MANIFEST = 'ensemble.json';

/**
 * Host-side predictions of a {@link MixtureEnsemble}, one entry per patient: the members' outputs averaged where an
 * average is meaningful (probabilities, π, expert probabilities, counts, attention weights, which sum to 1 per
 * patient for each member and so for their mean), and every member's own prediction.
 */
export interface EnsemblePrediction {
  /** [B] mean of the members' probabilities. */
  readonly probability: Float32Array;
  /** [B] mean of the members' gate weights π, `null` when the members have no gate. */
  readonly gate: Float32Array | null;
  /** [B] mean probability of each expert alone, `null` for an expert the members lack. */
  readonly experts: { readonly image: Float32Array | null; readonly scalar: Float32Array | null };
  /** [B] mean predicted lymphocyte count (10⁹/L), `null` without the multitask head. */
  readonly lymphCount: Float32Array | null;
  /** Per patient, the mean attention weights over its images, `null` without an attention aggregator. */
  readonly attention: { readonly image: Float32Array[] | null; readonly handmade: Float32Array[] | null };
  /** Each member's full prediction (its logits included), in member order. */
  readonly members: MixturePrediction[];
}

/** The mean of per-member arrays, or `null` when any member lacks them. */
function meanOf(values: readonly (Float32Array | null)[]): Float32Array | null {
  if (values.some((v) => v === null)) return null;
  const arrays = values as Float32Array[];
  const out = new Float32Array((arrays[0] as Float32Array).length);
  for (const a of arrays) for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) + (a[i] as number) / arrays.length;
  return out;
}

/** Per patient, the mean of the members' attention vectors, or `null` when any member has none. */
function meanAttention(values: readonly (Float32Array[] | null)[]): Float32Array[] | null {
  if (values.some((v) => v === null)) return null;
  const perMember = values as Float32Array[][];
  return (perMember[0] as Float32Array[]).map((_, patient) => meanOf(perMember.map((m) => m[patient] as Float32Array)) as Float32Array);
}

/**
 * An ensemble of trained models (the models of a fit with several initialisations, or the fold models of a
 * cross-validation) that averages their outputs. Owns its members: `dispose()` frees them all. Saves to a folder
 * ({@link MixtureEnsemble.save}) that `loadMixtureEnsemble` reads back.
 *
 * @example
 * ```ts
 * const cv = await crossValidate(mixtureOfExpertsEstimator(config), bags, { keepModels: true });
 * const all = new MixtureEnsemble(cv.models!.flat()); // every fold model of every repeat
 * const { probability, gate } = await all.predict(newBags);
 * await all.save('models/ensemble');
 * all.dispose();
 * ```
 */
export class MixtureEnsemble {
  /** The member models (owned). */
  readonly members: readonly MixtureOfExperts[];

  /**
   * @param members - At least one model or ensemble (an ensemble's members are taken over), all taking the same inputs.
   * @throws {ArgumentError} If `members` is empty.
   */
  constructor(members: readonly (MixtureOfExperts | MixtureEnsemble)[]) {
    checkArray('MixtureEnsemble', 'members', members, { minLength: 1 });
    this.members = members.flatMap((m) => (m instanceof MixtureEnsemble ? m.members : [m]));
  }

  /**
   * Predicts with every member and averages.
   * @param bags - At least one patient.
   * @param options - Passed to each member's `predict`.
   * @returns See {@link EnsemblePrediction}.
   */
  async predict(bags: readonly PatientBag[], options: PredictOptions = {}): Promise<EnsemblePrediction> {
    checkArray('MixtureEnsemble.predict', 'bags', bags, { minLength: 1 });
    const reads = this.members.map((m) => m.readsInputs());
    checkFiniteBags('MixtureEnsemble.predict', bags, { images: reads.some((r) => r.images), handmade: reads.some((r) => r.handmade) });
    const members: MixturePrediction[] = [];
    for (const m of this.members) members.push(await m.predict(bags, options));
    return {
      probability: meanOf(members.map((r) => r.probability)) as Float32Array,
      gate: meanOf(members.map((r) => r.gate)),
      experts: { image: meanOf(members.map((r) => r.experts.image)), scalar: meanOf(members.map((r) => r.experts.scalar)) },
      lymphCount: meanOf(members.map((r) => r.lymphCount)),
      attention: {
        image: meanAttention(members.map((r) => r.attention.image)),
        handmade: meanAttention(members.map((r) => r.attention.handmade)),
      },
      members,
    };
  }

  /**
   * Saves the ensemble into a folder of the Node file system: one subfolder per member (`member-0`, … each a
   * `MixtureOfExperts.save` checkpoint) and, written last and atomically, the manifest `ensemble.json`
   * (`{ format, formatVersion, members: ['member-0', …] }`), so that an interrupted save is never read as complete.
   *
   * @param folder - A folder path or `file:` URL (created if needed).
   * @throws {ArgumentError} For another kind of destination; the file system's error when a file cannot be written.
   */
  async save(folder: string | URL): Promise<void> {
    const root = await folderPath(folder, 'MixtureEnsemble.save', 'folder');
    const [fs, path, { atomicWriteFile }] = await Promise.all([import('node:fs/promises'), import('node:path'), import('../io/bytes/index.js')]);
    await fs.mkdir(root, { recursive: true });
    const names = this.members.map((_, i) => `member-${i}`);
    for (const [i, member] of this.members.entries()) await member.save(path.join(root, names[i] as string));
    const manifest = { format: MIXTURE_ENSEMBLE_FORMAT, formatVersion: MIXTURE_ENSEMBLE_FORMAT_VERSION, members: names };
    await atomicWriteFile(path.join(root, MIXTURE_ENSEMBLE_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  }

  /** Frees every member. */
  dispose(): void {
    for (const m of this.members) m.dispose();
  }
}
