import { achievementUrl, certificateFileUrls, verifyPageUrl } from './public-urls';

const PUBLIC_URL = 'https://certs.example.org';
const ID = '7a1c7a43-5b7a-4cf5-9f0c-3b9a8f0b6d11';

describe('public URLs', () => {
  it('the verification page of a certificate', () => {
    expect(verifyPageUrl(PUBLIC_URL, ID)).toBe(`https://certs.example.org/verify/${ID}`);
  });

  it('the files of a certificate', () => {
    expect(certificateFileUrls(PUBLIC_URL, ID)).toEqual({
      pdfUrl: `https://certs.example.org/certificates/${ID}/certificate.pdf`,
      badgeUrl: `https://certs.example.org/certificates/${ID}/badge.png`,
      credentialUrl: `https://certs.example.org/certificates/${ID}/credential.jwt`,
    });
  });

  it.each([
    ['course-v1:Org+CS101+2026', 'https://certs.example.org/courses/course-v1%3AOrg%2BCS101%2B2026/achievement'],
    ['plain', 'https://certs.example.org/courses/plain/achievement'],
    ['a/b c', 'https://certs.example.org/courses/a%2Fb%20c/achievement'],
  ])('the achievement of course %p', (courseId, expected) => {
    expect(achievementUrl(PUBLIC_URL, courseId)).toBe(expected);
  });

  it('keeps a path prefix of PUBLIC_URL', () => {
    expect(verifyPageUrl('https://example.org/certs', ID)).toBe(`https://example.org/certs/verify/${ID}`);
  });
});
