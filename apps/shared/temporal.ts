/** One lifecycle workflow per course; the id makes "start" idempotent and every run findable. */
export function courseWorkflowId(courseId: string): string {
  return `course:${courseId}`;
}
