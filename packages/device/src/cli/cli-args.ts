import { parseArgs } from 'node:util';

/** A command line the command cannot run with: exit 64 (EX_USAGE) with a one-line message. */
export class UsageError extends Error {
  override name = 'UsageError';
}

type OptionSpec = Record<string, { type: 'string' | 'boolean' }>;
export type ParsedOptions<S extends OptionSpec> = {
  [K in keyof S]?: S[K]['type'] extends 'string' ? string : boolean;
};

/** Parse `--name value` options strictly: unknown options and stray arguments are usage errors. */
export function parseOptions<S extends OptionSpec>(argv: string[], spec: S): ParsedOptions<S> {
  try {
    const { values } = parseArgs({
      args: argv,
      options: spec,
      strict: true,
      allowPositionals: false,
    });
    return values as ParsedOptions<S>;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

export function required<T>(value: T | undefined, name: string): T {
  if (value === undefined || value === '') throw new UsageError(`missing --${name}`);
  return value;
}

/** `--timeout S`: a positive number of seconds. */
export function parseSeconds(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !Number.isFinite(seconds) || seconds <= 0) {
    throw new UsageError(`--${name} must be a positive number of seconds`);
  }
  return seconds;
}

/** `--approve-claims a,b` (an empty value approves none). */
export function parseList(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
