import { ApiBody, ApiResponse } from '@nestjs/swagger';
import { z } from 'zod';

/** Documents a request body with the same zod schema that validates it, so the docs cannot drift. */
export function ApiZodBody(schema: z.ZodType, description?: string): MethodDecorator {
  const jsonSchema = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete jsonSchema.$schema;
  return ApiBody({ schema: jsonSchema, description });
}

/** The one error shape every route answers with (ErrorFilter). */
export const ERROR_RESPONSE_SCHEMA = {
  type: 'object',
  required: ['statusCode', 'code', 'message', 'errorId'],
  properties: {
    statusCode: { type: 'integer', example: 400 },
    code: { type: 'string', description: 'Stable machine-readable code, e.g. validation_failed, not_found, forbidden.', example: 'validation_failed' },
    message: { type: 'string', description: 'What went wrong, naming the field.', example: 'body.passingGrade: Too big: expected number to be <=1' },
    fields: {
      type: 'array',
      description: 'Present for validation errors: one entry per offending field.',
      items: { type: 'object', properties: { field: { type: 'string', example: 'body.passingGrade' }, message: { type: 'string' } } },
    },
    errorId: { type: 'string', format: 'uuid', description: 'Quote it when reporting a problem; 500s are logged under it.' },
  },
};

/** Documents a 2xx answer with the zod schema the integration tests check real answers against. */
export function ApiZodResponse(status: number, schema: z.ZodType, description: string): MethodDecorator {
  const jsonSchema = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) as Record<string, unknown>;
  delete jsonSchema.$schema;
  return ApiResponse({ status, description, schema: jsonSchema });
}

/** Documents a 2xx answer that is a file or a signed token rather than JSON. */
export function ApiFileResponse(contentType: string, description: string): MethodDecorator {
  return ApiResponse({ status: 200, description, content: { [contentType]: { schema: { type: 'string', format: contentType.startsWith('application/pdf') || contentType.startsWith('image/') ? 'binary' : undefined } } } });
}
