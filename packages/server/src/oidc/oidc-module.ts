import type { App } from '../http/types.js';
import { registerLoginRoutes } from './login-routes.js';
import type { OidcDeps } from './oidc-deps.js';
import { loadOrCreateSigningKeys, rotateSigningKeys, signingKeysVersion } from './oidc-keys.js';
import { mountProvider } from './oidc-routes.js';
import { deleteExpiredPayloads } from './oidc-store.js';
import { createProvider, type OidcProvider } from './provider.js';

/** Every minute: notice a key rotation done by another node, drop long-expired artifacts. */
const MAINTENANCE_MS = 60_000;
const EXPIRED_GRACE_MS = 3600_000;

export interface OidcModule {
  current(): OidcProvider;
  /** Add new signing keys (old ones stay published) and start signing with them on this node. */
  rotateKeys(): Promise<string[]>;
}

/** The OpenID Provider of this node: provider, mount, log-in pages, maintenance timer. */
export async function registerOidc(app: App, deps: OidcDeps): Promise<OidcModule> {
  const build = async (): Promise<{ built: OidcProvider; version: string }> => {
    const version = await signingKeysVersion(deps.db);
    const signingKeys = await loadOrCreateSigningKeys(deps.db, deps.vault, deps.clock);
    return {
      built: createProvider({
        deps,
        signingKeys,
        cibaIntervalSeconds: deps.config.oidc.cibaIntervalSeconds,
      }),
      version: version || (await signingKeysVersion(deps.db)),
    };
  };
  let { built: current, version } = await build();
  const reload = async () => {
    const latest = await signingKeysVersion(deps.db);
    if (latest === version) return;
    ({ built: current, version } = await build());
  };

  mountProvider(app, deps.config.publicUrl, () => current);
  registerLoginRoutes(app, deps, () => current);

  const timer = setInterval(() => {
    reload()
      .then(() =>
        deleteExpiredPayloads(deps.db, new Date(deps.clock.now().getTime() - EXPIRED_GRACE_MS)),
      )
      .catch((err: unknown) => deps.log.error({ err }, 'OIDC maintenance failed'));
  }, MAINTENANCE_MS);
  timer.unref();
  app.addHook('onClose', async () => clearInterval(timer));

  return {
    current: () => current,
    async rotateKeys() {
      const kids = await rotateSigningKeys(deps.db, deps.vault, deps.clock);
      await reload();
      return kids;
    },
  };
}
