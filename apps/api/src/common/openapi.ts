import { ApiBody, ApiResponse } from '@nestjs/swagger';
import { z } from 'zod';
import { errorBodySchema } from './error-body';

/** A zod schema as the JSON Schema OpenAPI embeds (without the `$schema` dialect line). */
function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _dialect, ...jsonSchema } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return jsonSchema;
}

/** Documents a request body with the same zod schema that validates it, so the docs cannot drift. */
export function ApiZodBody(schema: z.ZodType, description?: string): MethodDecorator {
  return ApiBody({ schema: jsonSchemaOf(schema, 'input'), description });
}

/** The one error shape every route answers with (ErrorFilter). */
export const ERROR_RESPONSE_SCHEMA = jsonSchemaOf(errorBodySchema, 'output');

/** Documents a 2xx answer with the zod schema the integration tests check real answers against. */
export function ApiZodResponse(status: number, schema: z.ZodType, description: string): MethodDecorator {
  return ApiResponse({ status, description, schema: jsonSchemaOf(schema, 'output') });
}

/** Documents a 2xx answer that is a file or a signed token rather than JSON. */
export function ApiFileResponse(contentType: string, description: string): MethodDecorator {
  return ApiResponse({ status: 200, description, content: { [contentType]: { schema: { type: 'string', format: contentType.startsWith('application/pdf') || contentType.startsWith('image/') ? 'binary' : undefined } } } });
}
