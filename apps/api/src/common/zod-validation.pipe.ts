import { type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { ValidationError } from './errors';

/** Validates a request part at the edge; the message names each offending field. */
export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(
    private readonly schema: S,
    private readonly root = 'body',
  ) {}

  transform(value: unknown): z.infer<S> {
    const parsed = this.schema.safeParse(value);
    if (parsed.success) return parsed.data;
    throw new ValidationError(
      parsed.error.issues.map((issue) => ({
        field: [this.root, ...issue.path.map(String)].join('.'),
        message: issue.message,
      })),
    );
  }
}
