import { beforeAll, describe } from 'vitest';
import { rgbToLabTensor } from '../../../src/segmentation/color/rgbToLabTensor.js';
import { rgbToLab } from '../../../src/segmentation/color/rgbToLab.js';
import { tensorConversionContract } from './tensorContract.js';
import { useCpuBackend } from './tensorHelpers.js';

describe('rgbToLabTensor', () => {
  beforeAll(useCpuBackend);

  tensorConversionContract('rgbToLabTensor', (x) => rgbToLabTensor(x), rgbToLab, 3);
});
