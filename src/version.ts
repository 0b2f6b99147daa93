/** The library's version (package.json `version`; a test keeps them equal). Saved in every model folder's manifest. */
export const LIBRARY_VERSION = '0.1.0';
