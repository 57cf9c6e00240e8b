// Name rules of state machines, executions, activities and aliases (FACTS §1.4): 1–80 characters
// without whitespace, brackets, wildcards, the listed special characters or control characters.

const FORBIDDEN = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f\ufffe\uffff\ud800-\udfff]/;

export function isValidName(name: string): boolean {
  return name.length >= 1 && name.length <= 80 && !FORBIDDEN.test(name);
}
