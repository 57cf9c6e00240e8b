// The diagnostic codes and message texts of ValidateStateMachineDefinition / InvalidDefinition.
// Each builder says where its wording comes from: [rec] recorded against AWS, [meas] measured against
// AWS by a third party who published the exact text, [own] our wording in AWS's style (unverified).

/** Diagnostic codes (API reference: ValidateStateMachineDefinitionDiagnostic, plus JSONata codes). */
export const DiagnosticCode = {
  INVALID_JSON_DESCRIPTION: 'INVALID_JSON_DESCRIPTION',
  MISSING_DESCRIPTION: 'MISSING_DESCRIPTION',
  SCHEMA_VALIDATION_FAILED: 'SCHEMA_VALIDATION_FAILED',
  INVALID_RESOURCE: 'INVALID_RESOURCE',
  MISSING_END_STATE: 'MISSING_END_STATE',
  DUPLICATE_STATE_NAME: 'DUPLICATE_STATE_NAME',
  INVALID_STATE_NAME: 'INVALID_STATE_NAME',
  MISSING_TRANSITION_TARGET: 'MISSING_TRANSITION_TARGET',
  INVALID_JSONATA_EXPRESSION: 'INVALID_JSONATA_EXPRESSION',
  UNSUPPORTED_JSONATA_EXPRESSION: 'UNSUPPORTED_JSONATA_EXPRESSION',
  DUPLICATE_LABEL_NAME: 'DUPLICATE_LABEL_NAME',
  INVALID_LABEL_NAME: 'INVALID_LABEL_NAME',
  // Warning codes (API reference): the definition is still valid.
  NO_DOLLAR: 'NO_DOLLAR',
  NO_PATH: 'NO_PATH',
  PASS_RESULT_IS_STATIC: 'PASS_RESULT_IS_STATIC',
} as const;
export type DiagnosticCode = (typeof DiagnosticCode)[keyof typeof DiagnosticCode];

/** JSON value kinds as AWS names them in "Expected value of type [STRING]". */
export const ValueKind = {
  STRING: 'STRING',
  INTEGER: 'INTEGER',
  NUMBER: 'NUMBER',
  BOOLEAN: 'BOOLEAN',
  OBJECT: 'OBJECT',
  ARRAY: 'ARRAY',
} as const;
export type ValueKind = (typeof ValueKind)[keyof typeof ValueKind];

const list = (items: readonly string[]): string => `[${items.join(', ')}]`;

export const Msg = {
  /** [rec] ValidateStateMachineDefinition of "" (LocalStack snapshot test_sfn_api_validation, 2025). */
  notAnObject: (): string => 'Definition must be a valid JSON object',
  /** [rec] `{}` → "These fields are required: [States, StartAt]"; no StartAt → "[StartAt]". */
  required: (fields: readonly string[]): string => `These fields are required: ${list(fields)}`,
  /** [rec] FACTS §1.3 (Credentials without RoleArn). */
  requiredMissing: (field: string): string => `The field '${field}' is required but was missing`,
  /** [rec] FACTS §1.3. */
  stateType: (types: readonly string[]): string => `The field 'Type' should have one of these values: ${list(types)}`,
  /** [meas] floci-io/floci#2968 (QueryLanguage enum); reused for the other enums [own]. */
  enumValue: (values: readonly string[]): string => `Value should be one of the following: ${list(values)}`,
  /** [meas] floci-io/floci#2968 ("Expected value of type [STRING]"); other kinds [own]. */
  valueType: (kind: ValueKind): string => `Expected value of type [${kind}]`,
  /** [rec] CloudFormation error quoted in aws-cloudformation/cfn-lint#4075 ("Maximum value is 99999999"). */
  maximum: (n: number): string => `Maximum value is ${n}`,
  /** [own] counterpart of `maximum`. */
  minimum: (n: number): string => `Minimum value is ${n}`,
  /** [own] */
  minItems: (n: number): string => `Minimum number of items is ${n}`,
  /** [meas] floci-io/floci#2735: TimeoutSeconds/Catch/Retry on a state type that lacks them. */
  notSupported: (field: string): string => `Field '${field}' is not supported`,
  /** [rec] LocalStack snapshot INVALID_DOWNGRADE_QUERY_LANGUAGE. */
  queryLanguageDowngrade: (): string => "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine",
  /** [meas] floci-io/floci#2968. */
  otherLanguageField: (current: string, field: string, other: string): string =>
    `The QueryLanguage is set to '${current}', but field '${field}' is only supported for the '${other}' QueryLanguage`,
  /** [own] */
  exactlyOneOf: (fields: readonly string[]): string => `Exactly one of these fields is required: ${list(fields)}`,
  /** [own] */
  onlyOneOf: (fields: readonly string[]): string => `Only one of these fields is allowed: ${list(fields)}`,
  /** [own] */
  heartbeatBelowTimeout: (): string => "The field 'HeartbeatSeconds' must be smaller than the field 'TimeoutSeconds'",
  /** [rec] wording quoted by the AWS team (aws/amazon-states-language-service#26, a `.$` field in 2020). */
  invalidPath: (field: string): string => `The value for the field '${field}' must be a valid JSONPath`,
  /** [own] */
  invalidReferencePath: (field: string): string => `The value for the field '${field}' must be a valid ReferencePath`,
  /** [own] extension of `invalidPath` since intrinsic functions exist (recollection, no source found). */
  invalidPayloadPath: (field: string): string =>
    `The value for the field '${field}' must be a valid JSONPath or a valid intrinsic function call`,
  /** [own] */
  invalidTimestamp: (field: string): string => `The value for the field '${field}' must be a valid ISO-8601 timestamp`,
  /** [rec] MISSING_TRANSITION_TARGET text quoted from a real CreateStateMachine in localstack/localstack#12487. */
  missingTarget: (target: string): string => `Missing 'Next' target: ${target}`,
  /** [rec] localstack/localstack#12487. */
  unreachable: (state: string): string => `State "${state}" is not reachable.`,
  /** [meas] floci-io/floci#2735 (no location; CreateStateMachine prints "at null"). */
  noTerminalState: (): string => 'Workflow has no terminal state',
  /** [rec-local] Step Functions Local message quoted in localstack/localstack tests. */
  duplicateStateName: (state: string): string => `Duplicate State name: ${state}`,
  /** [own] */
  stateNameTooLong: (state: string): string => `State name '${state}' exceeds the maximum length of 80 characters`,
  /** [own] modelled on the state-name message. */
  duplicateLabel: (label: string): string => `Duplicate Label name: ${label}`,
  /** [own] rule from FACTS §1.4 (Map Label: 1–40 characters, no whitespace, brackets, wildcards or specials). */
  invalidLabel: (label: string): string =>
    `Label '${label}' is invalid: it must be 1 to 40 characters without whitespace, brackets, wildcards, control or special characters`,
  /** [own] */
  stateNameEmpty: (): string => 'State name must not be empty',
  /** [rec] LocalStack snapshot ILLEGAL_WFTT (the trailing space is AWS's). */
  expressWaitForTaskToken: (): string => "Express state machine does not support '.waitForTaskToken' service integration ",
  /** [rec] FACTS §1.3; trailing space assumed like the recorded '.waitForTaskToken' one. */
  expressSync: (): string => "Express state machine does not support '.sync' service integration ",
  /** [rec] LocalStack asl parser text copied from AWS. */
  expressActivity: (): string => 'Express state machine does not support Activity ARN',
  /** [own] */
  errorsAllAlone: (): string => "'States.ALL' must appear alone in 'ErrorEquals'",
  /** [own] */
  errorsAllLast: (field: string): string => `The ${field === 'Retry' ? 'retrier' : 'catcher'} with 'States.ALL' must be the last one`,
  /** [own] */
  choiceOneOperator: (): string => 'A Choice rule must have exactly one comparison operator or one of [And, Or, Not]',
  /** [own] */
  choiceUnknownField: (field: string): string => `Field '${field}' is not supported`,
  /** [own] */
  variableName: (name: string): string => `Variable name '${name}' is invalid: it must start with a letter or underscore and contain only letters, digits and underscores`,
  /** [own] */
  variableReserved: (name: string): string => `Variable name '${name}' is reserved`,
  /** [own] modelled on the state-name message; limit from AWS "Passing data between states with variables". */
  variableNameTooLong: (name: string): string => `Variable name '${name}' exceeds the maximum length of 80 characters`,
  /** [meas] floci-io/floci#2670 / #2699. */
  topLevelReference: (name: string): string => `Reference to '${name}' at the top level is not supported.`,
  /** [meas] floci-io/floci#2786. */
  rootReference: (): string => "Reference to '$$' is not supported.",
  /** [own] warning NO_DOLLAR (API reference: "No .$ on a field that appears to be a JSONPath or Intrinsic Function"). */
  noDollar: (field: string): string =>
    `The value for the field '${field}' looks like a JSONPath or an intrinsic function call, but the field name does not end with '.$'`,
  /** [own] warning NO_PATH (API reference: "Field value looks like a path, but field name does not end with 'Path'"). */
  noPath: (field: string): string => `The value for the field '${field}' looks like a path, but the field name does not end with 'Path'`,
  /** [own] warning PASS_RESULT_IS_STATIC (API reference: "Attempt to use a path in the result of a pass state"). */
  passResultIsStatic: (field: string): string => `The field '${field}' in the Result of a Pass state is static: paths are not evaluated there`,
  /** [rec] pasted from a real CreateStateMachine failure (Resource that is not a known ARN). */
  unknownResource: (resource: string): string =>
    `The resource provided ${resource} is not recognized. The value is not a valid resource ARN, or the resource is not available in this region.`,
} as const;
