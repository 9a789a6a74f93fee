import { TooManyRequestsError } from '../common/errors';

/**
 * Large CSV imports, one at a time in each API process, with a short line of waiting ones. A
 * 100,000-line file holds its parsed rows in memory until it is written; taking the files in turn
 * keeps the process's memory that of one file whatever the callers do. A waiting import has not
 * read its upload yet (the connection pushes back), so the line costs nothing but sockets.
 */
export class ImportGate {
  private running = false;
  private readonly waiting: Array<() => void> = [];

  constructor(
    /** Imports that may wait behind the one running; more are refused with 429. */
    private readonly maxWaiting: number,
    /** What a refused caller is told to wait, in seconds: about one large import. */
    private readonly retryAfterSeconds: number,
  ) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running) {
      if (this.waiting.length >= this.maxWaiting) {
        throw new TooManyRequestsError(
          `CSV imports run one at a time, and ${this.waiting.length} are already waiting behind the one under way: try again in ${this.retryAfterSeconds} s`,
          this.retryAfterSeconds,
        );
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.running = true;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running = false;
    }
  }
}
