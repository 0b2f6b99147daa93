/**
 * Runs an example's `main` when its file is the script Node was started with (`npx tsx examples/x.ts …`), and not
 * when a test imports it: sets the exit code to what `main` returns, or 1 with the error printed.
 * @module
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * @param moduleUrl - the calling module's `import.meta.url`
 * @param main - the example's entry point, given the arguments after the script name; returns the exit code
 */
export function runIfMain(moduleUrl: string, main: (argv: readonly string[]) => Promise<number>): void {
  const invoked = process.argv[1];
  if (invoked === undefined || moduleUrl !== pathToFileURL(resolve(invoked)).href) return;
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
