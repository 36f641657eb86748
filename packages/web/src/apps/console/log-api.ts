import { api } from '../../ui/api.js';
import type { TreeHeadJson } from './log-verify.js';

/** GET /log/v1/entries (public): the exact leaf bytes and their listed hash. */
export interface LogEntryJson {
  leaf_index: number;
  entry_json: string;
  leaf_hash: string;
  time: string;
}

/** An entry with its canonical JSON parsed (type, actor, data). */
export interface ParsedEntry extends LogEntryJson {
  type: string;
  actor: string;
  data: Record<string, unknown>;
}

export function parseEntry(e: LogEntryJson): ParsedEntry {
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(e.entry_json) as Record<string, unknown>;
  } catch {
    // A damaged entry is listed as it is; its verification fails.
  }
  return {
    ...e,
    type: typeof parsed.type === 'string' ? parsed.type : '?',
    actor: typeof parsed.actor === 'string' ? parsed.actor : '?',
    data:
      parsed.data && typeof parsed.data === 'object'
        ? (parsed.data as Record<string, unknown>)
        : {},
  };
}

export const latestHead = (): Promise<TreeHeadJson> => api<TreeHeadJson>('/log/v1/sth');

/** The newest `count` entries of the tree of `size` leaves (pages of at most 1000), newest first. */
export async function latestEntries(size: number, count: number): Promise<ParsedEntry[]> {
  const start = Math.max(0, size - count);
  const out: LogEntryJson[] = [];
  for (let from = start; from < size; from += 1000) {
    const page = await api<{ entries: LogEntryJson[] }>(
      `/log/v1/entries?start=${from}&end=${Math.min(size, from + 1000)}`,
    );
    out.push(...page.entries);
  }
  return out.map(parseEntry).reverse();
}
