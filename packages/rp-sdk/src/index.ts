export {
  type HashType,
  OpenMidApiError,
  OpenMidClient,
  type OpenMidClientOptions,
  type SessionView,
  type Subject,
} from './client.js';
export {
  type CompletedResult,
  checkChain,
  checkOcsp,
  type TrustAnchors,
  VerificationError,
  verifyResult,
} from './verify.js';
