-- CreateTable
CREATE TABLE "wallet_grants" (
    "id" UUID NOT NULL,
    "certificate_id" UUID NOT NULL,
    "code_hash" TEXT NOT NULL,
    "tx_code_hash" TEXT,
    "failed_tx_codes" INTEGER NOT NULL DEFAULT 0,
    "expires_at" TIMESTAMP(3) NOT NULL,
    "used_at" TIMESTAMP(3),
    "access_token_hash" TEXT,
    "access_token_expires_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "wallet_grants_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "wallet_nonces" (
    "nonce_hash" TEXT NOT NULL,
    "expires_at" TIMESTAMP(3) NOT NULL,
    "used_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "wallet_nonces_pkey" PRIMARY KEY ("nonce_hash")
);

-- CreateTable
CREATE TABLE "wallet_credentials" (
    "id" UUID NOT NULL,
    "certificate_id" UUID NOT NULL,
    "holder" TEXT NOT NULL,
    "jws" TEXT NOT NULL,
    "source_jws_hash" TEXT NOT NULL,
    "issued_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "wallet_credentials_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "wallet_grants_code_hash_key" ON "wallet_grants"("code_hash");

-- CreateIndex
CREATE UNIQUE INDEX "wallet_grants_access_token_hash_key" ON "wallet_grants"("access_token_hash");

-- CreateIndex
CREATE INDEX "wallet_grants_certificate_id_idx" ON "wallet_grants"("certificate_id");

-- CreateIndex
CREATE INDEX "wallet_grants_expires_at_idx" ON "wallet_grants"("expires_at");

-- CreateIndex
CREATE INDEX "wallet_nonces_expires_at_idx" ON "wallet_nonces"("expires_at");

-- CreateIndex
CREATE INDEX "wallet_credentials_certificate_id_idx" ON "wallet_credentials"("certificate_id");

-- AddForeignKey
ALTER TABLE "wallet_grants" ADD CONSTRAINT "wallet_grants_certificate_id_fkey" FOREIGN KEY ("certificate_id") REFERENCES "certificates"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "wallet_credentials" ADD CONSTRAINT "wallet_credentials_certificate_id_fkey" FOREIGN KEY ("certificate_id") REFERENCES "certificates"("id") ON DELETE CASCADE ON UPDATE CASCADE;
