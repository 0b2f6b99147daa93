import { beforeAll, describe } from 'vitest';
import { AttentionPooling } from '../../src/mil/attentionPooling.js';
import { attentionContract, attentionScore } from './attentionContract.js';
import { useCpuBackend } from './milTestUtils.js';

beforeAll(useCpuBackend);

describe('AttentionPooling', () => {
  attentionContract((args) => new AttentionPooling(args), attentionScore, { withBias: 3, withoutBias: 2 });
});
