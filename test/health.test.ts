import { freePort } from '../scripts/lib/processes.cjs';
import { httpClient, startService } from './helpers/service';

describe('GET /health', () => {
  it('reports the API, the database and Temporal as up', async () => {
    const service = await startService({}, { worker: false });
    try {
      const response = await httpClient(service.baseUrl).get('/health');
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        status: 'ok',
        api: { status: 'up' },
        database: { status: 'up' },
        temporal: { status: 'up', address: service.config.temporal.address },
      });
    } finally {
      await service.stop();
    }
  });

  it('says which dependency is down, with 503, while the API itself stays up', async () => {
    const nothingThere = await freePort();
    const service = await startService({ TEMPORAL_ADDRESS: `127.0.0.1:${nothingThere}` }, { worker: false });
    try {
      const response = await httpClient(service.baseUrl).get('/health');
      expect(response.status).toBe(503);
      expect(response.body.status).toBe('degraded');
      expect(response.body.api.status).toBe('up');
      expect(response.body.database.status).toBe('up');
      expect(response.body.temporal.status).toBe('down');
      expect(response.body.temporal.detail).toEqual(expect.any(String));
    } finally {
      await service.stop();
    }
  });
});
