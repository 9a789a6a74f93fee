/** While waiting its turn, a sender says it is alive this often (activity heartbeats). */
const ALIVE_EVERY_MS = 5_000;

/**
 * Spaces sends `1 / ratePerSecond` apart across everyone who shares it (one per worker), so the
 * relay sees at most that rate however many courses are mailing at once.
 */
export function createPacer(ratePerSecond: number) {
  const gapMs = 1000 / ratePerSecond;
  let nextAt = 0;
  return {
    /** Resolves when the caller may send its next mail; `alive` is called during a long wait. */
    async turn(alive: () => void = () => undefined): Promise<void> {
      const at = Math.max(Date.now(), nextAt);
      nextAt = at + gapMs;
      for (let left = at - Date.now(); left > 0; left = at - Date.now()) {
        await new Promise((resolve) => setTimeout(resolve, Math.min(left, ALIVE_EVERY_MS)));
        alive();
      }
    },
  };
}
