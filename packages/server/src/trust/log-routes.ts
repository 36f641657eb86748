import type {
  ConsistencyProofJson,
  InclusionProofJson,
  LogEntryJson,
  LogKeyJson,
  SignedTreeHeadJson,
} from '@openmid/protocol';
import { Type } from 'typebox';
import type { SignedTreeHead } from '../audit/tree-head.js';
import type { AppContext } from '../context.js';
import { AppError, badRequest } from '../errors.js';
import type { App } from '../http/types.js';

// Query values stay strings (coerceTypes is off): digits only, below 2^53.
const Count = Type.String({ pattern: '^[0-9]{1,15}$' });
const Base64Hash = Type.String({ pattern: '^[A-Za-z0-9+/_-]{43}=?$' });
const query = <T extends Record<string, ReturnType<typeof Type.String>>>(properties: T) =>
  Type.Object(properties, { additionalProperties: false });
const opt = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Optional(t);

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

function sthJson(head: SignedTreeHead): SignedTreeHeadJson {
  return {
    tree_size: head.treeSize,
    root_hash: b64(head.rootHash),
    timestamp: head.timestamp,
    signature: b64(head.signature),
    key_id: head.keyId,
  };
}

/** The transparency log's public endpoints (SPEC §4.2, F24; docs/transparency-log.md). */
export async function registerLogRoutes(app: App, ctx: AppContext): Promise<void> {
  app.get(
    '/log/v1/sth',
    { schema: { querystring: query({ tree_size: opt(Count) }) } },
    async (request, reply): Promise<SignedTreeHeadJson> => {
      reply.header('cache-control', 'no-cache');
      const { tree_size } = request.query;
      if (tree_size === undefined) return sthJson(await ctx.audit.latestTreeHead());
      const head = await ctx.audit.findTreeHead(Number(tree_size));
      if (!head) throw new AppError('not_found', `no signed tree head of size ${tree_size}`);
      return sthJson(head);
    },
  );

  app.get('/log/v1/key', async (): Promise<LogKeyJson> => {
    const key = await ctx.audit.publicKey();
    return {
      key_id: key.keyId,
      algorithm: 'ES256',
      pem: key.pem,
      jwk: key.jwk as Record<string, string>,
    };
  });

  app.get(
    '/log/v1/proof/inclusion',
    {
      schema: {
        querystring: query({
          leaf_index: opt(Count),
          hash: opt(Base64Hash),
          tree_size: opt(Count),
        }),
      },
    },
    async (request): Promise<InclusionProofJson> => {
      const { leaf_index, hash, tree_size } = request.query;
      const size = tree_size === undefined ? undefined : Number(tree_size);
      if ((leaf_index === undefined) === (hash === undefined)) {
        throw badRequest('give exactly one of leaf_index and hash');
      }
      const proof =
        leaf_index !== undefined
          ? await ctx.audit.inclusionProof(Number(leaf_index), size)
          : await ctx.audit.inclusionProofByHash(
              Buffer.from(hash as string, /[-_]/.test(hash as string) ? 'base64url' : 'base64'),
              size,
            );
      return {
        leaf_index: proof.leafIndex,
        tree_size: proof.treeSize,
        audit_path: proof.auditPath.map(b64),
      };
    },
  );

  app.get(
    '/log/v1/proof/consistency',
    { schema: { querystring: query({ first: Count, second: Count }) } },
    async (request): Promise<ConsistencyProofJson> => {
      const proof = await ctx.audit.consistencyProof(
        Number(request.query.first),
        Number(request.query.second),
      );
      return {
        first: proof.first,
        second: proof.second,
        consistency_path: proof.consistencyPath.map(b64),
      };
    },
  );

  app.get(
    '/log/v1/entries',
    { schema: { querystring: query({ start: Count, end: Count }) } },
    async (request): Promise<{ entries: LogEntryJson[] }> => {
      const rows = await ctx.audit.listEntries(
        Number(request.query.start),
        Number(request.query.end),
      );
      return {
        entries: rows.map((r) => ({
          leaf_index: r.leafIndex as number,
          entry_json: r.entryJson,
          leaf_hash: b64(r.leafHash),
          time: r.createdAt.toISOString(),
        })),
      };
    },
  );
}
