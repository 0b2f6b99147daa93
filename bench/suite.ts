/** A benchmark suite, run by `npm run bench -- <name> [suite options]`. */
export interface BenchSuite {
  /** Usage of the suite's own options (shown by `npm run bench -- <name> --help`). */
  usage: string;
  /** Run the suite; `args` are the command-line arguments after the suite name. Prints its own table. */
  run(args: readonly string[]): Promise<void>;
}

/** A suite as listed in `bench/suites/index.ts`: loaded only when run, so one broken suite does not stop the others. */
export interface BenchSuiteEntry {
  /** One line shown by `npm run bench -- --list`. */
  description: string;
  /** Import the suite's module. */
  load(): Promise<BenchSuite>;
}
