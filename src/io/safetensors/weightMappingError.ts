/** One problem found by {@link mapWeights}. */
export interface WeightMappingProblem {
  /**
   * `'missing'`: a source tensor the spec asks for is not there; `'unexpected'`: a source tensor no target
   * uses (and not ignored); `'shape'`: a converted weight has another shape than the spec expects, or its
   * rank does not fit the layout; `'error'`: a spec function threw.
   */
  kind: 'missing' | 'unexpected' | 'shape' | 'error';
  /** The target weight concerned, when there is one. */
  target?: string;
  /** The source tensor concerned, when there is one. */
  source?: string;
  /** A sentence naming the target, the source and the shapes. */
  message: string;
}

/**
 * Raised by {@link mapWeights} in strict mode with every problem at once (missing, unexpected and wrongly
 * shaped tensors), one per line of the message.
 *
 * @example
 * try {
 *   mapWeights(file, spec);
 * } catch (e) {
 *   if (e instanceof WeightMappingError) for (const p of e.problems) console.warn(p.kind, p.target, p.source);
 * }
 */
export class WeightMappingError extends Error {
  /** Every problem found, in spec order, then unexpected sources in source order. */
  readonly problems: readonly WeightMappingProblem[];

  /** @param problems - at least one problem */
  constructor(problems: readonly WeightMappingProblem[]) {
    const noun = problems.length === 1 ? 'problem' : 'problems';
    super(`mapWeights: ${problems.length} ${noun}:\n${problems.map((p) => `  - ${p.message}`).join('\n')}`);
    this.name = 'WeightMappingError';
    this.problems = problems;
  }
}
