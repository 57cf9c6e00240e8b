#!/usr/bin/env node
// The stepgate command line: argument parsing and printing only (DESIGN layers). Each command lives in
// the module that adds it: start (start-command.ts), validate and run (local-commands.ts), test-invoke
// (apigw-commands.ts), invoke / exec / executions / history (server-commands.ts).
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { addLocalCommands } from './local-commands.js';
import { addApiGatewayCommands } from './apigw-commands.js';
import { addServerCommands, usageExit } from './server-commands.js';
import { addStartCommand } from './start-command.js';

function version(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

const program = new Command();
program.name('stepgate')
  .description('AWS API Gateway (REST APIs) and AWS Step Functions on your own machine, with AWS\'s exact behaviour')
  .version(version(), '-v, --version')
  // usage errors (unknown option, missing argument) exit 2 in every command
  .exitOverride(usageExit)
  // the command list shows names only, so each summary fits on one line
  .configureHelp({ subcommandTerm: (cmd) => cmd.name() })
  .addHelpText('after', `
Examples:
  $ stepgate start examples/orders-sam/template.yaml --watch   # serve a SAM stack on http://127.0.0.1:4599
  $ stepgate validate template.yaml openapi.yaml               # check files the way AWS would
  $ stepgate invoke POST /orders -d '{"item":"tea","quantity":4}'
  $ stepgate exec orders-dev --input '{"item":"tea","quantity":4}'
  $ stepgate run workflow.asl.json --input '{}'                # one execution, no server

Run \`stepgate <command> --help\` for a command's options. Exit codes: 0 ok, 1 failed, 2 usage error.`);

addStartCommand(program, version());
addLocalCommands(program);
addApiGatewayCommands(program);
addServerCommands(program);

await program.parseAsync(process.argv);
