import { setMaxListeners } from 'node:events';
import type { FastifyServerOptions } from 'fastify';
import { sql } from 'kysely';
import { type BuiltApp, buildApp } from './app.js';
import { type Bus, createInProcessBus } from './bus/bus.js';
import { createPostgresBus } from './bus/pg-bus.js';
import { type Clock, systemClock } from './clock.js';
import type { Config } from './config.js';
import type { AppContext } from './context.js';
import { type OpenedDb, openDb } from './db/db.js';
import { migrateToLatest } from './db/migrate.js';
import { createKeyVault } from './keys/key-vault.js';
import { type MasterKeyResult, resolveMasterKey } from './keys/master-key.js';
import { createMetricsRegistry } from './ops/metrics.js';
import { type SandboxSummary, seedSandbox, startSandboxSimulator } from './sandbox/sandbox.js';

export interface RunningNode extends BuiltApp {
  url: string;
  masterKey: MasterKeyResult;
  /** What the sandbox seeded (SANDBOX on): the demo client's credentials and the test persons. */
  sandbox?: SandboxSummary;
  /** Drain requests, end long polls, close the bus and the database. */
  stop(): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  logger?: FastifyServerOptions['logger'];
  /** Use an already opened database (tests share one per worker). */
  database?: OpenedDb;
}

/** Open everything one node needs, build the app and listen. Used by main.ts and by tests. */
export async function startNode(config: Config, options: StartOptions = {}): Promise<RunningNode> {
  const masterKey = resolveMasterKey(config);
  const opened =
    options.database ??
    (await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }));
  const ownsDb = !options.database;
  let bus: Bus | undefined;
  try {
    await migrateToLatest(opened.db as never);
    bus =
      opened.kind === 'postgres' && opened.url
        ? await createPostgresBus(opened.url)
        : createInProcessBus();
    const shutdown = new AbortController();
    // Every long poll and device stream listens for the shutdown: no listener cap.
    setMaxListeners(0, shutdown.signal);
    const built = await buildApp(
      {
        config,
        db: opened.db,
        dbKind: opened.kind,
        bus,
        vault: createKeyVault(masterKey.key),
        clock: options.clock ?? systemClock,
        metrics: createMetricsRegistry(),
        shutdownSignal: shutdown.signal,
      },
      options.logger === undefined ? {} : { logger: options.logger },
    );
    built.app.addHook('preClose', async () => {
      shutdown.abort();
    });
    const address = await built.app.listen({ port: config.port, host: config.host });
    const port = Number(new URL(address).port);
    const url = `http://127.0.0.1:${port}`;
    const theBus = bus;
    let sandbox: SandboxSummary | undefined;
    let simulator: { stop(): void } | undefined;
    if (config.features.sandbox.enabled) {
      // Seeded through the node's own HTTP API (the virtual phones activate like real ones).
      sandbox = await seedSandboxOnce(built.ctx, url);
      simulator = await startSandboxSimulator(built.ctx, (err) =>
        built.app.log.warn({ err }, 'sandbox virtual phone failed to answer'),
      );
    }
    let stopping: Promise<void> | undefined;
    return {
      ...built,
      url,
      masterKey,
      ...(sandbox ? { sandbox } : {}),
      stop() {
        stopping ??= (async () => {
          simulator?.stop();
          await built.app.close();
          await theBus.close();
          if (ownsDb) await opened.close();
        })();
        return stopping;
      },
    };
  } catch (error) {
    await bus?.close().catch(() => {});
    if (ownsDb) await opened.close().catch(() => {});
    throw error;
  }
}

/**
 * Nodes starting together on one PostgreSQL database take turns to seed (it runs through HTTP in
 * many transactions, so a transaction lock cannot cover it); the later one finds everything there.
 * PGlite has one node and one connection, so it needs no lock (and holding its connection would
 * deadlock the seeding).
 */
async function seedSandboxOnce(ctx: AppContext, url: string): Promise<SandboxSummary> {
  if (ctx.dbKind !== 'postgres') return seedSandbox(ctx, url);
  return ctx.db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(hashtext('openmid.sandbox_seed'))`.execute(conn);
    try {
      return await seedSandbox(ctx, url);
    } finally {
      await sql`select pg_advisory_unlock(hashtext('openmid.sandbox_seed'))`.execute(conn);
    }
  });
}
