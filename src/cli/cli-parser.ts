import { Command, CommanderError } from "commander";

/** The exit code of every usage mistake, as the gate documents it: 3, so a pipeline tells it from fail (1) and hold (2). */
export const USAGE_EXIT = 3;

export interface CliIo {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
}

export const processIo: CliIo = { out: process.stdout, err: process.stderr };

export type Parsed = { opts: Record<string, unknown>; operands: string[] };

/** A command named as the user types it (`deploy-guard gate`), with its help shown on stdout. */
export function command(name: string, description: string): Command {
  return new Command(`deploy-guard ${name}`).description(description).helpOption("-h, --help", "show this help");
}

/** The command as typed, sub-commands included: `deploy-guard rules check`. */
const fullName = (cmd: Command): string => (cmd.parent ? `${fullName(cmd.parent)} ${cmd.name()}` : cmd.name());

function configure(cmd: Command, io: CliIo, onLeaf: (p: Parsed) => void): void {
  cmd.exitOverride()
    .configureOutput({ writeOut: (s) => io.out.write(s), writeErr: (s) => io.err.write(s) })
    .showHelpAfterError(`(${fullName(cmd)} --help shows the usage)`);
  if (cmd.commands.length === 0) cmd.action((...args: unknown[]) => onLeaf({ opts: cmd.opts(), operands: (args.at(-1) as Command).args }));
  for (const sub of cmd.commands) configure(sub, io, onLeaf);
}

/**
 * Parses `args` with `cmd` (and its sub-commands). Returns the options of the command that matched, or an exit code:
 * 0 after --help, 3 after a usage mistake (commander has already said what was wrong, on stderr).
 */
export function parseCommandLine(cmd: Command, args: string[], io: CliIo): Parsed | number {
  let parsed: Parsed | undefined;
  configure(cmd, io, (p) => (parsed = p));
  try {
    cmd.parse(args, { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : USAGE_EXIT;
    throw e;
  }
  return parsed ?? USAGE_EXIT;
}

/** A usage mistake found after parsing (a missing option, a bad value): the message, a pointer to --help, exit 3. */
export function usageError(cmd: Command, io: CliIo, message: string): number {
  io.err.write(`${message}\n(${fullName(cmd)} --help shows the usage)\n`);
  return USAGE_EXIT;
}
