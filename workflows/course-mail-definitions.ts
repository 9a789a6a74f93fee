import { defineSignal } from '@temporalio/workflow';

// Apart from the workflow, so activities can name it without importing it (no import cycle).

export interface CourseMailInput {
  courseId: string;
}

/** New certificate mail may be pending (a generation task finished, certificates became visible). */
export const certificateMailRequestedSignal = defineSignal('certificateMailRequested');

/** One per course: "start" and "more mail" are the same signalWithStart, whoever has mail to send. */
export function courseMailWorkflowId(courseId: string): string {
  return `course-mail:${courseId}`;
}
