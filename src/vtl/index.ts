// Public face of the Velocity engine: compile a template once, render it many times; render an
// API Gateway mapping template against a request description.
export { compileTemplate, VtlRuntimeError } from './compiler.js';
export type { CompiledTemplate, CompileOptions, RenderResult } from './compiler.js';
export { VtlSyntaxError } from './parser.js';
export { renderMappingTemplate, buildVariables } from './apigw-context.js';
export type { MappingRequest, MappingResult } from './apigw-context.js';
