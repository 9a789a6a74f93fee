import { TooManyRequestsError } from '../common/errors';
import { ImportGate } from './import-gate';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('ImportGate', () => {
  it('runs imports one at a time, in the order they came', async () => {
    const gate = new ImportGate(4, 10);
    const order: string[] = [];
    const first = deferred();
    const a = gate.run(async () => {
      order.push('a starts');
      await first.promise;
      order.push('a ends');
    });
    const b = gate.run(async () => void order.push('b runs'));
    const c = gate.run(async () => void order.push('c runs'));
    await Promise.resolve();
    expect(order).toEqual(['a starts']);
    first.resolve();
    await Promise.all([a, b, c]);
    expect(order).toEqual(['a starts', 'a ends', 'b runs', 'c runs']);
  });

  it('refuses with 429 and Retry-After once the line is full, and takes imports again when it clears', async () => {
    const gate = new ImportGate(1, 7);
    const hold = deferred();
    const running = gate.run(() => hold.promise);
    const waiting = gate.run(async () => 'waited');
    const refused = gate.run(async () => 'never');
    await expect(refused).rejects.toBeInstanceOf(TooManyRequestsError);
    await expect(refused).rejects.toMatchObject({ retryAfterSeconds: 7, message: expect.stringContaining('one at a time') });
    hold.resolve();
    await running;
    await expect(waiting).resolves.toBe('waited');
    await expect(gate.run(async () => 'later')).resolves.toBe('later');
  });

  it('a failed import lets the next one through', async () => {
    const gate = new ImportGate(2, 10);
    const failing = gate.run(async () => {
      throw new Error('bad file');
    });
    const next = gate.run(async () => 'next');
    await expect(failing).rejects.toThrow('bad file');
    await expect(next).resolves.toBe('next');
  });
});
