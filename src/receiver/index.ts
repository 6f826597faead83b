// Public entry point of `vantastatus-core/receiver`: what a customer needs to accept deliveries.
export {
  DEFAULT_TOLERANCE_SEC,
  verifyVantaSignature,
  type HeaderSource,
  type HeaderValue,
  type SignatureScheme,
  type VerifyFailureReason,
  type VerifyOptions,
  type VerifyResult,
} from './verify.ts';
export {
  MIN_DEDUP_TTL_SEC,
  createDeduper,
  createMemoryDedupStore,
  type DedupStore,
  type Deduper,
  type DeduperOptions,
  type MemoryDedupStore,
  type MemoryDedupStoreOptions,
} from './dedup.ts';
