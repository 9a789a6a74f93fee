import * as schema from '../../../prisma/generated/enums';
import * as domain from './enums';

// Compile-time half: tsc fails when a list and the schema's enum differ by a single value.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameTypes: Record<keyof typeof schema, true> = {
  Pacing: true satisfies Same<domain.Pacing, schema.Pacing>,
  EnrollmentMode: true satisfies Same<domain.EnrollmentMode, schema.EnrollmentMode>,
  DisplayBehavior: true satisfies Same<domain.DisplayBehavior, schema.DisplayBehavior>,
  GenerationKind: true satisfies Same<domain.GenerationKind, schema.GenerationKind>,
  GenerationState: true satisfies Same<domain.GenerationState, schema.GenerationState>,
  CertificateStatus: true satisfies Same<domain.CertificateStatus, schema.CertificateStatus>,
  CertificateVisibility: true satisfies Same<domain.CertificateVisibility, schema.CertificateVisibility>,
};

/** Every enum of prisma/schema.prisma, beside the domain's list of its values. */
const lists: Record<keyof typeof schema, readonly string[]> = {
  Pacing: domain.PACINGS,
  EnrollmentMode: domain.ENROLLMENT_MODES,
  DisplayBehavior: domain.DISPLAY_BEHAVIORS,
  GenerationKind: domain.GENERATION_KINDS,
  GenerationState: domain.GENERATION_STATES,
  CertificateStatus: domain.CERTIFICATE_STATUSES,
  CertificateVisibility: domain.CERTIFICATE_VISIBILITIES,
};

describe('the domain enums are the schema enums', () => {
  it('covers every enum of the schema, and no other', () => {
    expect(Object.keys(lists).sort()).toEqual(Object.keys(schema).sort());
    expect(Object.keys(sameTypes).sort()).toEqual(Object.keys(schema).sort());
  });

  it.each(Object.keys(schema) as Array<keyof typeof schema>)('%s has the same values, in the same order', (name) => {
    expect(lists[name]).toEqual(Object.values(schema[name]));
  });
});
