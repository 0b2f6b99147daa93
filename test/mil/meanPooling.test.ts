import { beforeAll, describe } from 'vitest';
import { meanPooling } from '../../src/mil/meanPooling.js';
import { refMean, useCpuBackend } from './milTestUtils.js';
import { poolingContract } from './poolingContract.js';

beforeAll(useCpuBackend);

describe('meanPooling', () => {
  poolingContract(meanPooling, refMean);
});
