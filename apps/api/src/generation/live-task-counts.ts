import type { TaskCounts } from '../../../../workflows/definitions';

/** How long a count is reused, in multiples of what it cost: counting takes at most ~5% of the time. */
const REUSE_FACTOR = 20;
/** Never reused longer than this, however slow the count was. */
const MAX_REUSE_MS = 15_000;
/** Running tasks remembered at once (there are rarely more than a handful). */
const MAX_TASKS = 1_000;

/**
 * A running task's counts, read live from the certificates it has written. Counting reads every
 * certificate the task wrote so far (800,000 in a regeneration at 1,000,000 learners, about half a
 * second), and instructors' pages and the LMS poll the task several times a second: counted on
 * every poll, the counts competed with the task's own writes for the database. A count is reused
 * for twenty times what it cost (a 1 ms count for 20 ms, a 500 ms one for 10 s), so polling costs
 * at most about one count in twenty of the time, whatever the task's size and however many poll.
 */
export class LiveTaskCounts {
  private readonly counted = new Map<string, { counts: TaskCounts; reuseUntil: number }>();

  constructor(
    private readonly count: (taskId: string) => Promise<TaskCounts>,
    private readonly now: () => number = () => performance.now(),
  ) {}

  async of(taskId: string): Promise<TaskCounts> {
    const known = this.counted.get(taskId);
    const started = this.now();
    if (known && started < known.reuseUntil) return known.counts;
    const counts = await this.count(taskId);
    const ended = this.now();
    this.counted.delete(taskId);
    if (this.counted.size >= MAX_TASKS) this.counted.delete(this.counted.keys().next().value!);
    this.counted.set(taskId, { counts, reuseUntil: ended + Math.min((ended - started) * REUSE_FACTOR, MAX_REUSE_MS) });
    return counts;
  }
}
