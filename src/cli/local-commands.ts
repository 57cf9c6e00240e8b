// `stepgate validate` and `stepgate run`: check or run one state machine definition in this process,
// no server needed (virtual time: Wait states and retries take no real time).
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { validateDefinition } from '../asl/validate.js';
import { loadStateMachine, InvalidDefinitionError } from '../sfn/machine.js';

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    console.error(`stepgate: cannot read ${file}: ${(e as Error).message}`);
    process.exit(2);
  }
}

export function addLocalCommands(program: Command): void {
  program.command('validate')
    .description('check a state machine definition the way ValidateStateMachineDefinition does')
    .argument('<definition>', 'ASL definition file (JSON)')
    .option('--type <type>', 'STANDARD or EXPRESS', 'STANDARD')
    .action((file: string, o: { type: string }) => {
      const diagnostics = validateDefinition(readText(file), { type: o.type === 'EXPRESS' ? 'EXPRESS' : 'STANDARD' });
      const errors = diagnostics.filter((d) => d.severity === 'ERROR');
      console.log(JSON.stringify({ result: errors.length ? 'FAIL' : 'OK', diagnostics }, null, 2));
      process.exitCode = errors.length ? 1 : 0;
    });

  program.command('run')
    .description('run a state machine definition once, in this process, and print its outcome')
    .argument('<definition>', 'ASL definition file (JSON)')
    .option('-i, --input <json>', 'execution input (JSON text)', '{}')
    .option('--input-file <file>', 'read the execution input from a file')
    .option('--type <type>', 'STANDARD or EXPRESS', 'STANDARD')
    .option('--history', 'also print the execution history (GetExecutionHistory events)')
    .action(async (file: string, o: { input: string; inputFile?: string; type: string; history?: boolean }) => {
      let machine;
      try {
        machine = loadStateMachine(readText(file), { type: o.type === 'EXPRESS' ? 'EXPRESS' : 'STANDARD' });
      } catch (e) {
        console.error(e instanceof InvalidDefinitionError ? e.message : `stepgate: ${(e as Error).message}`);
        process.exit(1);
      }
      const inputText = o.inputFile ? readText(o.inputFile) : o.input;
      let input: unknown;
      try {
        input = JSON.parse(inputText);
      } catch (e) {
        console.error(`stepgate: the input is not JSON: ${(e as Error).message}`);
        process.exit(2);
      }
      const run = await machine.run(input);
      const result: Record<string, unknown> = { status: run.status };
      if (run.output !== undefined) result.output = run.output;
      if (run.error !== undefined) result.error = run.error;
      if (run.cause !== undefined) result.cause = run.cause;
      if (o.history) result.events = run.history;
      console.log(JSON.stringify(result, null, 2));
      process.exitCode = run.status === 'SUCCEEDED' ? 0 : 1;
    });
}
