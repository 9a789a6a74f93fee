-- The learner's choice of who may download an issued certificate's files from its public link.
-- NULL means "not chosen": the issuer's default (CERTIFICATE_VISIBILITY_DEFAULT) applies, so
-- changing that default changes every certificate whose learner never chose.
CREATE TYPE "CertificateVisibility" AS ENUM ('public', 'private');

ALTER TABLE "certificates" ADD COLUMN "visibility" "CertificateVisibility";
