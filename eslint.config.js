// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/', '**/dist/', 'node_modules/', '.tmp/', '.outpost-data/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.browser, ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['test/fixtures/sw*.js', 'sw/**'],
    languageOptions: { globals: { ...globals.serviceworker } },
  },
  {
    files: ['**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/dist/**'], message: 'Import sources, not build output.' }] }] },
  },
  {
    // Layering: runtime never imports UI; components never import the demo.
    files: ['runtime/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['**/components/**', '**/demo-app/**', '**/server-stub/**', '**/sw/**'] }] },
  },
  {
    files: ['components/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['**/demo-app/**', '**/server-stub/**'] }] },
  },
  {
    files: ['sw/**/*.ts', 'server-stub/**/*.ts'],
    rules: {
      // Page-side modules stay out of the worker: names both sides use live in runtime/protocol/.
      'no-restricted-imports': ['error', { patterns: ['**/components/**', '**/demo-app/**', '**/runtime/app/**', '**/runtime/router/**', '**/runtime/sw-client/**'] }],
    },
  },
  {
    files: ['demo-app/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['../runtime/**', '../components/**', '../server-stub/**', '../sw/**', '../../**'], message: 'The demo uses only public exports: import from "outpost", "outpost/components", …' }] },
      ],
    },
  },
);
