// Deploys an OpenAPI document as a REST API with a known id (templates: SAM AWS::Serverless::Api,
// AWS::ApiGateway::RestApi Body): import, then a deployment to the stage with its variables.
import type { ApiRegistry } from './registry.js';
import { importDefinition } from './openapi.js';

export interface DeployApiInput {
  id: string;
  name: string;
  body: Record<string, unknown>;
  stageName: string;
  variables?: Record<string, string>;
}

/** Creates (or replaces) the API `id`; returns the import warnings. */
export function deployApi(registry: ApiRegistry, input: DeployApiInput): string[] {
  if (registry.apis.has(input.id)) registry.deleteApi(input.id);
  const state = registry.createApi({ name: input.name }, input.id);
  try {
    const warnings = importDefinition(registry, state, input.body, { mode: 'create', failOnWarnings: false });
    registry.createDeployment(state, { stageName: input.stageName, ...(input.variables ? { variables: input.variables } : {}) });
    return warnings;
  } catch (e) {
    registry.apis.delete(input.id);
    throw e;
  }
}
