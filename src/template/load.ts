// Loads a SAM / CloudFormation template from disk and turns it into a deployment plan: the state
// machines, functions and REST APIs to create locally, with every intrinsic function resolved the way
// CloudFormation would (parameters with overrides, conditions, mappings, pseudo parameters, AWS::Include
// of local files) and the SAM transform applied (Globals, AWS::Serverless::* resources, Api events).
// The REST API resources (SAM Auth/Cors/UsagePlan/GatewayResponses/Models, CloudFormation
// AWS::ApiGateway::*) are planned by sam-api.ts and cfn-apigateway.ts. Resource types stepgate does not
// run are listed in `unsupported`, never silently dropped.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve as resolvePath } from 'node:path';
import { parseTemplateText } from './yaml-cfn.js';
import { TemplateError, unresolvedDependencies, type TemplateLocation } from './errors.js';
import { evaluateCondition, resolveValue, type ResolveContext } from './intrinsics.js';
import { apiIdFor, generatedName, stableId } from './ids.js';
import {
  addAuth, addCors, addEventAuth, addEventRequest, addGatewayResponses, addModels, applyOpenApiVersion, checkEventRequestProperties,
  checkOpenApiVersion, eventIntegrationCredentials, openApiPostprocess, operationKey, samInvalid, samUsagePlan, samUsagePlanIds,
} from './sam-api.js';
import {
  ApiGatewayResources, apigwPhysical, emptyParts, quotaFrom, referencesOf, throttleFrom,
  type PlannedApiKey, type PlannedApiParts, type PlannedUsagePlan, type PlannedUsagePlanKey,
} from './cfn-apigateway.js';

export { apiIdFor } from './ids.js';
export type { PlannedApiKey, PlannedApiParts, PlannedUsagePlan, PlannedUsagePlanKey } from './cfn-apigateway.js';

export interface LoadTemplateOptions {
  stackName?: string;
  region?: string;
  accountId?: string;
  /** `--parameter-overrides Name=Value` */
  parameterOverrides?: Record<string, string>;
  /** values for Fn::ImportValue (exports of other stacks) */
  imports?: Record<string, unknown>;
}

export interface PlannedStateMachine {
  logicalId: string;
  line?: number;
  name: string;
  arn: string;
  type: 'STANDARD' | 'EXPRESS';
  definition: Record<string, unknown>;
  roleArn: string;
}

export interface PlannedFunction {
  logicalId: string;
  line?: number;
  name: string;
  arn: string;
  /** absolute directory (CodeUri / Code as a local path) */
  codeDir?: string;
  /** Code.ZipFile inline source */
  inlineCode?: string;
  handler: string;
  runtime: string;
  environment: Record<string, string>;
  timeout: number;
  memorySize: number;
}

export interface PlannedApi {
  logicalId: string;
  line?: number;
  apiId: string;
  name: string;
  /** the OpenAPI document to import (SAM's Cors/Auth edits included) */
  body: Record<string, unknown>;
  /** the stage the API is served on (the first one when there are several; '' when it is not deployed) */
  stageName: string;
  variables: Record<string, string>;
  /** what `Fn::GetAtt Api.RootResourceId` returned */
  rootResourceId: string;
  /** CreateRestApi input besides the name: description, binaryMediaTypes, apiKeySource, endpointConfiguration */
  create: Record<string, unknown>;
  /** the RestApi's Policy (a JSON document as text) */
  policy?: string;
  /** step-by-step resources, methods, authorizers, ..., and the deployments and stages */
  parts: PlannedApiParts;
}

export interface UnsupportedResource { logicalId: string; type: string; line?: number }

export interface StackPlan {
  file: string;
  stackName: string;
  region: string;
  accountId: string;
  parameters: Record<string, unknown>;
  stateMachines: PlannedStateMachine[];
  functions: PlannedFunction[];
  apis: PlannedApi[];
  /** AWS::ApiGateway::ApiKey / UsagePlan / UsagePlanKey, including those SAM's Auth.UsagePlan creates */
  apiKeys: PlannedApiKey[];
  usagePlans: PlannedUsagePlan[];
  usagePlanKeys: PlannedUsagePlanKey[];
  /** IAM roles are recorded (their ARNs resolve) but not enforced */
  roles: { logicalId: string; name: string; arn: string }[];
  unsupported: UnsupportedResource[];
  outputs: Record<string, unknown>;
  /** every file the plan was read from: the template, then each AWS::Include / DefinitionUri location */
  files: string[];
}

/** file extensions the local Lambda runtime loads a handler module from */
const HANDLER_EXTENSIONS = ['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts'];

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Recorded but not run: these resources only grant or describe, which local runs do not need. */
const RECORDED_ONLY = new Set([
  'AWS::IAM::Role', 'AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::Lambda::Permission', 'AWS::Logs::LogGroup',
  'AWS::ApiGateway::Account',
]);

/** AWS::ApiGateway::* types planned by cfn-apigateway.ts (RestApi is planned here). */
const APIGW_PARTS = new Set([
  'AWS::ApiGateway::Resource', 'AWS::ApiGateway::Method', 'AWS::ApiGateway::Deployment', 'AWS::ApiGateway::Stage',
  'AWS::ApiGateway::Authorizer', 'AWS::ApiGateway::Model', 'AWS::ApiGateway::RequestValidator', 'AWS::ApiGateway::GatewayResponse',
  'AWS::ApiGateway::ApiKey', 'AWS::ApiGateway::UsagePlan', 'AWS::ApiGateway::UsagePlanKey',
]);

export function loadTemplate(file: string, options: LoadTemplateOptions = {}): StackPlan {
  const path = resolvePath(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new TemplateError(`cannot read template: ${(e as Error).message}`, { file: path });
  }
  const { template, resourceLines, lines } = parseTemplateText(text, path);
  return planTemplate(template, { ...options, file: path, resourceLines, lines });
}

interface PhysicalResource { type: string; ref: string; atts: Record<string, unknown> }

interface PlanContext extends LoadTemplateOptions {
  file: string;
  resourceLines?: Map<string, number>;
  /** lines of sections and of `Parameters.X`, `Conditions.X`, `Outputs.X` (see parseTemplateText) */
  lines?: Map<string, number>;
}

/**
 * Runs fn; a TemplateError thrown inside that lacks a line or logical id gets them from `at` (the
 * resource, condition, parameter or output being worked on). Errors located in another file (an
 * included one) keep their file and line and only gain the logical id.
 */
function located<T>(at: TemplateLocation, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof TemplateError)) throw e;
    const w = e.where;
    if (w.line !== undefined && w.logicalId !== undefined) throw e;
    const elsewhere = w.file !== undefined && w.file !== at.file && w.line !== undefined;
    const merged: TemplateLocation = elsewhere ? { ...w, logicalId: w.logicalId ?? at.logicalId } : { ...at, ...defined(w) };
    throw new TemplateError(e.reason, merged);
  }
}

/**
 * DependsOn must name resources that will be created (a resource whose Condition is false is not one).
 * The SAM transform creates resources of its own, named after the resource they come from
 * (`<Function>Role`, `<Api>Deployment…`, `<Api><Stage>Stage`, `ServerlessRestApi…`): those are accepted.
 */
function checkDependsOn(active: [string, Record<string, unknown>][], physical: Map<string, unknown>, where: (id: string) => TemplateLocation): void {
  const sam = active.filter(([, raw]) => typeof raw.Type === 'string' && raw.Type.startsWith('AWS::Serverless::')).map(([id]) => id);
  const known = (target: string): boolean => physical.has(target) || target.startsWith('ServerlessRestApi') || target.startsWith('ServerlessHttpApi')
    || sam.some((id) => target.startsWith(id));
  for (const [id, raw] of active) {
    const dependsOn = raw.DependsOn;
    if (dependsOn === undefined) continue;
    const targets = Array.isArray(dependsOn) ? dependsOn : [dependsOn];
    if (!targets.every((t) => typeof t === 'string')) throw new TemplateError('DependsOn must be a logical id or a list of logical ids', where(id));
    const missing = (targets as string[]).filter((t) => !known(t));
    if (missing.length > 0) throw new TemplateError(unresolvedDependencies(missing), where(id));
  }
}

function defined(w: TemplateLocation): TemplateLocation {
  return Object.fromEntries(Object.entries(w).filter(([, v]) => v !== undefined)) as TemplateLocation;
}

export function planTemplate(template: Record<string, unknown>, opts: PlanContext): StackPlan {
  const file = opts.file;
  const baseDir = dirname(file);
  const region = opts.region ?? 'us-east-1';
  const accountId = opts.accountId ?? '000000000000';
  const stackName = opts.stackName ?? 'stepgate';
  const lineOf = (id: string): number | undefined => opts.resourceLines?.get(id);
  const where = (id: string): { file: string; logicalId: string; line?: number } => {
    const line = lineOf(id);
    return { file, logicalId: id, ...(line !== undefined ? { line } : {}) };
  };
  /** location of a template section entry, e.g. ('Conditions', 'IsProd') */
  const whereIn = (section: string, name: string, logicalId = `${section}.${name}`): TemplateLocation => {
    const line = opts.lines?.get(`${section}.${name}`) ?? opts.lines?.get(section);
    return { file, logicalId, ...(line !== undefined ? { line } : {}) };
  };
  const sectionAt = (section: string): TemplateLocation => {
    const line = opts.lines?.get(section);
    return { file, ...(line !== undefined ? { line } : {}) };
  };

  if (template.Resources === undefined || template.Resources === null) {
    throw new TemplateError('the template has no Resources section (at least one resource is required)', { file });
  }
  if (!isObj(template.Resources)) {
    throw new TemplateError(`Resources must be a map of logical ids to resources, got ${Array.isArray(template.Resources) ? 'a list' : typeof template.Resources}`, sectionAt('Resources'));
  }
  if (Object.keys(template.Resources).length === 0) {
    throw new TemplateError('the Resources section is empty (at least one resource is required)', sectionAt('Resources'));
  }
  for (const section of ['Parameters', 'Conditions', 'Mappings', 'Outputs', 'Globals']) {
    if (template[section] !== undefined && template[section] !== null && !isObj(template[section])) {
      throw new TemplateError(`${section} must be a map`, sectionAt(section));
    }
  }
  const resources = template.Resources as Record<string, unknown>;
  const pseudo: Record<string, string> = {
    'AWS::Region': region, 'AWS::AccountId': accountId, 'AWS::StackName': stackName, 'AWS::Partition': 'aws',
    'AWS::URLSuffix': 'amazonaws.com', 'AWS::StackId': `arn:aws:cloudformation:${region}:${accountId}:stack/${stackName}/00000000-0000-0000-0000-000000000000`,
  };
  const parameters = resolveParameters(template.Parameters, opts.parameterOverrides ?? {}, file, (n) => whereIn('Parameters', n));
  const mappings = isObj(template.Mappings) ? template.Mappings : {};
  const includeCache = new Map<string, unknown>();
  const include = (location: string): unknown => {
    if (/^s3:\/\//.test(location) || /^https?:\/\//.test(location)) {
      throw new TemplateError(`AWS::Include of ${location}: only local files can be included locally (S3 and HTTP locations cannot be read)`, { file });
    }
    const p = isAbsolute(location) ? location : resolvePath(baseDir, location);
    if (!includeCache.has(p)) {
      let t: string;
      try {
        t = readFileSync(p, 'utf8');
      } catch (e) {
        throw new TemplateError(`AWS::Include: cannot read ${p}: ${(e as Error).message}`, { file });
      }
      includeCache.set(p, parseTemplateText(t, p, { fragment: true }).template);
    }
    return includeCache.get(p);
  };

  // Physical ids are known before any property is resolved, so Ref/GetAtt between resources work.
  const physical = new Map<string, PhysicalResource>();
  const conditions: Record<string, boolean> = {};
  const ctx: ResolveContext = {
    parameters, pseudo, conditions, mappings,
    refOf: (id) => physical.get(id)?.ref,
    getAtt: (id, att, from) => {
      const p = physical.get(id);
      if (!p && Object.hasOwn(resources, id)) throw new TemplateError(unresolvedDependencies([id], from), { file }); // its Condition is false
      if (!p) throw new TemplateError(`Template error: instance of Fn::GetAtt references undefined resource ${id}`, { file });
      if (!(att in p.atts)) throw new TemplateError(`Fn::GetAtt: ${p.type} ${id} has no attribute ${att} in stepgate`, { file });
      return p.atts[att];
    },
    include,
    importValue: (name) => {
      if (!opts.imports || !(name in opts.imports)) throw new TemplateError(`Fn::ImportValue ${name}: no such export (pass imports to stepgate)`, { file });
      return opts.imports[name];
    },
  };
  evaluateConditions(template.Conditions, ctx, (n) => whereIn('Conditions', n));

  const globals = isObj(template.Globals) ? template.Globals : {};
  const active: [string, Record<string, unknown>][] = [];
  for (const [id, raw] of Object.entries(resources)) {
    if (!isObj(raw)) throw new TemplateError('a resource must be a map with a Type', where(id));
    if (raw.Type === undefined) throw new TemplateError('every resource needs a Type', where(id));
    if (typeof raw.Type !== 'string') throw new TemplateError(`Type must be a string, got ${JSON.stringify(raw.Type)}`, where(id));
    if (raw.Properties !== undefined && raw.Properties !== null && !isObj(raw.Properties)) {
      throw new TemplateError(`Properties must be a map, got ${Array.isArray(raw.Properties) ? 'a list' : JSON.stringify(raw.Properties)}`, where(id));
    }
    if (raw.Condition !== undefined && typeof raw.Condition !== 'string') throw new TemplateError('Condition must be the name of a condition', where(id));
    if (typeof raw.Condition === 'string') {
      if (!(raw.Condition in conditions)) throw new TemplateError(`the condition ${raw.Condition} is not defined`, where(id));
      if (!conditions[raw.Condition]) continue;
    }
    active.push([id, raw]);
  }
  /** SAM's Auth.UsagePlan creates an ApiKey, a UsagePlan and a UsagePlanKey that templates can Ref. */
  const registerUsagePlan = (apiLogicalId: string, props: Record<string, unknown>): void => {
    const mode = isObj(props.Auth) && isObj(props.Auth.UsagePlan) ? props.Auth.UsagePlan.CreateUsagePlan : undefined;
    const generated = samUsagePlanIds(apiLogicalId, mode);
    if (!generated) return;
    physical.set(generated.apiKey, apigwPhysical('AWS::ApiGateway::ApiKey', generated.apiKey, stackName, () => undefined) as PhysicalResource);
    physical.set(generated.usagePlan, apigwPhysical('AWS::ApiGateway::UsagePlan', generated.usagePlan, stackName, () => undefined) as PhysicalResource);
    physical.set(generated.usagePlanKey, apigwPhysical('AWS::ApiGateway::UsagePlanKey', generated.usagePlanKey, stackName, () => undefined) as PhysicalResource);
  };
  /**
   * SAM's generated stage of an Api: `!Ref Api.Stage` is the stage name, and DependsOn may name the
   * generated `<Api><StageName>Stage` (SAM "Generated AWS CloudFormation resources for AWS SAM", Api).
   */
  const registerSamStage = (apiLogicalId: string, stageName: string): void => {
    if (stageName === '') return;
    const stage: PhysicalResource = { type: 'AWS::ApiGateway::Stage', ref: stageName, atts: {} };
    physical.set(`${apiLogicalId}.Stage`, stage);
    physical.set(`${apiLogicalId}${stageName}Stage`, stage);
  };
  const nameOf = (id: string, props: Record<string, unknown>, key: string, dflt: string): string => {
    if (!(key in props)) return dflt;
    const v = located(where(id), () => resolveValue(props[key], { ...ctx, logicalId: id, refOf: () => undefined }));
    return typeof v === 'string' && v !== '' ? v : dflt;
  };
  for (const [id, raw] of active) {
    const props = isObj(raw.Properties) ? raw.Properties : {};
    const type = raw.Type as string;
    switch (type) {
      case 'AWS::Serverless::StateMachine':
      case 'AWS::StepFunctions::StateMachine': {
        const name = nameOf(id, props, type === 'AWS::Serverless::StateMachine' ? 'Name' : 'StateMachineName', id);
        const arn = `arn:aws:states:${region}:${accountId}:stateMachine:${name}`;
        physical.set(id, { type, ref: arn, atts: { Arn: arn, Name: name } });
        break;
      }
      case 'AWS::Serverless::Function':
      case 'AWS::Lambda::Function': {
        const name = nameOf(id, props, 'FunctionName', id);
        const arn = `arn:aws:lambda:${region}:${accountId}:function:${name}`;
        physical.set(id, { type, ref: name, atts: { Arn: arn } });
        break;
      }
      case 'AWS::Serverless::Api':
      case 'AWS::ApiGateway::RestApi': {
        const apiId = apiIdFor(stackName, id);
        physical.set(id, { type, ref: apiId, atts: { RestApiId: apiId, RootResourceId: apiIdFor(stackName, `${id}/`) } });
        if (type === 'AWS::Serverless::Api') {
          registerUsagePlan(id, withGlobals(type, props, globals));
          registerSamStage(id, nameOf(id, withGlobals(type, props, globals), 'StageName', ''));
        }
        break;
      }
      case 'AWS::IAM::Role': {
        const name = nameOf(id, props, 'RoleName', `${stackName}-${id}`);
        physical.set(id, { type, ref: name, atts: { Arn: `arn:aws:iam::${accountId}:role/${name}`, RoleId: apiIdFor(stackName, id).toUpperCase() } });
        break;
      }
      case 'AWS::StepFunctions::Activity': {
        const name = nameOf(id, props, 'Name', id);
        const arn = `arn:aws:states:${region}:${accountId}:activity:${name}`;
        physical.set(id, { type, ref: arn, atts: { Name: name } });
        break;
      }
      default:
        physical.set(id, apigwPhysical(type, id, stackName, (key) => (key in props ? nameOf(id, props, key, '') || undefined : undefined)) ?? { type, ref: id, atts: {} });
    }
  }
  // SAM Api events without an explicit RestApiId land on the implicit API, as SAM does.
  const needsImplicitApi = active.some(([, raw]) => isObj(raw.Properties) && isObj(raw.Properties.Events)
    && Object.values(raw.Properties.Events).some((e) => isObj(e) && e.Type === 'Api' && !(isObj(e.Properties) && 'RestApiId' in e.Properties)));
  if (needsImplicitApi && !physical.has('ServerlessRestApi')) {
    const implicitId = apiIdFor(stackName, 'ServerlessRestApi');
    physical.set('ServerlessRestApi', { type: 'AWS::Serverless::Api', ref: implicitId, atts: { RestApiId: implicitId, RootResourceId: apiIdFor(stackName, 'ServerlessRestApi/') } });
    registerUsagePlan('ServerlessRestApi', withGlobals('AWS::Serverless::Api', {}, globals));
    registerSamStage('ServerlessRestApi', 'Prod');
  }

  checkDependsOn(active, physical, where);

  const plan: StackPlan = {
    file, stackName, region, accountId, parameters,
    stateMachines: [], functions: [], apis: [], apiKeys: [], usagePlans: [], usagePlanKeys: [], roles: [], unsupported: [], outputs: {}, files: [],
  };
  /** AWS::Serverless::Api resources (and the implicit API): resolved properties, whether SAM writes the definition */
  const samApis = new Map<string, SamApi>();
  const events: PlannedEvent[] = [];
  const references = new Map(active.map(([id, raw]) => [id, referencesOf(raw)]));
  const apigwParts = new ApiGatewayResources({
    accountId, stackName, references: (id) => references.get(id) ?? new Set(), typeOf: (id) => physical.get(id)?.type,
  });

  for (const [id, raw] of active) located(where(id), () => {
    const type = raw.Type as string;
    const c: ResolveContext = { ...ctx, logicalId: id };
    const merged = withGlobals(type, isObj(raw.Properties) ? raw.Properties : {}, globals);
    const props = resolveValue(merged, c) as Record<string, unknown>;
    const phys = physical.get(id) as PhysicalResource;
    const line = lineOf(id);
    const at = line !== undefined ? { line } : {};
    const eventsOf = (kind: PlannedEvent['kind'], arn: string, name: string): void => {
      if (isObj(props.Events)) for (const [eventId, e] of Object.entries(props.Events)) if (isObj(e)) events.push({ source: id, eventId, kind, arn, name, event: e });
    };
    switch (type) {
      case 'AWS::Serverless::StateMachine':
      case 'AWS::StepFunctions::StateMachine': {
        const definition = stateMachineDefinition(id, type, props, include, where(id));
        const smType = String(props.Type ?? props.StateMachineType ?? 'STANDARD').toUpperCase();
        if (smType !== 'STANDARD' && smType !== 'EXPRESS') throw new TemplateError(`state machine type must be STANDARD or EXPRESS, got ${smType}`, where(id));
        const roleArn = typeof props.Role === 'string' ? props.Role : typeof props.RoleArn === 'string' ? props.RoleArn : `arn:aws:iam::${accountId}:role/${stackName}-${id}Role`;
        plan.stateMachines.push({ logicalId: id, ...at, name: phys.atts.Name as string, arn: phys.ref, type: smType, definition, roleArn });
        eventsOf('stateMachine', phys.ref, phys.atts.Name as string);
        break;
      }
      case 'AWS::Serverless::Function':
      case 'AWS::Lambda::Function': {
        plan.functions.push(functionPlan(id, type, props, phys, baseDir, where(id)));
        eventsOf('function', phys.atts.Arn as string, phys.ref);
        break;
      }
      case 'AWS::Serverless::Api':
      case 'AWS::ApiGateway::RestApi': {
        const made = apiPlan(id, type, props, phys, stackName, include, where(id));
        const api: PlannedApi = { ...made.api, ...at };
        plan.apis.push(api);
        if (type === 'AWS::Serverless::Api') {
          const openApiVersion = applyOpenApiVersion(api.body, props.OpenApiVersion, made.managed);
          samApis.set(id, { api, props, managed: made.managed, inline: made.inline, openApiVersion });
        }
        break;
      }
      case 'AWS::IAM::Role':
        plan.roles.push({ logicalId: id, name: phys.ref, arn: phys.atts.Arn as string });
        break;
      default:
        if (APIGW_PARTS.has(type)) apigwParts.add(id, type, props, isObj(raw.Properties) ? raw.Properties : {}, where(id));
        else if (!RECORDED_ONLY.has(type)) plan.unsupported.push({ logicalId: id, type, ...at });
    }
  });

  for (const e of events) {
    if (e.event.Type !== 'Api') {
      plan.unsupported.push({ logicalId: `${e.source} event (${String(e.event.Type)})`, type: `Event ${String(e.event.Type)}`, ...(lineOf(e.source) !== undefined ? { line: lineOf(e.source) as number } : {}) });
      continue;
    }
    const p = isObj(e.event.Properties) ? e.event.Properties : {};
    let target: PlannedApi | undefined;
    if (p.RestApiId === undefined) {
      let implicit = samApis.get('ServerlessRestApi');
      if (!implicit) {
        const props = located(where('ServerlessRestApi'), () => resolveValue(withGlobals('AWS::Serverless::Api', { StageName: 'Prod' }, globals), { ...ctx, logicalId: 'ServerlessRestApi' }) as Record<string, unknown>);
        const phys = physical.get('ServerlessRestApi') as PhysicalResource;
        const made = apiPlan('ServerlessRestApi', 'AWS::Serverless::Api', { ...props, StageName: 'Prod' }, phys, stackName, include, where('ServerlessRestApi'));
        implicit = { api: made.api, props, managed: true, inline: true, openApiVersion: applyOpenApiVersion(made.api.body, props.OpenApiVersion, true) };
        plan.apis.push(implicit.api);
        samApis.set('ServerlessRestApi', implicit);
      }
      target = implicit.api;
    } else target = plan.apis.find((a) => a.apiId === p.RestApiId);
    if (!target) throw new TemplateError(`the Api event's RestApiId ${String(p.RestApiId)} is not an API of this template`, where(e.source));
    const sam = samApis.get(target.logicalId);
    if (!sam) throw new TemplateError(`Resource with id [${e.source}] is invalid. Event with id [${e.eventId}] is invalid. RestApiId must be a valid reference to an 'AWS::Serverless::Api' resource in same template.`, where(e.source));
    located(where(e.source), () => checkEventRequestProperties(e.source, e.eventId, e.kind, p));
    // SAM adds events only to definitions it writes itself (implicit API, or an Api without DefinitionBody/Uri).
    if (!sam.managed) continue;
    located(where(e.source), () => addEventPath(sam, e, region));
  }

  // SAM's own edits of each Api's definition, then its deployment, stage and usage plan.
  for (const [id, sam] of samApis) located(where(id), () => {
    const api = sam.api;
    checkOpenApiVersion(sam.openApiVersion, id);
    addCors(api.body, sam.props.Cors, id, sam.inline);
    addAuth(api.body, sam.props.Auth, { apiLogicalId: id, stageName: api.stageName, region, inline: sam.inline });
    addGatewayResponses(api.body, sam.props.GatewayResponses, id, sam.inline);
    addModels(api.body, sam.props.Models, id, sam.inline);
    openApiPostprocess(api.body, sam.openApiVersion);
    api.parts.deployments.push({ logicalId: `${id}Deployment`, ...(api.line !== undefined ? { line: api.line } : {}), id: stableId(stackName, `${id}Deployment`, 6), stageName: api.stageName, variables: api.variables, excludeMethods: [] });
    const usage = samUsagePlan(sam.props.Auth, id);
    if (usage) addSamUsagePlan(plan, api, usage.mode, usage.props, stackName);
  });

  const more = apigwParts.finish(plan.apis);
  plan.apiKeys.push(...more.apiKeys);
  plan.usagePlans.push(...more.usagePlans);
  plan.usagePlanKeys.push(...more.usagePlanKeys);
  if (isObj(template.Outputs)) {
    for (const [k, o] of Object.entries(template.Outputs)) {
      if (!isObj(o)) continue;
      const at = whereIn('Outputs', k);
      if (typeof o.Condition === 'string' && !(o.Condition in conditions)) throw new TemplateError(`the condition ${o.Condition} is not defined`, at);
      if (typeof o.Condition === 'string' && !conditions[o.Condition]) continue;
      plan.outputs[k] = located(at, () => resolveValue(o.Value, { ...ctx, logicalId: `Outputs.${k}` }));
    }
  }
  plan.files = [file, ...includeCache.keys()];
  return plan;
}

function stringMap(v: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) out[k] = typeof x === 'string' ? x : JSON.stringify(x);
  return out;
}

function resolveParameters(decl: unknown, overrides: Record<string, string>, file: string, whereParam: (name: string) => TemplateLocation): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const params = isObj(decl) ? decl : {};
  for (const name of Object.keys(overrides)) {
    if (!(name in params)) throw new TemplateError(`parameter override ${name} is not a parameter of the template`, { file });
  }
  for (const [name, d] of Object.entries(params)) {
    if (!isObj(d)) throw new TemplateError(`parameter ${name} must be a map with a Type`, whereParam(name));
    const p = d;
    const raw = name in overrides ? overrides[name] : p.Default;
    if (raw === undefined) throw new TemplateError(`parameter ${name} has no Default and no override (--parameter-overrides ${name}=…)`, whereParam(name));
    const text = Array.isArray(raw) ? raw.join(',') : String(raw);
    if (Array.isArray(p.AllowedValues) && !p.AllowedValues.map(String).includes(text)) {
      throw new TemplateError(`parameter ${name}: ${text} is not one of the AllowedValues [${p.AllowedValues.join(', ')}]`, whereParam(name));
    }
    const type = String(p.Type ?? 'String');
    if (type === 'CommaDelimitedList' || type.startsWith('List<')) out[name] = text === '' ? [] : text.split(',').map((s) => s.trim());
    else if (type === 'Number' && (text.trim() === '' || !Number.isFinite(Number(text)))) throw new TemplateError(`parameter ${name} must be a Number, got ${text}`, whereParam(name));
    else out[name] = text;
  }
  return out;
}

function evaluateConditions(decl: unknown, ctx: ResolveContext, whereCondition: (name: string) => TemplateLocation): void {
  if (!isObj(decl)) return;
  const pending: string[] = [];
  const conditions = ctx.conditions;
  const evaluate = (name: string): boolean => {
    if (name in conditions) return conditions[name] as boolean;
    const from = pending[pending.length - 1];
    if (!(name in decl)) throw new TemplateError(`the condition ${name} is not defined`, whereCondition(from ?? name));
    if (pending.includes(name)) {
      const cycle = [...pending.slice(pending.indexOf(name)), name];
      throw new TemplateError(`circular condition reference: ${cycle.join(' → ')}`, whereCondition(name));
    }
    pending.push(name);
    // Conditions may name other conditions: resolve them first through a proxy context.
    const c: ResolveContext = {
      ...ctx, logicalId: `Conditions.${name}`,
      conditions: new Proxy(conditions, { get: (t, k) => (typeof k === 'string' ? evaluate(k) : undefined), has: (_t, k) => typeof k === 'string' && k in decl }),
    };
    const v = located(whereCondition(name), () => evaluateCondition(decl[name], c));
    pending.pop();
    conditions[name] = v;
    return v;
  };
  for (const name of Object.keys(decl)) evaluate(name);
}

const GLOBAL_SECTION: Record<string, string> = {
  'AWS::Serverless::Function': 'Function', 'AWS::Serverless::Api': 'Api', 'AWS::Serverless::StateMachine': 'StateMachine',
};

/** SAM Globals: resource properties win; maps (Environment.Variables, Variables, Tags) are merged. */
function withGlobals(type: string, props: Record<string, unknown>, globals: Record<string, unknown>): Record<string, unknown> {
  const section = GLOBAL_SECTION[type];
  const g = section && isObj(globals[section]) ? globals[section] : undefined;
  if (!g) return props;
  const out: Record<string, unknown> = { ...g, ...props };
  if (isObj(g.Environment) && isObj(props.Environment)) {
    out.Environment = { ...g.Environment, ...props.Environment, Variables: { ...(g.Environment.Variables as object), ...(props.Environment.Variables as object) } };
  }
  for (const k of ['Variables', 'Tags']) if (isObj(g[k]) && isObj(props[k])) out[k] = { ...g[k], ...props[k] };
  // Api Auth, Cors and GatewayResponses maps merge key by key, the resource's values winning (SAM Globals: maps are merged).
  for (const k of ['Auth', 'Cors', 'GatewayResponses']) if (isObj(g[k]) && isObj(props[k])) out[k] = mergeMaps(g[k], props[k]);
  return out;
}

function mergeMaps(global: Record<string, unknown>, own: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...global };
  for (const [k, v] of Object.entries(own)) out[k] = isObj(v) && isObj(global[k]) ? mergeMaps(global[k], v) : v;
  return out;
}

function stateMachineDefinition(id: string, type: string, props: Record<string, unknown>, include: (l: string) => unknown, at: { file: string; logicalId: string; line?: number }): Record<string, unknown> {
  let def: unknown;
  if (isObj(props.Definition)) def = props.Definition;
  else if (typeof props.DefinitionString === 'string') {
    try {
      def = JSON.parse(props.DefinitionString);
    } catch (e) {
      throw new TemplateError(`DefinitionString is not JSON: ${(e as Error).message}`, at);
    }
  } else if (typeof props.DefinitionUri === 'string') def = include(props.DefinitionUri);
  else if (isObj(props.DefinitionUri) || isObj(props.DefinitionS3Location)) {
    const loc = (props.DefinitionUri ?? props.DefinitionS3Location) as Record<string, unknown>;
    if (typeof loc.Key === 'string') def = include(loc.Key);
    else throw new TemplateError('DefinitionS3Location / DefinitionUri needs a local Key', at);
  } else {
    throw new TemplateError(`${type} ${id} needs a Definition, DefinitionString or DefinitionUri`, at);
  }
  if (!isObj(def)) throw new TemplateError('the state machine definition must be a JSON object', at);
  if (isObj(props.DefinitionSubstitutions)) {
    // ${name} placeholders inside definition strings (SAM and CloudFormation DefinitionSubstitutions).
    const subs = props.DefinitionSubstitutions;
    const text = JSON.stringify(def).replace(/\$\{([^}]+)\}/g, (m, k: string) => {
      if (!(k in subs)) return m;
      const v = subs[k];
      return JSON.stringify(typeof v === 'string' ? v : JSON.stringify(v)).slice(1, -1);
    });
    def = JSON.parse(text) as unknown;
  }
  return def as Record<string, unknown>;
}

function functionPlan(id: string, type: string, props: Record<string, unknown>, phys: { ref: string; atts: Record<string, unknown> }, baseDir: string, at: { file: string; logicalId: string; line?: number }): PlannedFunction {
  const code = type === 'AWS::Serverless::Function' ? props.CodeUri ?? props.InlineCode : props.Code;
  let codeDir: string | undefined;
  let inlineCode: string | undefined;
  if (typeof code === 'string' && type === 'AWS::Serverless::Function' && 'InlineCode' in props && !('CodeUri' in props)) inlineCode = code;
  else if (typeof code === 'string') codeDir = resolvePath(baseDir, code);
  else if (isObj(code) && typeof code.ZipFile === 'string') inlineCode = code.ZipFile;
  else if (code === undefined) codeDir = baseDir;
  else throw new TemplateError('only local code (a path) or inline code can run locally', at);
  const env = isObj(props.Environment) && isObj(props.Environment.Variables) ? stringMap(props.Environment.Variables) : {};
  const handler = typeof props.Handler === 'string' ? props.Handler : '';
  if (!handler) throw new TemplateError('Handler is required', at);
  if (codeDir !== undefined && code !== undefined && !existsSync(codeDir)) {
    throw new TemplateError(`${type === 'AWS::Serverless::Function' ? 'CodeUri' : 'Code'} ${String(code)}: ${codeDir} does not exist`, at);
  }
  if (codeDir !== undefined && code === undefined) {
    // Without CodeUri the code is the template's folder: the handler's module must be there.
    const slash = handler.lastIndexOf('/');
    const dot = handler.indexOf('.', slash + 1);
    const module = dot < 0 ? handler : handler.slice(0, dot);
    const base = resolvePath(codeDir, module);
    if (!HANDLER_EXTENSIONS.some((ext) => existsSync(base + ext))) {
      throw new TemplateError(`no CodeUri, and the handler ${handler} has no module ${module}{${HANDLER_EXTENSIONS.join(',')}} in ${codeDir}`, at);
    }
  }
  return {
    logicalId: id, ...(at.line !== undefined ? { line: at.line } : {}), name: phys.ref, arn: phys.atts.Arn as string,
    ...(codeDir !== undefined ? { codeDir } : {}), ...(inlineCode !== undefined ? { inlineCode } : {}),
    handler, runtime: String(props.Runtime ?? 'nodejs20.x'), environment: env,
    timeout: Number(props.Timeout ?? 3), memorySize: Number(props.MemorySize ?? 128),
  };
}

interface SamApi {
  api: PlannedApi;
  /** resolved properties (with Globals) */
  props: Record<string, unknown>;
  /** SAM writes the definition (no DefinitionBody/DefinitionUri): Api events add their paths to it */
  managed: boolean;
  /** the definition is inline (DefinitionBody or written by SAM), so Cors and Auth can edit it */
  inline: boolean;
  /** OpenApiVersion as SAM reads it (see applyOpenApiVersion) */
  openApiVersion: unknown;
}

interface PlannedEvent {
  source: string;
  eventId: string;
  kind: 'function' | 'stateMachine';
  arn: string;
  name: string;
  event: Record<string, unknown>;
}

function apiPlan(id: string, type: string, props: Record<string, unknown>, phys: PhysicalResource, stackName: string, include: (l: string) => unknown, at: { file: string; logicalId: string; line?: number }): { api: Omit<PlannedApi, 'line'>; managed: boolean; inline: boolean } {
  let body: unknown;
  let managed = false;
  let inline = true;
  const create: Record<string, unknown> = {};
  let policy: string | undefined;
  if (type === 'AWS::Serverless::Api') {
    if (props.DefinitionBody !== undefined && props.DefinitionUri !== undefined) throw samInvalid(id, "Specify either 'DefinitionUri' or 'DefinitionBody' property and not both.");
    if (isObj(props.DefinitionBody)) body = props.DefinitionBody;
    else if (typeof props.DefinitionUri === 'string') { body = include(props.DefinitionUri); inline = false; }
    else if (isObj(props.DefinitionUri) && typeof props.DefinitionUri.Key === 'string') { body = include(props.DefinitionUri.Key); inline = false; }
    else {
      // SAM's skeleton, which Api events fill in.
      body = { swagger: '2.0', info: { version: '1.0', title: stackName }, paths: {} };
      managed = true;
    }
    if (typeof props.StageName !== 'string') throw new TemplateError('AWS::Serverless::Api needs a StageName', at);
    if (typeof props.Description === 'string') create.description = props.Description;
    if (typeof props.ApiKeySourceType === 'string') create.apiKeySource = props.ApiKeySourceType;
    if (Array.isArray(props.BinaryMediaTypes)) create.binaryMediaTypes = props.BinaryMediaTypes.map((t) => String(t).replace(/~1/g, '/'));
  } else {
    if (isObj(props.Body)) body = props.Body;
    else if (isObj(props.BodyS3Location) && typeof props.BodyS3Location.Key === 'string') body = include(props.BodyS3Location.Key);
    else {
      if (typeof props.Name !== 'string' || props.Name === '') throw new TemplateError('AWS::ApiGateway::RestApi without a Body needs a Name (API Gateway: Invalid REST API name specified)', at);
      body = { swagger: '2.0', info: { title: props.Name, version: '1.0' }, paths: {} };
    }
    if (typeof props.Description === 'string') create.description = props.Description;
    if (typeof props.ApiKeySourceType === 'string') create.apiKeySource = props.ApiKeySourceType;
    if (Array.isArray(props.BinaryMediaTypes)) create.binaryMediaTypes = props.BinaryMediaTypes.map(String);
    if (isObj(props.EndpointConfiguration) && Array.isArray(props.EndpointConfiguration.Types)) create.endpointConfiguration = { types: props.EndpointConfiguration.Types.map(String) };
    if (props.DisableExecuteApiEndpoint === true || props.DisableExecuteApiEndpoint === 'true') create.disableExecuteApiEndpoint = true;
    if (isObj(props.Policy)) policy = JSON.stringify(props.Policy);
    else if (typeof props.Policy === 'string') policy = props.Policy;
  }
  if (!isObj(body)) throw new TemplateError('the API definition must be an OpenAPI object', at);
  // SAM edits the document (Cors, Auth, events): work on a copy.
  const doc = structuredClone(body);
  const sam = type === 'AWS::Serverless::Api';
  return {
    managed, inline,
    api: {
      logicalId: id, apiId: phys.ref, name: String(props.Name ?? (isObj(doc.info) ? doc.info.title : undefined) ?? id), body: doc,
      stageName: sam ? props.StageName as string : '',
      variables: sam && isObj(props.Variables) ? stringMap(props.Variables) : {},
      rootResourceId: phys.atts.RootResourceId as string,
      create, ...(policy !== undefined ? { policy } : {}), parts: emptyParts(),
    },
  };
}

/**
 * The integration SAM writes for an Api event (Lambda proxy for functions, StartExecution for state
 * machines) and the event's Auth.
 */
function addEventPath(sam: SamApi, e: PlannedEvent, region: string): void {
  const api = sam.api;
  const p = isObj(e.event.Properties) ? e.event.Properties : {};
  for (const key of ['Path', 'Method']) {
    if (p[key] === undefined || p[key] === null) throw samInvalid(e.source, `Event with id [${e.eventId}] is invalid. Missing required property '${key}'.`);
    if (typeof p[key] !== 'string') throw samInvalid(e.source, `Event with id [${e.eventId}] is invalid. Property '${key}' should be a string.`);
  }
  const path = p.Path as string;
  const method = (p.Method as string).toLowerCase();
  const paths = (isObj(api.body.paths) ? api.body.paths : (api.body.paths = {})) as Record<string, Record<string, unknown>>;
  const item = (paths[path] ??= {});
  const key = operationKey(method);
  if (isObj(item[key]) && isObj(item[key]['x-amazon-apigateway-integration'])) {
    throw samInvalid(e.source, `Event with id [${e.eventId}] is invalid. API method "${method}" defined multiple times for path "${path}".`);
  }
  let integration: Record<string, unknown>;
  if (e.kind === 'function') {
    integration = { type: 'aws_proxy', httpMethod: 'POST', uri: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${e.arn}/invocations` };
    const credentials = eventIntegrationCredentials(p.Auth, sam.props.Auth);
    if (credentials !== undefined) integration.credentials = credentials;
  } else {
    integration = {
      type: 'aws', httpMethod: 'POST', uri: `arn:aws:apigateway:${region}:states:action/StartExecution`,
      requestTemplates: { 'application/json': `{"input": "$util.escapeJavaScript($input.json('$'))", "stateMachineArn": "${e.arn}"}` },
      responses: { '200': { statusCode: '200' }, '400': { statusCode: '400' } },
      passthroughBehavior: 'when_no_match',
    };
  }
  item[key] = { ...(isObj(item[key]) ? item[key] : {}), responses: { '200': { description: 'OK' } }, 'x-amazon-apigateway-integration': integration };
  addEventAuth(api.body, {
    resourceId: e.source, eventId: e.eventId, path, method, auth: p.Auth, apiAuth: sam.props.Auth, apiLogicalId: api.logicalId, stageName: api.stageName,
  });
  // RequestModel and RequestParameters exist on functions' Api events only (checkEventRequestProperties).
  if (e.kind === 'function') {
    addEventRequest(api.body, {
      resourceId: e.source, eventId: e.eventId, path, method, requestModel: p.RequestModel, requestParameters: p.RequestParameters, apiModels: sam.props.Models,
    });
  }
}

/**
 * Auth.UsagePlan: an ApiKey (enabled, no name: CloudFormation generates one), a UsagePlan bound to the
 * API's stage and a UsagePlanKey joining them. PER_API: `<Api>ApiKey`, `<Api>UsagePlan`,
 * `<Api>UsagePlanKey`; SHARED: `ServerlessApiKey`, `ServerlessUsagePlan`, `ServerlessUsagePlanKey`, one
 * set for every API with SHARED (their stages accumulate; the last API's plan settings win, as in SAM).
 */
function addSamUsagePlan(plan: StackPlan, api: PlannedApi, mode: 'PER_API' | 'SHARED', props: Record<string, unknown>, stackName: string): void {
  const ids = samUsagePlanIds(api.logicalId, mode) as { apiKey: string; usagePlan: string; usagePlanKey: string };
  const line = api.line !== undefined ? { line: api.line } : {};
  const keyId = stableId(stackName, ids.apiKey, 10);
  const planId = stableId(stackName, ids.usagePlan, 6);
  const stage = { apiId: api.apiId, stage: api.stageName };
  let usagePlan = plan.usagePlans.find((u) => u.logicalId === ids.usagePlan);
  if (!usagePlan) {
    usagePlan = { logicalId: ids.usagePlan, ...line, id: planId, name: generatedName(stackName, ids.usagePlan), apiStages: [] };
    plan.usagePlans.push(usagePlan);
  }
  if (!usagePlan.apiStages.some((s) => s.apiId === stage.apiId && s.stage === stage.stage)) usagePlan.apiStages.push(stage);
  if (typeof props.UsagePlanName === 'string' && props.UsagePlanName !== '') usagePlan.name = props.UsagePlanName;
  if (typeof props.Description === 'string' && props.Description !== '') usagePlan.description = props.Description;
  if (isObj(props.Throttle)) usagePlan.throttle = throttleFrom(props.Throttle);
  if (isObj(props.Quota)) usagePlan.quota = quotaFrom(props.Quota);
  let key = plan.apiKeys.find((k) => k.logicalId === ids.apiKey);
  if (!key) {
    key = { logicalId: ids.apiKey, ...line, id: keyId, name: generatedName(stackName, ids.apiKey), enabled: true, stageKeys: [] };
    plan.apiKeys.push(key);
  }
  const stageKey = `${api.apiId}/${api.stageName}`;
  if (!key.stageKeys.includes(stageKey)) key.stageKeys.push(stageKey);
  if (!plan.usagePlanKeys.some((k) => k.logicalId === ids.usagePlanKey)) {
    plan.usagePlanKeys.push({ logicalId: ids.usagePlanKey, ...line, keyId, keyType: 'API_KEY', usagePlanId: planId });
  }
}
