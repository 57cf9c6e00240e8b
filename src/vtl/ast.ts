// The syntax tree of a Velocity template, produced by parser.ts and turned into closures by compiler.ts.

export interface Pos {
  readonly line: number;
  readonly column: number;
}

/** One step after the root of a reference: `.name`, `.name(args)`, `[expr]`. */
export type Access =
  | { readonly k: 'prop'; readonly name: string }
  | { readonly k: 'method'; readonly name: string; readonly args: readonly Expr[] }
  | { readonly k: 'index'; readonly expr: Expr };

export interface Ref extends Pos {
  readonly name: string;
  readonly path: readonly Access[];
  /** The reference as written (`$a.b`, `$!{a}`), rendered as is when it is unresolved in literal mode. */
  readonly src: string;
  readonly quiet: boolean;
}

export type Expr =
  | { readonly t: 'lit'; readonly v: unknown }
  | { readonly t: 'str'; readonly body: readonly Node[] }
  | { readonly t: 'ref'; readonly ref: Ref }
  | { readonly t: 'list'; readonly items: readonly Expr[] }
  | { readonly t: 'range'; readonly from: Expr; readonly to: Expr }
  | { readonly t: 'map'; readonly entries: readonly (readonly [Expr, Expr])[] }
  | { readonly t: 'bin'; readonly op: BinOp; readonly a: Expr; readonly b: Expr; readonly pos: Pos }
  | { readonly t: 'not'; readonly a: Expr }
  | { readonly t: 'neg'; readonly a: Expr };

export type BinOp = '||' | '&&' | '==' | '!=' | '<' | '>' | '<=' | '>=' | '+' | '-' | '*' | '/' | '%';

export type Node =
  | { readonly t: 'text'; readonly v: string }
  /** `escapes`: number of backslashes written before the `$`. */
  | { readonly t: 'ref'; readonly ref: Ref; readonly escapes: number }
  | { readonly t: 'set'; readonly target: Ref; readonly value: Expr; readonly pos: Pos }
  | { readonly t: 'if'; readonly branches: readonly { readonly cond: Expr; readonly body: readonly Node[] }[]; readonly otherwise?: readonly Node[] }
  | { readonly t: 'foreach'; readonly varName: string; readonly iter: Expr; readonly body: readonly Node[]; readonly pos: Pos }
  | { readonly t: 'break'; readonly scope?: Expr }
  | { readonly t: 'stop' }
  | { readonly t: 'macro'; readonly name: string; readonly params: readonly string[]; readonly body: readonly Node[] }
  | { readonly t: 'call'; readonly name: string; readonly args: readonly Expr[]; readonly pos: Pos; readonly src: string }
  | { readonly t: 'define'; readonly target: Ref; readonly body: readonly Node[] }
  | { readonly t: 'evaluate'; readonly expr: Expr; readonly pos: Pos };
