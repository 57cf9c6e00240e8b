// Static checks of Choice rules (ASL "Choice Rules"): JSONPath rules take exactly one comparison
// operator (or And/Or/Not) with a Variable; only top-level rules carry Next. JSONata rules are a
// Condition plus Next, Output and Assign.
import { at, item, expectKind, expectRequired, type Collector } from './validate-context.js';
import { Msg, ValueKind } from './validate-messages.js';
import { parseTimestamp } from './timestamp.js';
import { checkJsonataAssign, checkJsonataTemplate, checkJsonPathAssign, isValidPath, isValidReferencePath } from './validate-expressions.js';
import { isJsonataExpression } from './jsonata-eval.js';

/** Comparison operators by the JSON kind of their operand (ASL spec; FACTS §2.8). */
const OPERATOR_KIND: Record<string, ValueKind> = {};
for (const cmp of ['Equals', 'LessThan', 'GreaterThan', 'LessThanEquals', 'GreaterThanEquals']) {
  OPERATOR_KIND[`String${cmp}`] = ValueKind.STRING;
  OPERATOR_KIND[`Numeric${cmp}`] = ValueKind.NUMBER;
  OPERATOR_KIND[`Timestamp${cmp}`] = ValueKind.STRING;
}
OPERATOR_KIND.StringMatches = ValueKind.STRING;
OPERATOR_KIND.BooleanEquals = ValueKind.BOOLEAN;
for (const t of ['IsNull', 'IsPresent', 'IsNumeric', 'IsString', 'IsBoolean', 'IsTimestamp']) OPERATOR_KIND[t] = ValueKind.BOOLEAN;

/** `…Path` forms exist for every comparison except StringMatches and the type tests. */
const PATH_OPERATORS = new Set(
  Object.keys(OPERATOR_KIND)
    .filter((k) => k !== 'StringMatches' && !k.startsWith('Is'))
    .map((k) => `${k}Path`),
);
const LOGICAL = ['And', 'Or', 'Not'] as const;

const isOperator = (k: string): boolean => Object.hasOwn(OPERATOR_KIND, k) || PATH_OPERATORS.has(k) || (LOGICAL as readonly string[]).includes(k);

/** A JSONPath Choice rule; `top` rules need Next and may carry Assign. */
export function checkJsonPathRule(c: Collector, rule: unknown, loc: string, top: boolean): void {
  if (!expectKind(c, rule, ValueKind.OBJECT, loc)) return;
  const r = rule as Record<string, unknown>;
  const operators = Object.keys(r).filter(isOperator);
  for (const key of Object.keys(r)) {
    if (isOperator(key) || key === 'Variable' || key === 'Comment') continue;
    if (top && (key === 'Next' || key === 'Assign')) continue;
    c.schema(Msg.choiceUnknownField(key), loc);
  }
  if (top) expectRequired(c, r, ['Next'], loc);
  if (operators.length !== 1) {
    c.schema(Msg.choiceOneOperator(), loc);
  }
  if ('Comment' in r) expectKind(c, r.Comment, ValueKind.STRING, at(loc, 'Comment'));
  if (top && 'Next' in r) expectKind(c, r.Next, ValueKind.STRING, at(loc, 'Next'));
  if (top && 'Assign' in r && expectKind(c, r.Assign, ValueKind.OBJECT, at(loc, 'Assign'))) {
    checkJsonPathAssign(c, r.Assign as Record<string, unknown>, at(loc, 'Assign'));
  }
  const comparisons = operators.filter((o) => !(LOGICAL as readonly string[]).includes(o));
  if (comparisons.length > 0) {
    if (expectRequired(c, r, ['Variable'], loc) && expectKind(c, r.Variable, ValueKind.STRING, at(loc, 'Variable'))) {
      if (!isValidPath(r.Variable as string)) c.schema(Msg.invalidPath('Variable'), at(loc, 'Variable'));
    }
  } else if ('Variable' in r && operators.length > 0) {
    c.schema(Msg.choiceUnknownField('Variable'), loc);
  }
  for (const op of operators) {
    const v = r[op];
    const opLoc = at(loc, op);
    if (op === 'And' || op === 'Or') {
      if (!expectKind(c, v, ValueKind.ARRAY, opLoc)) continue;
      const rules = v as unknown[];
      if (rules.length === 0) c.schema(Msg.minItems(1), opLoc);
      rules.forEach((sub, i) => checkJsonPathRule(c, sub, item(opLoc, i), false));
    } else if (op === 'Not') {
      checkJsonPathRule(c, v, opLoc, false);
    } else if (PATH_OPERATORS.has(op)) {
      if (expectKind(c, v, ValueKind.STRING, opLoc) && !isValidReferencePath(v as string)) {
        c.schema(Msg.invalidReferencePath(op), opLoc);
      }
    } else {
      const kind = OPERATOR_KIND[op] as ValueKind;
      if (!expectKind(c, v, kind, opLoc)) continue;
      if (op.startsWith('Timestamp') && parseTimestamp(v as string) === undefined) c.schema(Msg.invalidTimestamp(op), opLoc);
    }
  }
}

/** A JSONata Choice rule: `{Condition, Next, Output?, Assign?, Comment?}`. */
export function checkJsonataRule(c: Collector, rule: unknown, loc: string): void {
  if (!expectKind(c, rule, ValueKind.OBJECT, loc)) return;
  const r = rule as Record<string, unknown>;
  for (const key of Object.keys(r)) {
    if (!['Condition', 'Next', 'Output', 'Assign', 'Comment'].includes(key)) c.schema(Msg.choiceUnknownField(key), loc);
  }
  expectRequired(c, r, ['Condition', 'Next'], loc);
  if ('Next' in r) expectKind(c, r.Next, ValueKind.STRING, at(loc, 'Next'));
  if ('Comment' in r) expectKind(c, r.Comment, ValueKind.STRING, at(loc, 'Comment'));
  if ('Condition' in r) {
    const cond = r.Condition;
    if (typeof cond === 'string' && isJsonataExpression(cond)) checkJsonataTemplate(c, cond, at(loc, 'Condition'));
    else if (typeof cond !== 'boolean') c.schema(Msg.valueType(ValueKind.BOOLEAN), at(loc, 'Condition'));
  }
  if ('Output' in r) checkJsonataTemplate(c, r.Output, at(loc, 'Output'));
  if ('Assign' in r && expectKind(c, r.Assign, ValueKind.OBJECT, at(loc, 'Assign'))) {
    checkJsonataAssign(c, r.Assign as Record<string, unknown>, at(loc, 'Assign'));
  }
}
