import { useService } from './helpers/service';

type Operation = { security?: Array<Record<string, string[]>>; responses: Record<string, { content?: Record<string, { schema?: unknown }> }>; requestBody?: unknown };

/** The published API description: every operation says who may call it, what it takes and how it fails. */
describe('OpenAPI document at /docs', () => {
  const ctx = useService({}, { worker: false });

  it('describes authentication, request bodies and the error shape of every operation', async () => {
    const response = await fetch(`${ctx.service.baseUrl}/docs/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as { paths: Record<string, Record<string, Operation>>; components: { securitySchemes: Record<string, { type: string }> } };
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual(['api-key', 'lms-token']);

    const problems: string[] = [];
    const PUBLIC = /^\/(verify|status|keys|issuer|\.well-known|health|session)/;
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const name = `${method.toUpperCase()} ${path}`;
        for (const status of ['400', '404', '500']) {
          if (!operation.responses[status]?.content?.['application/json']?.schema) problems.push(`${name}: no ${status} error schema`);
        }
        if (!PUBLIC.test(path)) {
          if (!operation.security?.some((s) => 'lms-token' in s)) problems.push(`${name}: no bearer security`);
          if (!operation.responses['401'] || !operation.responses['403']) problems.push(`${name}: 401/403 not described`);
        }
        const takesBody = ['post', 'put', 'patch'].includes(method) && !/\/(logout|retry|certificate|reinstatement|removal)$/.test(path) && path !== '/verify';
        if (takesBody && !operation.requestBody) problems.push(`${name}: request body not described`);
      }
    }
    expect(problems).toEqual([]);
    expect(Object.keys(document.paths)).not.toContain('/app');
  });
});
