/** Where a command writes, and the signal that stops a waiting command (SIGINT, SIGTERM). */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  signal: AbortSignal;
}

export const EXIT = { ok: 0, failure: 1, timeout: 2, usage: 64 } as const;

/** One JSON value on one line of stdout. */
export function printJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value)}\n`);
}

/** One line on stderr, prefixed with the command. */
export function printError(io: CliIo, command: string, message: string): void {
  io.stderr.write(`mid-device ${command}: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
}
