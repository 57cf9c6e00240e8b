// Lint rules, including the layer rule of DESIGN.md: each folder of src/ may import only
// the folders its arrow allows. A forbidden import fails `npm test`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** folder → folders of src/ it may import (besides itself) */
const LAYERS = {
  asl: [],
  vtl: [],
  store: [],
  lambda: [],
  template: [],
  sfn: ['asl', 'store', 'lambda'],
  apigw: ['vtl', 'lambda', 'store'],
  server: ['asl', 'vtl', 'sfn', 'apigw', 'lambda', 'template', 'store'],
  cli: ['server', 'template', 'asl', 'sfn', 'apigw', 'store'],
};
const ALL = Object.keys(LAYERS);
/** Pure layers may not touch the host: no I/O, no clock, no randomness. */
const PURE = new Set(['asl', 'vtl']);

const layerBlocks = Object.entries(LAYERS).map(([layer, allowed]) => ({
  files: [`src/${layer}/**/*.ts`],
  ignores: [`src/${layer}/**/*.test.ts`],
  rules: {
    'no-restricted-imports': ['error', {
      patterns: [
        ...ALL.filter((l) => l !== layer && !allowed.includes(l)).map((l) => ({
          group: [`**/${l}/*`, `**/${l}`],
          message: `src/${layer} may not import src/${l} (see DESIGN.md layers).`,
        })),
        { group: ['**/index.js'], message: 'Internal code does not import the public entry point.' },
        ...(PURE.has(layer) ? [{ group: ['node:*', 'fs', 'path', 'http', 'net', 'child_process'], message: `src/${layer} is pure: no I/O.` }] : []),
      ],
    }],
    ...(PURE.has(layer) ? {
      'no-restricted-properties': ['error',
        { object: 'Date', property: 'now', message: 'Pure layer: take time from the Clock.' },
        { object: 'Math', property: 'random', message: 'Pure layer: take randomness from the Random source.' }],
    } : {}),
  },
}));

export default tseslint.config(
  { ignores: ['.bench-dist/**', 'dist/**', 'node_modules/**', '.stepgate/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setImmediate: 'readonly', Buffer: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
      'no-control-regex': 'off',
    },
  },
  ...layerBlocks,
  {
    // Lambda handlers kept in CommonJS, as the seed that shows them was written (their folder's
    // package.json says "type": "commonjs").
    files: ['examples/seed-002-json-payload/functions/**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { exports: 'writable', module: 'writable', require: 'readonly' } },
  },
);
