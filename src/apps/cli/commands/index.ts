// The list of CLI commands. Each command lives in its own file and registers its flags here (one line each).
import type { Command } from 'commander';
import { registerBacktest } from './backtest.js';
import { registerContract } from './contract.js';
import { registerData } from './data.js';
import { registerIndicator } from './indicator.js';
import { registerJournal } from './journal.js';
import { registerSpecs } from './specs.js';
import { registerSize } from './size.js';
import { registerCosts } from './costs.js';
import { registerHedge } from './hedge.js';
import { registerScalePlan } from './scale-plan.js';
import { registerReport } from './report.js';
import { registerCompare } from './compare.js';
import { registerFakex } from './fakex.js';
import { registerReview } from './review.js';
import { registerDemo } from './demo.js';
import { registerPaper } from './paper.js';
import { registerLive } from './live.js';
import { registerFlatten } from './flatten.js';

export function registerCommands(program: Command): void {
  void program;
  // register<Name>(program);
  registerBacktest(program);
  registerContract(program);
  registerData(program);
  registerIndicator(program);
  registerJournal(program);
  registerSpecs(program);
  registerSize(program);
  registerCosts(program);
  registerHedge(program);
  registerScalePlan(program);
  registerReport(program);
  registerCompare(program);
  registerFakex(program);
  registerReview(program);
  registerDemo(program);
  registerPaper(program);
  registerLive(program);
  registerFlatten(program);
}
