// The public API of the stepgate package (DESIGN "Programmatic API"): run a state machine in-process,
// or start the server that answers like AWS.
export { loadStateMachine, TaskFailure } from './sfn/machine.js';
export type { StateMachine, LoadOptions, RunOptions, ExecutionResult, TaskHandler, TaskInvocation } from './sfn/machine.js';
export { startServer } from './server/server.js';
export type { StartServerOptions, StepgateServer } from './server/server.js';
export type { TaskDispatcher, TaskContext } from './sfn/dispatch.js';
// Lambda: the local runtime for Node handlers (also what the server uses by default) and its port.
export { LocalLambdaRuntime } from './lambda/runtime.js';
export type { FunctionDefinition, FunctionConfiguration, LocalLambdaRuntimeOptions } from './lambda/runtime.js';
export { InProcessLambdaService, LambdaServiceError } from './lambda/service.js';
export type { LambdaService, LambdaInvokeOptions, LambdaInvokeResult } from './lambda/service.js';
// Task integrations, for machine.run({ dispatchers }) and startServer({ dispatchers }).
export { LambdaDispatcher } from './sfn/integrations/lambda.js';
export { StatesDispatcher } from './sfn/integrations/states.js';
export { HttpDispatcher } from './sfn/integrations/http.js';
export type { HttpConnection, HttpDispatcherOptions } from './sfn/integrations/http.js';
export { AwsSdkSfnDispatcher } from './sfn/integrations/aws-sdk-sfn.js';
export { InProcessExecutions } from './sfn/integrations/in-process-executions.js';
// Step Functions Local mock configs.
export { MockConfig, mockedTasks } from './sfn/integrations/mocks.js';
export type { MockConfigFile } from './sfn/integrations/mocks.js';
