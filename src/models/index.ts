/**
 * Models: the mixture of experts of the challenge report (image expert, scalar expert over handmade features and
 * metadata, gate), its building layers and its checkpoints.
 * @module
 */
export * from './patientBag.js';
export * from './checkFiniteBags.js';
export * from './standardize.js';
export * from './mixtureGate.js';
export * from './mixtureOfExpertsConfig.js';
export * from './mixtureOfExpertsWeightSpecs.js';
export * from './mixtureOfExperts.js';
export * from './modelCheckpointError.js';
export * from './loadMixtureOfExperts.js';
export * from './mixtureEnsemble.js';
export * from './loadMixtureEnsemble.js';
export * from './mixtureIoHandler.js';
export * from './buildPatientBags.js';
export * from './backbones/index.js';
export * from './conv3x3.js';
export * from './avgPool2x2.js';
export * from './cropCnn.js';
export * from './nucleusCrop.js';
