/** Who is calling. The LMS says who people are (signed tokens); API keys are the LMS's own server. */
export type Principal =
  | { kind: 'admin'; id: string; name?: string; via: 'token' | 'api-key' }
  | { kind: 'instructor'; id: string; name?: string; courses: ReadonlySet<string> }
  | { kind: 'learner'; id: string; name?: string };

/** The LMS's own server, which must name the person it acts for. */
export function isApiKey(principal: Principal | null): boolean {
  return principal?.kind === 'admin' && principal.via === 'api-key';
}

export function isCourseStaff(principal: Principal | null, courseId: string): boolean {
  if (!principal) return false;
  return principal.kind === 'admin' || (principal.kind === 'instructor' && principal.courses.has(courseId));
}
