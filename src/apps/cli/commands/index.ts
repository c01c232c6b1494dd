// The list of CLI commands. Each command lives in its own file and registers its flags here (one line each).
import type { Command } from 'commander';

export function registerCommands(program: Command): void {
  void program;
  // register<Name>(program);
}
