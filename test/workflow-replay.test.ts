import fs from 'node:fs';
import path from 'node:path';
import { DefaultLogger, Runtime, Worker, type ReplayWorkerOptions } from '@temporalio/worker';
import * as workflows from '../workflows';
import { historyFromJSON } from './workflow-histories/history-json';

// Replay logs each worker start and stop at INFO; warnings and errors still show.
try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  // Already installed by an earlier test file in this jest worker.
}

const HISTORIES_DIR = path.join(__dirname, 'workflow-histories');

/**
 * Courses live for months, and so do their workflows: a change to workflow code must replay the
 * histories of runs already under way, or every running course breaks when the worker is
 * deployed. These are histories of real runs (`npm run histories:record`), replayed here against
 * the workflow code of this checkout.
 */
describe('workflow replay: recorded histories against the current workflow code', () => {
  const recorded = fs
    .readdirSync(HISTORIES_DIR)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const history = historyFromJSON(JSON.parse(fs.readFileSync(path.join(HISTORIES_DIR, file), 'utf8')));
      const type = history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name ?? null;
      return { file, history, type };
    });

  it('holds a recorded history of every workflow the worker runs', () => {
    const exported = Object.entries(workflows)
      .filter(([, value]) => typeof value === 'function')
      .map(([name]) => name);
    expect(exported.length).toBeGreaterThan(0);
    const covered = new Set(recorded.map((r) => r.type));
    expect(exported.filter((type) => !covered.has(type))).toEqual([]);
    // Each file is a history from its first event, as `npm run histories:record` writes it.
    expect(recorded.filter((r) => r.type === null).map((r) => r.file)).toEqual([]);
  });

  it('replays every recorded history without a determinism violation', async () => {
    // The bundle global-setup built from this checkout; bundling here when run without it.
    const code: ReplayWorkerOptions = process.env.WORKFLOW_BUNDLE_PATH
      ? { workflowBundle: { codePath: process.env.WORKFLOW_BUNDLE_PATH } }
      : { workflowsPath: require.resolve('../workflows') };
    const failures: string[] = [];
    const replayed: string[] = [];
    // The file name stands in for the workflow id, so a failure names the history that broke.
    const histories = recorded.map(({ file, history }) => ({ workflowId: file, history }));
    for await (const result of Worker.runReplayHistories({ ...code, replayName: 'workflow-replay-test' }, histories)) {
      replayed.push(result.workflowId);
      if (result.error) failures.push(`${result.workflowId}: ${result.error.name}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
    expect(replayed).toEqual(recorded.map((r) => r.file));
  });
});
