// Preloaded into the Prisma CLI by scripts/lib/migrate: the WebAssembly schema engine arms a
// 10 s timer that keeps the process alive after `migrate deploy` has finished. Unref'd long
// timers still fire while the CLI has other work, but no longer hold an idle process open.
const originalSetTimeout = global.setTimeout;
global.setTimeout = function setTimeoutUnrefLong(callback, ms, ...args) {
  const timer = originalSetTimeout(callback, ms, ...args);
  if (typeof ms === 'number' && ms >= 5000 && typeof timer?.unref === 'function') timer.unref();
  return timer;
};
