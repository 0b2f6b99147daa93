/**
 * report: what a person looks at: segmentation overlays.
 * @module
 */
export * from './drawOverlay.js';
