// A node of the real built server (dist/) configured from the environment, appending audit
// events in a loop and printing each committed entry id, until it is killed. The crash test
// runs it as a child process and kills it with SIGKILL mid-burst.
import { loadConfig } from '../../dist/config.js';
import { startNode } from '../../dist/node.js';

const node = await startNode(loadConfig(process.env), { logger: false });
// Pipes are written synchronously on Linux: a printed id was committed before the kill.
process.stdout.write(`ready ${node.url}\n`);
for (let i = 0; ; i++) {
  const id = await node.ctx.db
    .transaction()
    .execute((trx) =>
      node.ctx.audit.append(trx, { type: 'test.burst', actor: 'system', data: { i } }),
    );
  process.stdout.write(`committed ${id}\n`);
}
