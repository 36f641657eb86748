/** Object identifiers of the certificate profile (RFC 5280, RFC 6960, ETSI EN 319 412-1/-2/-5). */
export const OID = {
  // RFC 5280 / RFC 6960
  qcStatements: '1.3.6.1.5.5.7.1.3',
  ocspNoCheck: '1.3.6.1.5.5.7.48.1.5',
  ocspBasic: '1.3.6.1.5.5.7.48.1.1',
  ocspNonce: '1.3.6.1.5.5.7.48.1.2',
  crlNumber: '2.5.29.20',
  kpClientAuth: '1.3.6.1.5.5.7.3.2',
  kpOcspSigning: '1.3.6.1.5.5.7.3.9',
  kpTimeStamping: '1.3.6.1.5.5.7.3.8',
  // ETSI EN 319 412-5 QC statements
  qcsQcCompliance: '0.4.0.1862.1.1',
  qcsQcSSCD: '0.4.0.1862.1.4',
  qcsQcType: '0.4.0.1862.1.6',
  qctEsign: '0.4.0.1862.1.6.1',
  // RFC 3739 pkixQCSyntax-v2 with the ETSI EN 319 412-1 natural-person semantics identifier
  qcsPkixQcSyntaxV2: '1.3.6.1.5.5.7.11.2',
  semanticsIdNatural: '0.4.0.194121.1.1',
  // ETSI EN 319 411-2 / 319 411-1 policy identifiers
  qcpNaturalQscd: '0.4.0.194112.1.2',
  qcpNatural: '0.4.0.194112.1.0',
  ncpPlus: '0.4.0.2042.1.2',
  /**
   * OpenMID's own certificate policies: a UUID-based OID (ITU-T X.667, arc 2.25) so no
   * registration is needed; an operator with a registered arc can replace it.
   */
  openmidAuthPolicy: '2.25.39789682473745543670622317803546398938.1',
  openmidSignPolicy: '2.25.39789682473745543670622317803546398938.2',
  // RFC 3161 / RFC 5816
  ctTstInfo: '1.2.840.113549.1.9.16.1.4',
  aaSigningCertificateV2: '1.2.840.113549.1.9.16.2.47',
  openmidTsaPolicy: '2.25.39789682473745543670622317803546398938.3',
} as const;
