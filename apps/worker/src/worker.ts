import path from 'node:path';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../../../activities';
import type { AppConfig } from '../../shared/config';

export interface WorkerSetup {
  config: AppConfig;
  deps: ActivityDeps;
  connection: NativeConnection;
  /** A prebuilt bundle (tests, production images); otherwise the workflows are bundled at start. */
  workflowBundlePath?: string;
  options?: Partial<WorkerOptions>;
}

export const WORKFLOWS_PATH = path.join(__dirname, '../../../workflows');

export async function createWorker({ config, deps, connection, workflowBundlePath, options }: WorkerSetup): Promise<Worker> {
  return Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    activities: createActivities({ certificateMailRate: config.mail.certificateRate, ...deps }),
    ...(workflowBundlePath
      ? { workflowBundle: { codePath: workflowBundlePath } }
      : { workflowsPath: require.resolve(WORKFLOWS_PATH) }),
    // A cancel reaches an activity only in the answer to a heartbeat, and heartbeats are otherwise
    // held back for 80% of the heartbeat timeout: a cancelled chunk would go on for ~24 s.
    maxHeartbeatThrottleInterval: '1s',
    ...options,
  });
}
