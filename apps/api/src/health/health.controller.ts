import { ApiZodResponse } from '../common/openapi';
import * as R from '../common/response-schemas';
import { Access } from '../auth/access';
import { Controller, Get, Inject, Res, type OnModuleDestroy } from '@nestjs/common';
import { Connection } from '@temporalio/client';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { AppConfig } from '../../../shared/config';
import { DatabaseHealth } from '../../../shared/repositories/database-health';
import { CONFIG } from '../common/tokens';

interface Probe {
  status: 'up' | 'down';
  latencyMs: number;
  detail?: string;
}

const PROBE_TIMEOUT_MS = 2000;

async function probe(run: () => Promise<unknown>): Promise<Probe> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      run(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
      }),
    ]);
    return { status: 'up', latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return { status: 'down', latencyMs: Math.round(performance.now() - started), detail: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

@ApiTags('health')
@Access.public()
@Controller('health')
export class HealthController implements OnModuleDestroy {
  /**
   * A connection of its own, without the client's retry interceptor: a probe answers "down" at
   * once instead of retrying in the background after the answer has been given.
   */
  private readonly probeConnection: Connection;

  constructor(
    private readonly databaseHealth: DatabaseHealth,
    @Inject(CONFIG) private readonly config: AppConfig,
  ) {
    this.probeConnection = Connection.lazy({ address: config.temporal.address, interceptors: [] });
  }

  private async probeTemporal(): Promise<void> {
    const connection = this.probeConnection;
    await connection.withDeadline(Date.now() + PROBE_TIMEOUT_MS - 500, () => connection.workflowService.getSystemInfo({}));
  }

  async onModuleDestroy(): Promise<void> {
    await this.probeConnection.close();
  }

  /**
   * API, database and Temporal reported separately; 503 when any dependency is down. In production
   * the public answer is only up or down: addresses, latencies and error texts help an attacker,
   * not a load balancer.
   */
  @ApiZodResponse(200, R.healthResponse, 'All up (the same body with 503 when one is down); in production only `{ status: "up" | "down" }`.')
  @Get()
  async check(@Res({ passthrough: true }) res: Response) {
    const [database, temporal] = await Promise.all([
      probe(() => this.databaseHealth.ping()),
      probe(() => this.probeTemporal()),
    ]);
    const healthy = database.status === 'up' && temporal.status === 'up';
    res.status(healthy ? 200 : 503);
    res.setHeader('Cache-Control', 'no-store');
    if (this.config.env === 'production') return { status: healthy ? ('up' as const) : ('down' as const) };
    return {
      status: healthy ? 'ok' : 'degraded',
      api: { status: 'up' as const },
      database,
      temporal: { ...temporal, address: this.config.temporal.address, namespace: this.config.temporal.namespace },
    };
  }
}
