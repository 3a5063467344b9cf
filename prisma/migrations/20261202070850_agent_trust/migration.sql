-- AlterTable
ALTER TABLE "agents" ADD COLUMN     "detection_signal" JSONB,
ADD COLUMN     "trust_inputs" JSONB;
