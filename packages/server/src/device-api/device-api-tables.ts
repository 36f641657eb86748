/** Tables owned by device-api/: device-proof jti values seen (replay protection). */
export interface DeviceApiTables {
  device_proof_jtis: DeviceProofJtiTable;
}

export interface DeviceProofJtiTable {
  key_thumbprint: string;
  jti: string;
  expires_at: Date;
}
