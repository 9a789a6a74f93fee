import { LiveTaskCounts } from './live-task-counts';

describe('LiveTaskCounts', () => {
  function counter(costMs: number) {
    let clock = 0;
    let calls = 0;
    const live = new LiveTaskCounts(
      async () => {
        calls += 1;
        clock += costMs;
        return { done: calls, issued: calls, failed: 0 };
      },
      () => clock,
    );
    return { live, calls: () => calls, wait: (ms: number) => (clock += ms) };
  }

  it('reuses a count for twenty times what it cost, then counts again', async () => {
    const { live, calls, wait } = counter(500);
    expect(await live.of('task')).toMatchObject({ done: 1 });
    wait(9_999);
    expect(await live.of('task')).toMatchObject({ done: 1 });
    wait(1);
    expect(await live.of('task')).toMatchObject({ done: 2 });
    expect(calls()).toBe(2);
  });

  it('a cheap count is fresh at once, a very slow one is reused at most 15 s', async () => {
    const cheap = counter(1);
    await cheap.live.of('task');
    cheap.wait(20);
    expect(await cheap.live.of('task')).toMatchObject({ done: 2 });

    const slow = counter(5_000);
    await slow.live.of('task');
    slow.wait(15_000);
    expect(await slow.live.of('task')).toMatchObject({ done: 2 });
  });

  it('keeps each task apart', async () => {
    const { live } = counter(100);
    expect(await live.of('a')).toMatchObject({ done: 1 });
    expect(await live.of('b')).toMatchObject({ done: 2 });
    expect(await live.of('a')).toMatchObject({ done: 1 });
  });
});
