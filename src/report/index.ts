/**
 * report: what a person looks at: segmentation overlays, the cross-validation report (HTML).
 * @module
 */
export * from './drawOverlay.js';
export * from './cvReportData.js';
export * from './cellGallery.js';
export * from './vegaLiteToSvg.js';
export * from './htmlReport.js';
