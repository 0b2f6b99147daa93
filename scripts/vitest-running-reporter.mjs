// A vitest reporter for CI: it keeps a file listing the test files queued or running and not yet finished, rewritten at
// each start and end. When a run dies without a report (a test process aborted in native code: "Channel closed"),
// .ci/run prints that file, which names the files that were running when it died.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';

export default class RunningFilesReporter {
  /** @param {{ file?: string }} [options] */
  constructor(options = {}) {
    this.file = options.file ?? process.env.VITEST_RUNNING_FILE ?? '.ci/out/running-tests.txt';
    /** @type {Map<string, string>} test file → ISO time it was queued */
    this.running = new Map();
    mkdirSync(dirname(this.file), { recursive: true });
    this.write();
  }

  /** @param {{ moduleId: string }} testModule */
  onTestModuleQueued(testModule) {
    this.running.set(relative(process.cwd(), testModule.moduleId), new Date().toISOString());
    this.write();
  }

  /** @param {{ moduleId: string }} testModule */
  onTestModuleEnd(testModule) {
    this.running.delete(relative(process.cwd(), testModule.moduleId));
    this.write();
  }

  write() {
    const lines = [...this.running].map(([file, since]) => `${file} (queued at ${since})`);
    writeFileSync(this.file, lines.length === 0 ? '' : `${lines.join('\n')}\n`);
  }
}
