import 'reflect-metadata';
import { ConfigError, loadConfig } from './config.js';
import { startNode } from './node.js';

// The only impure entry point: environment → config → node → signals.
async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`OpenMID cannot start: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  const node = await startNode(config);
  const log = node.app.log;
  if (node.masterKey.source === 'generated') {
    log.warn(
      `NOTICE: generated a master key in ${node.masterKey.path} — development only; set MASTER_KEY in production`,
    );
  } else if (node.masterKey.source === 'file') {
    log.warn(
      `NOTICE: using the development master key in ${node.masterKey.path}; set MASTER_KEY in production`,
    );
  }
  if (!config.databaseUrl) {
    log.info(
      `NOTICE: using the embedded database in ${config.dataDir}; set DATABASE_URL for PostgreSQL`,
    );
  }
  log.info(`OpenMID is listening on ${config.publicUrl}`);
  const bootstrapToken = node.ctx.staff.takeGeneratedBootstrapToken();
  if (bootstrapToken) {
    // Printed once, to the console whatever the log level; only its keyed hash is stored.
    console.log(
      `\nBootstrap operator token (shown once, store it now; ADMIN_TOKEN sets your own):\n  ${bootstrapToken}\n`,
    );
  }
  const u = config.publicUrl;
  const lines = [
    '',
    'OpenMID',
    `  wallet:           ${u}/wallet/`,
    `  self-service:     ${u}/portal/`,
    `  consoles:         ${u}/console/`,
    `  developers:       ${u}/developers/`,
    `  verifier:         ${u}/verifier/`,
    `  admin API:        ${u}/admin/v1 (docs/admin-api.md)`,
    `  RP REST API:      ${u}/rp/v1 (docs/rp-api.md; OpenAPI at ${u}/openapi.json)`,
    `  OIDC discovery:   ${u}/.well-known/openid-configuration`,
  ];
  if (node.sandbox) {
    const { client, persons } = node.sandbox;
    lines.push(
      '',
      'Sandbox (SANDBOX=false turns it off)',
      `  demo RP:          ${u}/demo-rp/ (an e-Tax portal that logs in with OIDC and signs a PDF)`,
      `  demo RP client:   client_id=${client.clientId}  client_secret=${client.clientSecret}`,
      '  test persons (nationalId, phone: what their phone does):',
      ...persons.map(
        (p) =>
          `    ${p.nationalId}  ${p.phone}  ${p.name.padEnd(22)} ${p.outcome}${
            p.activationCode ? `  activation code ${p.activationCode}` : ''
          }`,
      ),
    );
  }
  console.log(`${lines.join('\n')}\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`received ${signal}; draining requests`);
    const force = setTimeout(() => {
      log.error('shutdown grace period expired; exiting');
      process.exit(1);
    }, config.shutdownGraceMs);
    force.unref();
    node.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  console.error('OpenMID failed to start:', error);
  process.exit(1);
});
