export { decodeBase64, encodeBase64 } from './base64.js';
export { readCard } from './card-claims.js';
export {
  ID_CARD_CLAIMS,
  ID_CARD_VCT,
  type IdCardClaim,
  type IdCardClaims,
  isAgeOver,
  isIdCardClaim,
  sortIdCardClaims,
} from './id-card-claims.js';
export { IdCardError, type IdCardErrorCode } from './id-card-error.js';
export {
  type IssuerMetadata,
  isIssuerMetadata,
  issuerKey,
  issuerVerifier,
  JWT_VC_ISSUER_PATH,
} from './issuer-metadata.js';
export { type IssuedRequestRecord, NonceLedger } from './nonce-ledger.js';
export {
  createPresentation,
  MAX_PRESENTATION_LENGTH,
  type PresentationResult,
  type PresentationVerdict,
  verifyPresentation,
} from './presentation.js';
export {
  type AssemblyProgress,
  isQrFrame,
  QR_FRAME_CHUNK,
  QR_FRAME_MAX_PARTS,
  QR_FRAME_PREFIX,
  QrFrameAssembler,
  splitIntoQrFrames,
} from './qr-frames.js';
export {
  es256Signer,
  headerOfSigningInput,
  saltGenerator,
  sha256Hasher,
  verifyEs256,
} from './sd-jwt-crypto.js';
export {
  CREDENTIAL_STATUS,
  type CredentialStatusValue,
  STATUS_LIST_MEDIA_TYPE,
  STATUS_LIST_TYP,
  type StatusListInfo,
  statusAt,
  verifyStatusListToken,
} from './status-list.js';
export {
  createVerifierRequest,
  MAX_REQUEST_LIFETIME_SECONDS,
  type TrustAnchors,
  VERIFIER_REQUEST_TYP,
  type VerifierRequest,
  verifierClientId,
  verifierRoleOf,
  verifyVerifierRequest,
  WALLET_AUDIENCE,
} from './verifier-request.js';
export {
  decodeVerifierRole,
  decodeVerifierRoleAttributes,
  encodeVerifierRole,
  encodeVerifierRoleAttributes,
  parsedOidForm,
  SUBJECT_DIRECTORY_ATTRIBUTES_OID,
  VERIFIER_CERTIFICATE_POLICY_OID,
  VERIFIER_ROLE_ATTRIBUTE_OID,
  type VerifierRole,
} from './verifier-role.js';
