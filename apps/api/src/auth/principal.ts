/** Who is calling. The LMS says who people are (signed tokens); API keys are the LMS's own server. */
export type Principal =
  | { kind: 'admin'; id: string; name?: string; via: 'token' | 'api-key' }
  | { kind: 'instructor'; id: string; name?: string; courses: ReadonlySet<string> }
  | { kind: 'learner'; id: string; name?: string };

export type Role = Principal['kind'];

export function isCourseStaff(principal: Principal | null, courseId: string): boolean {
  if (!principal) return false;
  return principal.kind === 'admin' || (principal.kind === 'instructor' && principal.courses.has(courseId));
}
