#!/usr/bin/env node
/**
 * The `lymphomix` executable (package.json `bin`): see `runCli`.
 * @module
 */
import { runCli } from './runCli.js';

void runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
