import type { Migration } from 'kysely';
import * as m0001 from './0001-core.js';
import * as m0002 from './0002-audit-log.js';
import * as m0003 from './0003-pki.js';
import * as m0004 from './0004-log-tree.js';
import * as m0005 from './0005-registry.js';
import * as m0007 from './0007-clients.js';
import * as m0008 from './0008-sessions.js';
import * as m0009 from './0009-oidc.js';
import * as m0011 from './0011-documents.js';
import * as m0012 from './0012-trust-anchors.js';
import * as m0013 from './0013-call-centre.js';
import * as m0014 from './0014-wallet.js';
import * as m0015 from './0015-web-sessions.js';
import * as m0016 from './0016-credentials.js';

/**
 * Every migration, in order. Forward-only and immutable once on main (CONVENTIONS §7): add a new
 * file and a line here; never edit a merged one.
 */
export const migrations: Record<string, Migration> = {
  '0001-core': m0001,
  '0002-audit-log': m0002,
  '0003-pki': m0003,
  '0004-log-tree': m0004,
  '0005-registry': m0005,
  '0007-clients': m0007,
  '0008-sessions': m0008,
  '0009-oidc': m0009,
  '0011-documents': m0011,
  '0012-trust-anchors': m0012,
  '0015-web-sessions': m0015,
  '0013-call-centre': m0013,
  '0014-wallet': m0014,
  '0016-credentials': m0016,
};
