import * as database from '../../../../prisma/generated/enums';
import * as R from './response-schemas';

/**
 * An answer carries whatever the database holds, so each documented enum is exactly the schema's
 * enum: a missing value makes /docs wrong and fails the answer's parse, an extra one documents a
 * state that cannot happen.
 */
describe('documented enums are the database enums', () => {
  it.each([
    ['task kind', R.taskResponse.shape.kind, database.GenerationKind],
    ['task state', R.taskResponse.shape.state, database.GenerationState],
    ['task groups', R.taskResponse.shape.groups.element, database.CertificateStatus],
    ['course pacing', R.courseResponse.shape.pacing, database.Pacing],
    ['course display behaviour', R.courseResponse.shape.displayBehavior, database.DisplayBehavior],
    ['course detail: certificates by status', R.courseDetailResponse.shape.certificates.keyType, database.CertificateStatus],
    ['certificate row status', R.certificateRowResponse.shape.status, database.CertificateStatus],
    ['certificate status', R.certificateResponse.shape.status, database.CertificateStatus],
    ['learner request status', R.learnerRequestResponse.shape.status, database.CertificateStatus],
  ])('%s', (_field, schema, values) => {
    expect(schema.options).toEqual(Object.values(values));
  });
});
