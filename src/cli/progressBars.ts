import cliProgress from 'cli-progress';
import type { ProgressEvent, ProgressListener } from '../core/index.js';

/** Where the CLI writes: results to `out`, progress and messages to `err`. */
export interface CliIo {
  /** Standard output (results, tables, JSON). */
  readonly out: NodeJS.WritableStream;
  /** Standard error (progress bars, warnings, errors). */
  readonly err: NodeJS.WritableStream;
}

/** Options of {@link createProgressBars}. */
export interface ProgressBarsOptions {
  /** Print nothing. Defaults to `false`. */
  readonly quiet?: boolean;
}

/** A listener that draws one bar per stage, and the function that closes them all. */
export interface ProgressBars {
  /** Pass it as `onProgress` to any long call of the library. */
  readonly listener: ProgressListener;
  /** Stops the bars (leaves the last line of each in place). Call before printing results. */
  stop(): void;
}

function formatSeconds(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '--';
  if (seconds < 60) return `${seconds.toFixed(0)}s`;
  const m = Math.floor(seconds / 60);
  return m < 60 ? `${m}m${String(Math.round(seconds % 60)).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/**
 * The unit of a stage's bar. Training counts epochs, except for estimators that report one event per model fit (the
 * per-cell expert's inner and final fits: their `detail.step`, e.g. `'gbdt(…): inner 2/5'`), which count fits.
 */
function unitOf(stage: string, detail: unknown): string {
  if (stage === 'features' || stage === 'embedding' || stage === 'segmentation') return 'img';
  if (stage === 'training') {
    const step = typeof detail === 'object' && detail !== null ? (detail as { step?: unknown }).step : undefined;
    return typeof step === 'string' ? 'fit' : 'epoch';
  }
  if (stage === 'cross-validation') return 'fold';
  if (stage === 'synthetic-cohort') return 'img';
  return 'step';
}

/**
 * Turns the library's {@link ProgressEvent}s into terminal progress bars (`cli-progress`) on stderr, one per stage,
 * each with its rate and ETA; on a stream that is not a terminal it prints a plain line every few seconds instead.
 *
 * @param io - Where to draw (`io.err`).
 * @param options - See {@link ProgressBarsOptions}.
 * @returns The listener and a `stop()`.
 */
export function createProgressBars(io: CliIo, options: ProgressBarsOptions = {}): ProgressBars {
  if (options.quiet === true) return { listener: () => undefined, stop: () => undefined };
  const stream = io.err as NodeJS.WriteStream;
  const multi = new cliProgress.MultiBar(
    {
      stream,
      clearOnComplete: false,
      hideCursor: false,
      noTTYOutput: true,
      notTTYSchedule: 5000,
      fps: 5,
      format: (_options, params, payload: { stage: string; rate: string; eta: string; elapsed: string; unit: string }) => {
        const width = 24;
        const filled = Math.round(params.progress * width);
        const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
        return `${payload.stage.padEnd(16)} ${bar} ${params.value}/${params.total} ${payload.unit} | ${payload.rate} | ${payload.elapsed} elapsed | ETA ${payload.eta}`;
      },
    },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, cliProgress.SingleBar>();
  const listener = (event: ProgressEvent): void => {
    const unit = unitOf(event.stage, event.detail);
    const rate = event.elapsedSeconds > 0 ? event.done / event.elapsedSeconds : 0;
    const payload = {
      stage: event.stage,
      unit,
      rate: rate >= 1 || rate === 0 ? `${rate.toFixed(1)} ${unit}/s` : `${(1 / rate).toFixed(1)} s/${unit}`,
      eta: formatSeconds(event.etaSeconds),
      elapsed: formatSeconds(event.elapsedSeconds),
    };
    let bar = bars.get(event.stage);
    if (bar === undefined) {
      bar = multi.create(event.total, event.done, payload);
      bars.set(event.stage, bar);
    } else {
      bar.setTotal(event.total);
      bar.update(event.done, payload);
    }
  };
  return {
    listener,
    stop: () => {
      multi.stop();
    },
  };
}
