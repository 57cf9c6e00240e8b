// Definition validation: a table of broken definitions with AWS's code, message and location, the
// InvalidDefinition message format, and every definition of the recorded corpus (which AWS accepted).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatInvalidDefinition, validateDefinition, type Diagnostic, type ValidateOptions } from './validate.js';

type Expected = [code: string, message: string, location?: string];
interface Case {
  name: string;
  definition: unknown;
  options?: ValidateOptions;
  expected: Expected[];
}

const S = 'SCHEMA_VALIDATION_FAILED';
const T = 'MISSING_TRANSITION_TARGET';
const end = { Type: 'Pass', End: true };
const sm = (States: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  StartAt: Object.keys(States)[0],
  States,
  ...extra,
});
const task = (fields: Record<string, unknown>): Record<string, unknown> => ({
  Type: 'Task',
  Resource: 'arn:aws:lambda:us-east-1:111111111111:function:f',
  End: true,
  ...fields,
});
const choice = (Choices: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> =>
  sm({ C: { Type: 'Choice', Choices, Default: 'D', ...extra }, D: end });
const rule = (fields: Record<string, unknown>): Record<string, unknown> => ({ Variable: '$.x', Next: 'D', ...fields });
const map = (fields: Record<string, unknown>): Record<string, unknown> => ({
  Type: 'Map',
  ItemProcessor: { StartAt: 'I', States: { I: end } },
  End: true,
  ...fields,
});
const jsonata = (States: Record<string, unknown>): Record<string, unknown> => sm(States, { QueryLanguage: 'JSONata' });
const TYPES = 'The field \'Type\' should have one of these values: [Task, Wait, Pass, Succeed, Fail, Choice, Parallel, Map]';

const CASES: Case[] = [
  // ---- JSON text and top level
  {
    name: 'non-JSON text [rec]',
    definition: 'not a definition',
    expected: [['INVALID_JSON_DESCRIPTION',
      'Unrecognized token \'not\': was expecting (JSON String, Number, Array, Object or token \'null\', \'true\' or \'false\')\n at [Source: (String)"not a definition"; line: 1, column: 4]',
      '[Source: (String)"not a definition"; line: 1, column: 4]']],
  },
  {
    name: 'truncated JSON text',
    definition: '{"StartAt": "A"',
    expected: [['INVALID_JSON_DESCRIPTION',
      'Unexpected end-of-input: expected close marker for Object (start marker at [Source: (String)"{"StartAt": "A""; line: 1, column: 1])\n at [Source: (String)"{"StartAt": "A""; line: 1, column: 16]',
      '[Source: (String)"{"StartAt": "A""; line: 1, column: 16]']],
  },
  {
    name: 'missing comma between fields',
    definition: '{"StartAt": "A"\n "States": {}}',
    expected: [['INVALID_JSON_DESCRIPTION',
      'Unexpected character (\'"\' (code 34)): was expecting comma to separate Object entries\n at [Source: (String)"{"StartAt": "A"\n "States": {}}"; line: 2, column: 3]',
      '[Source: (String)"{"StartAt": "A"\n "States": {}}"; line: 2, column: 3]']],
  },
  { name: 'empty text [rec]', definition: '', expected: [[S, 'Definition must be a valid JSON object']] },
  { name: 'JSON array', definition: '[]', expected: [[S, 'Definition must be a valid JSON object']] },
  { name: 'empty object [rec]', definition: '{}', expected: [[S, 'These fields are required: [States, StartAt]', '/']] },
  { name: 'no StartAt [rec]', definition: { States: { A: end } }, expected: [[S, 'These fields are required: [StartAt]', '/']] },
  { name: 'no States', definition: { StartAt: 'A' }, expected: [[S, 'These fields are required: [States]', '/']] },
  { name: 'unknown top-level field', definition: sm({ A: end }, { Foo: 1 }), expected: [[S, 'Field \'Foo\' is not supported', '/']] },
  { name: 'StartAt not a string', definition: { StartAt: 1, States: { A: end } }, expected: [[S, 'Expected value of type [STRING]', '/StartAt']] },
  {
    name: 'duplicate state name in text',
    definition: '{"StartAt":"A","States":{"A":{"Type":"Pass","End":true},"A":{"Type":"Pass","End":true}}}',
    expected: [['DUPLICATE_STATE_NAME', 'Duplicate State name: A', '/States/A']],
  },
  {
    name: 'state name longer than 80 characters',
    definition: sm({ ['N'.repeat(81)]: end }),
    expected: [['INVALID_STATE_NAME', `State name '${'N'.repeat(81)}' exceeds the maximum length of 80 characters`, `/States/${'N'.repeat(81)}`]],
  },
  // ---- Type
  { name: 'unknown Type [rec]', definition: sm({ X: { Type: 'Foo', End: true } }), expected: [[S, TYPES, '/States/X/Type']] },
  { name: 'missing Type', definition: sm({ X: { End: true } }), expected: [[S, 'These fields are required: [Type]', '/States/X']] },
  // ---- transitions and graph
  {
    name: 'StartAt names a missing state',
    definition: { StartAt: 'B', States: { A: end } },
    expected: [[T, 'Missing \'Next\' target: B', '/StartAt'], [T, 'State "A" is not reachable.', '/States/A']],
  },
  {
    name: 'Next to a missing state and no terminal state [meas]',
    definition: sm({ A: { Type: 'Pass', Next: 'NOPE' } }),
    expected: [[T, 'Missing \'Next\' target: NOPE', '/States/A/Next'], ['MISSING_END_STATE', 'Workflow has no terminal state']],
  },
  {
    name: 'missing target and unreachable state [rec]',
    definition: { StartAt: 'pass1', States: { pass1: { Type: 'Pass', Next: 'pass3' }, pass2: end, pass0: end } },
    expected: [[T, 'Missing \'Next\' target: pass3', '/States/pass1/Next'], [T, 'State "pass2" is not reachable.', '/States/pass2'], [T, 'State "pass0" is not reachable.', '/States/pass0']],
  },
  { name: 'unreachable state', definition: sm({ A: end, C: end }), expected: [[T, 'State "C" is not reachable.', '/States/C']] },
  {
    name: 'loop without terminal state [meas]',
    definition: sm({ A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', Next: 'A' }, X: { Type: 'Pass', Next: 'A' } }),
    expected: [['MISSING_END_STATE', 'Workflow has no terminal state']],
  },
  {
    name: 'loop plus unreachable terminal state [meas]',
    definition: sm({ A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', Next: 'A' }, C: end }),
    expected: [[T, 'State "C" is not reachable.', '/States/C']],
  },
  { name: 'Next and End both', definition: sm({ A: { Type: 'Pass', Next: 'B', End: true }, B: end }), expected: [[S, 'Only one of these fields is allowed: [Next, End]', '/States/A']] },
  { name: 'neither Next nor End', definition: sm({ A: { Type: 'Pass' } }), expected: [[S, 'Exactly one of these fields is required: [Next, End]', '/States/A'], ['MISSING_END_STATE', 'Workflow has no terminal state']] },
  { name: 'End on Choice', definition: choice([rule({ IsPresent: true })], { End: true }), expected: [[S, 'Field \'End\' is not supported', '/States/C']] },
  { name: 'Default names a missing state [meas]', definition: choice([rule({ IsPresent: true })], { Default: 'Nope' }), expected: [[T, 'Missing \'Next\' target: Nope', '/States/C/Default']] },
  { name: 'Choices[].Next names a missing state [meas]', definition: choice([rule({ IsPresent: true, Next: 'Nope' })]), expected: [[T, 'Missing \'Next\' target: Nope', '/States/C/Choices[0]/Next']] },
  {
    name: 'Catch[].Next names a missing state [meas]',
    definition: sm({ T: task({ Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Nope' }] }) }),
    expected: [[T, 'Missing \'Next\' target: Nope', '/States/T/Catch[0]/Next']],
  },
  // ---- fields not allowed for the state type
  { name: 'Retry on Pass', definition: sm({ A: { ...end, Retry: [] } }), expected: [[S, 'Field \'Retry\' is not supported', '/States/A']] },
  { name: 'InputPath on Fail', definition: sm({ F: { Type: 'Fail', InputPath: '$' } }), expected: [[S, 'Field \'InputPath\' is not supported', '/States/F']] },
  { name: 'TimeoutSeconds on Map [meas]', definition: sm({ M: map({ TimeoutSeconds: 5 }) }), expected: [[S, 'Field \'TimeoutSeconds\' is not supported', '/States/M']] },
  { name: 'TimeoutSeconds on Parallel [meas]', definition: sm({ P: { Type: 'Parallel', Branches: [sm({ B: end })], End: true, TimeoutSeconds: 5 } }), expected: [[S, 'Field \'TimeoutSeconds\' is not supported', '/States/P']] },
  { name: 'Result on Task', definition: sm({ T: task({ Result: 1 }) }), expected: [[S, 'Field \'Result\' is not supported', '/States/T']] },
  // ---- field types and ranges
  { name: 'Seconds as a string', definition: sm({ W: { Type: 'Wait', Seconds: '10', End: true } }), expected: [[S, 'Expected value of type [INTEGER]', '/States/W/Seconds']] },
  { name: 'negative Seconds', definition: sm({ W: { Type: 'Wait', Seconds: -1, End: true } }), expected: [[S, 'Minimum value is 0', '/States/W/Seconds']] },
  { name: 'Seconds too large [rec]', definition: sm({ Wait: { Type: 'Wait', Seconds: 1e16, End: true } }), expected: [[S, 'Maximum value is 99999999', '/States/Wait/Seconds']] },
  { name: 'non-integer TimeoutSeconds', definition: sm({ T: task({ TimeoutSeconds: 1.5 }) }), expected: [[S, 'Expected value of type [INTEGER]', '/States/T/TimeoutSeconds']] },
  { name: 'HeartbeatSeconds not below TimeoutSeconds', definition: sm({ T: task({ TimeoutSeconds: 10, HeartbeatSeconds: 10 }) }), expected: [[S, 'The field \'HeartbeatSeconds\' must be smaller than the field \'TimeoutSeconds\'', '/States/T/HeartbeatSeconds']] },
  { name: 'invalid Timestamp', definition: sm({ W: { Type: 'Wait', Timestamp: '2024-01-01 00:00:00', End: true } }), expected: [[S, 'The value for the field \'Timestamp\' must be a valid ISO-8601 timestamp', '/States/W/Timestamp']] },
  { name: 'Resource not an ARN [rec]', definition: sm({ T: task({ Resource: 'myFunction' }) }), expected: [[S, 'The resource provided myFunction is not recognized. The value is not a valid resource ARN, or the resource is not available in this region.', '/States/T/Resource']] },
  // ---- mutually exclusive / required fields
  { name: 'Seconds and Timestamp', definition: sm({ W: { Type: 'Wait', Seconds: 1, Timestamp: '2024-01-01T00:00:00Z', End: true } }), expected: [[S, 'Only one of these fields is allowed: [Seconds, Timestamp]', '/States/W']] },
  { name: 'Wait without a duration', definition: sm({ W: { Type: 'Wait', End: true } }), expected: [[S, 'Exactly one of these fields is required: [Seconds, Timestamp, SecondsPath, TimestampPath]', '/States/W']] },
  { name: 'TimeoutSeconds and TimeoutSecondsPath', definition: sm({ T: task({ TimeoutSeconds: 5, TimeoutSecondsPath: '$.t' }) }), expected: [[S, 'Only one of these fields is allowed: [TimeoutSeconds, TimeoutSecondsPath]', '/States/T']] },
  { name: 'Error and ErrorPath', definition: sm({ F: { Type: 'Fail', Error: 'E', ErrorPath: '$.e' } }), expected: [[S, 'Only one of these fields is allowed: [Error, ErrorPath]', '/States/F']] },
  { name: 'Cause and CausePath', definition: sm({ F: { Type: 'Fail', Cause: 'E', CausePath: '$.e' } }), expected: [[S, 'Only one of these fields is allowed: [Cause, CausePath]', '/States/F']] },
  {
    name: 'Iterator and ItemProcessor',
    definition: sm({ M: map({ Iterator: { StartAt: 'J', States: { J: end } } }) }),
    expected: [[S, 'Only one of these fields is allowed: [ItemProcessor, Iterator]', '/States/M']],
  },
  { name: 'Parameters and ItemSelector', definition: sm({ M: map({ Parameters: {}, ItemSelector: {} }) }), expected: [[S, 'Only one of these fields is allowed: [ItemSelector, Parameters]', '/States/M']] },
  { name: 'Task without Resource', definition: sm({ T: { Type: 'Task', End: true } }), expected: [[S, 'These fields are required: [Resource]', '/States/T']] },
  { name: 'Credentials without RoleArn [rec]', definition: sm({ S: task({ Credentials: {} }) }), expected: [[S, 'The field \'RoleArn\' is required but was missing', '/States/S/Credentials']] },
  // ---- Retry / Catch
  { name: 'retrier without ErrorEquals', definition: sm({ T: task({ Retry: [{ MaxAttempts: 1 }] }) }), expected: [[S, 'These fields are required: [ErrorEquals]', '/States/T/Retry[0]']] },
  { name: 'empty ErrorEquals', definition: sm({ T: task({ Retry: [{ ErrorEquals: [] }] }) }), expected: [[S, 'Minimum number of items is 1', '/States/T/Retry[0]/ErrorEquals']] },
  { name: 'States.ALL not alone', definition: sm({ T: task({ Retry: [{ ErrorEquals: ['States.ALL', 'X'] }] }) }), expected: [[S, '\'States.ALL\' must appear alone in \'ErrorEquals\'', '/States/T/Retry[0]/ErrorEquals']] },
  {
    name: 'States.ALL catcher not last',
    definition: sm({ T: task({ Catch: [{ ErrorEquals: ['States.ALL'], Next: 'H' }, { ErrorEquals: ['X'], Next: 'H' }] }), H: end }),
    expected: [[S, 'The catcher with \'States.ALL\' must be the last one', '/States/T/Catch[0]']],
  },
  { name: 'BackoffRate below 1', definition: sm({ T: task({ Retry: [{ ErrorEquals: ['X'], BackoffRate: 0.5 }] }) }), expected: [[S, 'Minimum value is 1', '/States/T/Retry[0]/BackoffRate']] },
  { name: 'negative MaxAttempts', definition: sm({ T: task({ Retry: [{ ErrorEquals: ['X'], MaxAttempts: -1 }] }) }), expected: [[S, 'Minimum value is 0', '/States/T/Retry[0]/MaxAttempts']] },
  { name: 'IntervalSeconds 0', definition: sm({ T: task({ Retry: [{ ErrorEquals: ['X'], IntervalSeconds: 0 }] }) }), expected: [[S, 'Minimum value is 1', '/States/T/Retry[0]/IntervalSeconds']] },
  { name: 'MaxDelaySeconds too large', definition: sm({ T: task({ Retry: [{ ErrorEquals: ['X'], MaxDelaySeconds: 31622401 }] }) }), expected: [[S, 'Maximum value is 31622400', '/States/T/Retry[0]/MaxDelaySeconds']] },
  { name: 'unknown JitterStrategy', definition: sm({ T: task({ Retry: [{ ErrorEquals: ['X'], JitterStrategy: 'SOME' }] }) }), expected: [[S, 'Value should be one of the following: [FULL, NONE]', '/States/T/Retry[0]/JitterStrategy']] },
  { name: 'catcher without Next', definition: sm({ T: task({ Catch: [{ ErrorEquals: ['X'] }] }) }), expected: [[S, 'These fields are required: [Next]', '/States/T/Catch[0]']] },
  // ---- Choice rules
  { name: 'rule with two operators', definition: choice([rule({ IsPresent: true, IsNull: false })]), expected: [[S, 'A Choice rule must have exactly one comparison operator or one of [And, Or, Not]', '/States/C/Choices[0]']] },
  { name: 'rule without operator', definition: choice([rule({})]), expected: [[S, 'A Choice rule must have exactly one comparison operator or one of [And, Or, Not]', '/States/C/Choices[0]']] },
  { name: 'top-level rule without Next', definition: choice([{ Variable: '$.x', IsPresent: true }]), expected: [[S, 'These fields are required: [Next]', '/States/C/Choices[0]']] },
  { name: 'nested rule with Next', definition: choice([{ And: [rule({ IsPresent: true })], Next: 'D' }]), expected: [[S, 'Field \'Next\' is not supported', '/States/C/Choices[0]/And[0]']] },
  { name: 'empty And', definition: choice([{ And: [], Next: 'D' }]), expected: [[S, 'Minimum number of items is 1', '/States/C/Choices[0]/And']] },
  { name: 'NumericEquals with a string', definition: choice([rule({ NumericEquals: '5' })]), expected: [[S, 'Expected value of type [NUMBER]', '/States/C/Choices[0]/NumericEquals']] },
  { name: 'empty Choices', definition: choice([]), expected: [[S, 'Minimum number of items is 1', '/States/C/Choices']] },
  { name: 'Choice without Choices', definition: sm({ C: { Type: 'Choice', Default: 'D' }, D: end }), expected: [[S, 'These fields are required: [Choices]', '/States/C']] },
  // ---- paths
  { name: 'InputPath not a JSONPath', definition: sm({ A: { ...end, InputPath: 'a.b' } }), expected: [[S, 'The value for the field \'InputPath\' must be a valid JSONPath', '/States/A/InputPath']] },
  { name: 'ResultPath with the context object', definition: sm({ A: { ...end, ResultPath: '$$.Execution' } }), expected: [[S, 'The value for the field \'ResultPath\' must be a valid ReferencePath', '/States/A/ResultPath']] },
  { name: 'ResultPath with a wildcard', definition: sm({ A: { ...end, ResultPath: '$.a[*]' } }), expected: [[S, 'The value for the field \'ResultPath\' must be a valid ReferencePath', '/States/A/ResultPath']] },
  { name: 'Parameters .$ not a path', definition: sm({ A: { ...end, Parameters: { 'x.$': 'hello' } } }), expected: [[S, 'The value for the field \'x.$\' must be a valid JSONPath or a valid intrinsic function call', '/States/A/Parameters']] },
  { name: 'nested Parameters .$ not a path', definition: sm({ A: { ...end, Parameters: { n: { 'y.$': 5 } } } }), expected: [[S, 'The value for the field \'y.$\' must be a valid JSONPath or a valid intrinsic function call', '/States/A/Parameters/n']] },
  { name: 'bad intrinsic call', definition: sm({ A: { ...end, Parameters: { 'x.$': 'States.Format(\'{}\', $.a' } } }), expected: [[S, 'The value for the field \'x.$\' must be a valid JSONPath or a valid intrinsic function call', '/States/A/Parameters']] },
  { name: 'ResultSelector .$ not a path', definition: sm({ T: task({ ResultSelector: { 'x.$': 'nope' } }) }), expected: [[S, 'The value for the field \'x.$\' must be a valid JSONPath or a valid intrinsic function call', '/States/T/ResultSelector']] },
  { name: 'SecondsPath not a reference path', definition: sm({ W: { Type: 'Wait', SecondsPath: '$..s', End: true } }), expected: [[S, 'The value for the field \'SecondsPath\' must be a valid ReferencePath', '/States/W/SecondsPath']] },
  // ---- Map and Parallel
  { name: 'state inside ItemProcessor', definition: sm({ M: map({ ItemProcessor: { StartAt: 'X', States: { X: { Type: 'Nope', End: true } } } }) }), expected: [[S, TYPES, '/States/M/ItemProcessor/States/X/Type']] },
  { name: 'negative MaxConcurrency', definition: sm({ M: map({ MaxConcurrency: -1 }) }), expected: [[S, 'Minimum value is 0', '/States/M/MaxConcurrency']] },
  { name: 'ToleratedFailurePercentage above 100', definition: sm({ M: map({ ToleratedFailurePercentage: 101 }) }), expected: [[S, 'Maximum value is 100', '/States/M/ToleratedFailurePercentage']] },
  {
    name: 'unknown ProcessorConfig Mode',
    definition: sm({ M: map({ ItemProcessor: { ProcessorConfig: { Mode: 'FAST' }, StartAt: 'I', States: { I: end } } }) }),
    expected: [[S, 'Value should be one of the following: [INLINE, DISTRIBUTED]', '/States/M/ItemProcessor/ProcessorConfig/Mode']],
  },
  { name: 'ItemProcessor without StartAt', definition: sm({ M: map({ ItemProcessor: { States: { I: end } } }) }), expected: [[S, 'These fields are required: [StartAt]', '/States/M/ItemProcessor']] },
  {
    name: 'Parallel branch with a missing target',
    definition: sm({ P: { Type: 'Parallel', Branches: [{ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Z' } } }], End: true } }),
    expected: [[T, 'Missing \'Next\' target: Z', '/States/P/Branches[0]/States/A/Next']],
  },
  {
    name: 'Parallel branch with an unreachable state',
    definition: sm({ P: { Type: 'Parallel', Branches: [sm({ A: end, B: end })], End: true } }),
    expected: [[T, 'State "B" is not reachable.', '/States/P/Branches[0]/States/B']],
  },
  { name: 'Label too long', definition: sm({ M: map({ Label: 'L'.repeat(41) }) }), expected: [['INVALID_LABEL_NAME', `Label '${'L'.repeat(41)}' is invalid: it must be 1 to 40 characters without whitespace, brackets, wildcards, control or special characters`, '/States/M/Label']] },
  { name: 'Label with a space', definition: sm({ M: map({ Label: 'my label' }) }), expected: [['INVALID_LABEL_NAME', 'Label \'my label\' is invalid: it must be 1 to 40 characters without whitespace, brackets, wildcards, control or special characters', '/States/M/Label']] },
  {
    name: 'duplicate Label',
    definition: sm({ M: { Type: 'Map', ItemProcessor: { StartAt: 'I', States: { I: end } }, Label: 'L', Next: 'N' }, N: map({ Label: 'L' }) }),
    expected: [['DUPLICATE_LABEL_NAME', 'Duplicate Label name: L', '/States/N/Label']],
  },
  { name: 'empty Branches', definition: sm({ P: { Type: 'Parallel', Branches: [], End: true } }), expected: [[S, 'Minimum number of items is 1', '/States/P/Branches']] },
  // ---- EXPRESS
  {
    name: 'EXPRESS .sync [rec]',
    definition: sm({ X: task({ Resource: 'arn:aws:states:::states:startExecution.sync:2' }) }),
    options: { type: 'EXPRESS' },
    expected: [[S, 'Express state machine does not support \'.sync\' service integration ', '/States/X/Resource']],
  },
  {
    name: 'EXPRESS .waitForTaskToken [rec]',
    definition: sm({ SendMessageWithWait: task({ Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken' }) }),
    options: { type: 'EXPRESS' },
    expected: [[S, 'Express state machine does not support \'.waitForTaskToken\' service integration ', '/States/SendMessageWithWait/Resource']],
  },
  {
    name: 'EXPRESS activity [rec]',
    definition: sm({ X: task({ Resource: 'arn:aws:states:us-east-1:111111111111:activity:a' }) }),
    options: { type: 'EXPRESS' },
    expected: [[S, 'Express state machine does not support Activity ARN', '/States/X/Resource']],
  },
  // ---- query languages, JSONata and variables
  { name: 'JSONPath state in a JSONata machine [rec]', definition: jsonata({ Pass: { ...end, QueryLanguage: 'JSONPath' } }), expected: [[S, '\'QueryLanguage\' can not be \'JSONPath\' if set to \'JSONata\' for whole state machine', '/States/Pass']] },
  { name: 'Output in a JSONPath state [meas]', definition: sm({ P: { ...end, Output: {} } }), expected: [[S, 'The QueryLanguage is set to \'JSONPath\', but field \'Output\' is only supported for the \'JSONata\' QueryLanguage', '/States/P']] },
  { name: 'Parameters in a JSONata state', definition: jsonata({ P: { ...end, Parameters: {} } }), expected: [[S, 'The QueryLanguage is set to \'JSONata\', but field \'Parameters\' is only supported for the \'JSONPath\' QueryLanguage', '/States/P']] },
  { name: 'QueryLanguage on an ItemProcessor [meas]', definition: sm({ M: map({ ItemProcessor: { QueryLanguage: 'JSONata', StartAt: 'I', States: { I: end } } }) }), expected: [[S, 'Field \'QueryLanguage\' is not supported', '/States/M/ItemProcessor']] },
  { name: 'unknown QueryLanguage [meas]', definition: sm({ P: end }, { QueryLanguage: 'jsonata' }), expected: [[S, 'Value should be one of the following: [JSONPath, JSONata]', '/QueryLanguage']] },
  { name: 'JSONata syntax error [meas]', definition: jsonata({ E: { ...end, Output: { v: '{% $states.input[1,2) %}' } } }), expected: [['INVALID_JSONATA_EXPRESSION', 'Expected "]", got ","', '/States/E/Output/v']] },
  { name: 'JSONata top-level reference [meas]', definition: jsonata({ E: { ...end, Output: { v: '{% phone %}' } } }), expected: [['UNSUPPORTED_JSONATA_EXPRESSION', 'Reference to \'phone\' at the top level is not supported.', '/States/E/Output/v']] },
  { name: 'Assign to states', definition: sm({ A: { ...end, Assign: { states: 1 } } }), expected: [[S, 'Variable name \'states\' is reserved', '/States/A/Assign/states']] },
  { name: 'Assign to an invalid name', definition: sm({ A: { ...end, Assign: { '1x.$': '$.a' } } }), expected: [[S, 'Variable name \'1x\' is invalid: it must start with a letter or underscore and contain only letters, digits and underscores', '/States/A/Assign/1x.$']] },
];

const shape = (d: Diagnostic): Expected => (d.location === undefined ? [d.code, d.message] : [d.code, d.message, d.location]);

test('warnings: the definition stays valid', () => {
  const diag = (d: unknown): [string, string, string, string | undefined][] =>
    validateDefinition(d).map((x) => [x.severity, x.code, x.message, x.location]);
  assert.deepEqual(diag(sm({ A: { ...end, Parameters: { x: '$.a' } } })), [
    ['WARNING', 'NO_DOLLAR', 'The value for the field \'x\' looks like a JSONPath or an intrinsic function call, but the field name does not end with \'.$\'', '/States/A/Parameters'],
  ]);
  assert.deepEqual(diag(sm({ A: { ...end, Result: { 'x.$': '$.a' } } })), [
    ['WARNING', 'PASS_RESULT_IS_STATIC', 'The field \'x.$\' in the Result of a Pass state is static: paths are not evaluated there', '/States/A/Result'],
  ]);
  assert.deepEqual(diag(sm({ F: { Type: 'Fail', Error: '$.error' } })), [
    ['WARNING', 'NO_PATH', 'The value for the field \'Error\' looks like a path, but the field name does not end with \'Path\'', '/States/F/Error'],
  ]);
  assert.equal(formatInvalidDefinition(validateDefinition({ StartAt: 'A', States: { A: { ...end, Parameters: { x: '$.a' } }, B: end } })),
    'Invalid State Machine Definition: \'MISSING_TRANSITION_TARGET: State "B" is not reachable. at /States/B\'');
});

test('states inside a Map or Parallel take the machine\'s query language, not the Map\'s [meas]', () => {
  const def = sm({ M: map({ QueryLanguage: 'JSONata', ItemProcessor: { StartAt: 'P', States: { P: { ...end, Output: 1 } } } }) });
  assert.deepEqual(validateDefinition(def).map(shape), [
    [S, 'The QueryLanguage is set to \'JSONPath\', but field \'Output\' is only supported for the \'JSONata\' QueryLanguage', '/States/M/ItemProcessor/States/P'],
  ]);
  const inJsonata = jsonata({ P: { Type: 'Parallel', Branches: [sm({ B: { ...end, Output: '{% $states.input %}' } })], End: true } });
  assert.deepEqual(validateDefinition(inJsonata), []);
});

test(`broken definitions: ${CASES.length} cases with AWS's code, message and location`, async (t) => {
  assert.ok(CASES.length >= 45);
  for (const c of CASES) {
    await t.test(c.name, () => {
      const got = validateDefinition(c.definition, c.options).map(shape);
      assert.deepEqual(got, c.expected);
      for (const d of validateDefinition(c.definition, c.options)) assert.equal(d.severity, 'ERROR');
    });
  }
});

test('text and parsed definitions give the same diagnostics', () => {
  for (const c of CASES) {
    if (typeof c.definition === 'string') continue;
    assert.deepEqual(validateDefinition(JSON.stringify(c.definition), c.options), validateDefinition(c.definition, c.options), c.name);
  }
});

test('valid definitions produce no diagnostics', () => {
  const valid: unknown[] = [
    sm({ A: end }),
    sm({ W: { Type: 'Wait', Seconds: 1, Next: 'C' }, C: { Type: 'Choice', Choices: [{ Not: { Variable: '$.x', IsPresent: true }, Next: 'F' }], Default: 'S' }, F: { Type: 'Fail', Error: 'E' }, S: { Type: 'Succeed' } }),
    sm({ T: task({ Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken', Retry: [{ ErrorEquals: ['X'] }, { ErrorEquals: ['States.ALL'], JitterStrategy: 'FULL' }], Catch: [{ ErrorEquals: ['States.ALL'], Next: 'H', ResultPath: '$.err' }] }), H: end }),
    jsonata({ P: { Type: 'Pass', Output: { a: '{% $states.input.a %}', n: '{% $count($states.input.items) %}' }, Assign: { x: '{% 1 + 2 %}' }, End: true } }),
    sm({ P: { ...end, QueryLanguage: 'JSONata', Output: '{% $states.input %}' } }),
  ];
  for (const d of valid) assert.deepEqual(validateDefinition(d), [], JSON.stringify(d));
});

test('formatInvalidDefinition joins diagnostics as CreateStateMachine does', () => {
  assert.equal(
    formatInvalidDefinition(validateDefinition({ StartAt: 'A' })),
    'Invalid State Machine Definition: \'SCHEMA_VALIDATION_FAILED: These fields are required: [States] at /\'',
  );
  assert.equal(
    formatInvalidDefinition(validateDefinition({ StartAt: 'pass1', States: { pass1: { Type: 'Pass', Next: 'pass3' }, pass2: end } })),
    'Invalid State Machine Definition: \'MISSING_TRANSITION_TARGET: Missing \'Next\' target: pass3 at /States/pass1/Next, MISSING_TRANSITION_TARGET: State "pass2" is not reachable. at /States/pass2\'',
  );
  assert.equal(
    formatInvalidDefinition(validateDefinition(sm({ A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', Next: 'A' } }))),
    'Invalid State Machine Definition: \'MISSING_END_STATE: Workflow has no terminal state at null\'',
  );
});

// ---- the recorded corpus: every definition there was accepted by AWS

const conformanceDir = process.env.STEPGATE_CONFORMANCE_DIR
  ?? join(fileURLToPath(new URL('../../', import.meta.url)), '..', 'shared', 'conformance');
const corpusFile = join(conformanceDir, 'sfn', 'dev.jsonl');
const corpusMissing = !existsSync(corpusFile);

test('every definition AWS accepted in the recorded corpus validates without errors', { skip: corpusMissing && process.env.CI !== 'true' ? `no corpus at ${corpusFile}` : false }, () => {
  assert.ok(!corpusMissing, `conformance corpus missing: ${corpusFile}`);
  const failures: string[] = [];
  let checked = 0;
  for (const line of readFileSync(corpusFile, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const rec = JSON.parse(line) as { id: string; type?: 'STANDARD' | 'EXPRESS'; definition: unknown; stateMachines?: Record<string, { type?: 'STANDARD' | 'EXPRESS'; definition?: unknown }> };
    const defs: [string, unknown, 'STANDARD' | 'EXPRESS' | undefined][] = [[rec.id, rec.definition, rec.type]];
    for (const [name, child] of Object.entries(rec.stateMachines ?? {})) {
      if (child.definition !== undefined) defs.push([`${rec.id} ${name}`, child.definition, child.type]);
    }
    for (const [id, def, type] of defs) {
      const text = typeof def === 'string' ? def : JSON.stringify(def);
      const errors = validateDefinition(text, { type: type ?? 'STANDARD' }).filter((d) => d.severity === 'ERROR');
      checked++;
      if (errors.length > 0) failures.push(`${id}: ${formatInvalidDefinition(errors)}`);
    }
  }
  assert.ok(checked >= 502, `only ${checked} definitions read`);
  assert.deepEqual(failures, []);
});
