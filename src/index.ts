// The public API of the stepgate package (DESIGN "Programmatic API"): run a state machine in-process,
// or start the server that answers like AWS.
export { loadStateMachine, TaskFailure } from './sfn/machine.js';
export type { StateMachine, LoadOptions, RunOptions, ExecutionResult, TaskHandler, TaskInvocation } from './sfn/machine.js';
export { startServer } from './server/server.js';
export type { StartServerOptions, StepgateServer } from './server/server.js';
export type { TaskDispatcher, TaskContext } from './sfn/dispatch.js';
