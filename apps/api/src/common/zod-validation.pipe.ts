import { type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { ValidationError } from './errors';

const MAX_REPORTED_PROBLEMS = 50;
const MAX_PROBLEM_LENGTH = 500;

/** Validates a request part at the edge; the message names each offending field. */
export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(
    private readonly schema: S,
    private readonly root = 'body',
  ) {}

  transform(value: unknown): z.infer<S> {
    const parsed = this.schema.safeParse(value);
    if (parsed.success) return parsed.data;
    // A hostile body can fail in many places at once; the answer stays small whatever was sent.
    throw new ValidationError(
      parsed.error.issues.slice(0, MAX_REPORTED_PROBLEMS).map((issue) => ({
        field: [this.root, ...issue.path.map(String)].join('.'),
        message: issue.message.length > MAX_PROBLEM_LENGTH ? `${issue.message.slice(0, MAX_PROBLEM_LENGTH)}…` : issue.message,
      })),
    );
  }
}
