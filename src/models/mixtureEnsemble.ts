import type { MixtureOfExperts, PredictOptions } from './mixtureOfExperts.js';
import type { PatientBag } from './patientBag.js';

/** Host-side predictions of a {@link MixtureEnsemble}, one entry per patient. */
export interface EnsemblePrediction {
  /** [B] mean of the members' probabilities. */
  readonly probability: Float32Array;
  /** [B] mean of the members' gate weights π, `null` when the members have no gate. */
  readonly gate: Float32Array | null;
  /** [members][B] probabilities of each member. */
  readonly members: Float32Array[];
}

/**
 * An ensemble of trained models (e.g. the K fold models of a cross-validation) that averages their probabilities.
 * Owns its members: `dispose()` frees them all.
 *
 * @example
 * ```ts
 * const { ensemble } = await crossValidate(bags, { keepModels: true });
 * const { probability } = await ensemble!.predict(newBags);
 * ensemble!.dispose();
 * ```
 */
export class MixtureEnsemble {
  /** The member models (owned). */
  readonly members: readonly MixtureOfExperts[];

  /**
   * @param members - At least one model, all taking the same inputs.
   * @throws If `members` is empty.
   */
  constructor(members: readonly MixtureOfExperts[]) {
    if (members.length === 0) throw new Error('MixtureEnsemble: expected at least one model');
    this.members = [...members];
  }

  /**
   * Predicts with every member and averages.
   * @param bags - At least one patient.
   * @param options - Passed to each member's `predict`.
   * @returns See {@link EnsemblePrediction}.
   */
  async predict(bags: readonly PatientBag[], options: PredictOptions = {}): Promise<EnsemblePrediction> {
    const results = [];
    for (const m of this.members) results.push(await m.predict(bags, options));
    const n = bags.length;
    const probability = new Float32Array(n);
    const gates = results.every((r) => r.gate !== null) ? new Float32Array(n) : null;
    for (const r of results) {
      for (let i = 0; i < n; i++) {
        probability[i] = (probability[i] as number) + (r.probability[i] as number) / results.length;
        if (gates !== null && r.gate !== null) gates[i] = (gates[i] as number) + (r.gate[i] as number) / results.length;
      }
    }
    return { probability, gate: gates, members: results.map((r) => r.probability) };
  }

  /** Frees every member. */
  dispose(): void {
    for (const m of this.members) m.dispose();
  }
}
