import { Writable } from 'node:stream';

/** Two in-memory streams for a CLI run, and what was written to each. */
export interface CapturedIo {
  readonly io: { out: Writable; err: Writable };
  /** Everything written to stdout so far. */
  out(): string;
  /** Everything written to stderr so far. */
  err(): string;
}

/** Streams that collect what a CLI run writes (tests read it back). */
export function captureIo(): CapturedIo {
  const chunks = { out: [] as string[], err: [] as string[] };
  const sink = (into: string[]): Writable =>
    new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        into.push(String(chunk));
        done();
      },
    });
  return { io: { out: sink(chunks.out), err: sink(chunks.err) }, out: () => chunks.out.join(''), err: () => chunks.err.join('') };
}
