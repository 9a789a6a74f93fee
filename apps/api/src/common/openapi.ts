import { ApiBody } from '@nestjs/swagger';
import { z } from 'zod';

/** Documents a request body with the same zod schema that validates it, so the docs cannot drift. */
export function ApiZodBody(schema: z.ZodType, description?: string): MethodDecorator {
  const jsonSchema = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete jsonSchema.$schema;
  return ApiBody({ schema: jsonSchema, description });
}
