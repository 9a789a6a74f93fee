// Preloaded into the Prisma CLI by migrateDeploy (database.cjs): the WebAssembly schema engine arms a
// 10 s timer that keeps the process alive after `migrate deploy` has finished. Unref'd long
// timers still fire while the CLI has other work, but no longer hold an idle process open.
const originalSetTimeout = global.setTimeout;
/**
 * @param {(...args: unknown[]) => void} callback
 * @param {number} [ms]
 * @param {...unknown} args
 */
function setTimeoutUnrefLong(callback, ms, ...args) {
  const timer = originalSetTimeout(callback, ms, ...args);
  if (typeof ms === 'number' && ms >= 5000 && typeof timer?.unref === 'function') timer.unref();
  return timer;
}
// Node's own setTimeout also carries util.promisify's variant, which nothing asks this one for.
global.setTimeout = /** @type {typeof setTimeout} */ (setTimeoutUnrefLong);
