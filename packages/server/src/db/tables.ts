/**
 * The database schema as Kysely sees it: one interface per module, each owned by the module named
 * in its file (CONVENTIONS §7). Row types stay inside stores; services expose domain types.
 */

import type { StaffTables } from '../admin/staff-tables.js';
import type { AuditTables } from '../audit/audit-tables.js';
import type { DeclarationTables } from '../callcentre/declaration-tables.js';
import type { ClientTables } from '../clients/client-tables.js';
import type { CredentialTables } from '../credentials/credential-tables.js';
import type { DeveloperTables } from '../developers/developer-tables.js';
import type { DeviceApiTables } from '../device-api/device-api-tables.js';
import type { DocumentTables } from '../documents/document-tables.js';
import type { LimitTables } from '../limits/limit-tables.js';
import type { OidcTables } from '../oidc/oidc-tables.js';
import type { PkiTables } from '../pki/pki-tables.js';
import type { RegistryTables } from '../registry/registry-tables.js';
import type { SandboxTables } from '../sandbox/sandbox-tables.js';
import type { SessionTables } from '../sessions/session-tables.js';
import type { VerifierTables } from '../verifiers/verifier-tables.js';
import type { WalletTables } from '../wallet/wallet-tables.js';
import type { WebLoginTables } from '../web-login/web-login-tables.js';
import type { CoreTables } from './core-tables.js';

export interface Database
  extends CoreTables,
    AuditTables,
    ClientTables,
    LimitTables,
    RegistryTables,
    StaffTables,
    DeviceApiTables,
    PkiTables,
    OidcTables,
    DocumentTables,
    SessionTables,
    SandboxTables,
    WebLoginTables,
    DeveloperTables,
    DeclarationTables,
    WalletTables,
    CredentialTables,
    VerifierTables {}
