import { beforeAll, describe } from 'vitest';
import { rgbToYcrcbTensor } from '../../../src/segmentation/color/rgbToYcrcbTensor.js';
import { rgbToYcrcb } from '../../../src/segmentation/color/rgbToYcrcb.js';
import { tensorConversionContract } from './tensorContract.js';
import { useCpuBackend } from './tensorHelpers.js';

describe('rgbToYcrcbTensor', () => {
  beforeAll(useCpuBackend);

  tensorConversionContract('rgbToYcrcbTensor', (x) => rgbToYcrcbTensor(x), rgbToYcrcb, 3);
});
