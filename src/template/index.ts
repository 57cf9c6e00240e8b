// SAM / CloudFormation templates: load a template file into a deployment plan.
export { loadTemplate, planTemplate, apiIdFor } from './load.js';
export type {
  LoadTemplateOptions, StackPlan, PlannedStateMachine, PlannedFunction, PlannedApi, UnsupportedResource,
  PlannedApiKey, PlannedApiParts, PlannedUsagePlan, PlannedUsagePlanKey,
} from './load.js';
export { TemplateError } from './errors.js';
export { readImports } from './imports.js';
export { parseTemplateText } from './yaml-cfn.js';
