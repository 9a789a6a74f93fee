import { Prisma } from '../../../../prisma/generated/client';
import { findDuplicates } from './ingestion.service';
import { certificatesIssued, passingGradeChange } from './reevaluation.service';

describe('passingGradeChange', () => {
  const generated = new Date('2026-03-05T00:00:00Z');
  const course = (certificatesGeneratedAt: Date | null) => ({ passingGrade: new Prisma.Decimal('0.6'), certificatesGeneratedAt });

  it.each([
    ['no new grade', null, undefined, 'none'],
    ['no new grade, after generation', generated, undefined, 'none'],
    ['the same grade', generated, 0.6, 'none'],
    ['a new grade before generation', null, 0.7, 'prospective'],
    ['a new grade after generation', generated, 0.7, 'retroactive'],
    ['a lower grade after generation', generated, 0, 'retroactive'],
  ] as const)('%s', (_why, generatedAt, passingGrade, expected) => {
    expect(passingGradeChange(course(generatedAt), passingGrade)).toBe(expected);
  });
});

describe('passingGradeChange in a course that issues on demand', () => {
  const course = { passingGrade: new Prisma.Decimal('0.6'), certificatesGeneratedAt: null };
  it('is retroactive once a learner holds a certificate, though nobody generated', () => {
    expect(passingGradeChange(course, 0.7, 1)).toBe('retroactive');
    expect(passingGradeChange(course, 0.7, 0)).toBe('prospective');
    expect(passingGradeChange(course, 0.6, 3)).toBe('none');
  });
  it('certificatesIssued: generated, or held', () => {
    expect(certificatesIssued({ certificatesGeneratedAt: new Date() }, 0)).toBe(true);
    expect(certificatesIssued({ certificatesGeneratedAt: null }, 2)).toBe(true);
    expect(certificatesIssued({ certificatesGeneratedAt: null }, 0)).toBe(false);
  });
});

describe('findDuplicates', () => {
  it('names the later occurrences only', () => {
    expect(findDuplicates(['a', 'b', 'a', 'c', 'b', 'a'])).toEqual([2, 4, 5]);
  });

  it('finds none in distinct values', () => {
    expect(findDuplicates([])).toEqual([]);
    expect(findDuplicates(['a', 'b'])).toEqual([]);
  });
});
