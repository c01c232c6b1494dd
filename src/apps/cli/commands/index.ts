// The list of CLI commands. Each command lives in its own file and registers its flags here.
import type { Command } from 'commander';

export function registerCommands(_program: Command): void {
  // one line per command module: register<Name>(program);
}
