#!/usr/bin/env node
/**
 * The `lymphomix` executable (package.json `bin`): see `runCli`.
 * @module
 */
import { runCli } from './runCli.js';

process.exitCode = await runCli(process.argv.slice(2));
