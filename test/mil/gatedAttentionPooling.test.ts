import { beforeAll, describe } from 'vitest';
import { GatedAttentionPooling } from '../../src/mil/gatedAttentionPooling.js';
import { attentionContract, gatedAttentionScore } from './attentionContract.js';
import { useCpuBackend } from './milTestUtils.js';

beforeAll(useCpuBackend);

describe('GatedAttentionPooling', () => {
  attentionContract((args) => new GatedAttentionPooling(args), gatedAttentionScore, { withBias: 5, withoutBias: 3 });
});
