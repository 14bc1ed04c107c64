// ESLint for the whole project (run by `npm run lint`, part of `npm test`).
// Beyond the recommended sets: the webview builds DOM nodes only — process names and command
// lines are attacker-controlled, so HTML-parsing sinks are forbidden everywhere.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const htmlSinks = [
  { selector: "AssignmentExpression > MemberExpression.left[property.name=/^(innerHTML|outerHTML)$/]", message: 'Build DOM nodes (createElement/textContent): never parse HTML.' },
  { selector: "CallExpression[callee.property.name=/^(insertAdjacentHTML|createContextualFragment)$/]", message: 'Build DOM nodes (createElement/textContent): never parse HTML.' },
  { selector: "CallExpression[callee.object.name='document'][callee.property.name=/^(write|writeln)$/]", message: 'Build DOM nodes (createElement/textContent): never parse HTML.' },
  { selector: "CallExpression[callee.property.name='parseFromString']", message: 'Build DOM nodes (createElement/textContent): never parse HTML.' },
];

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.cache/**', '.vscode-test/**', 'test/.tmp/**', 'bench/.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: { ...globals.node, ...globals.browser },
    },
    rules: {
      'no-restricted-syntax': ['error', ...htmlSinks],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  // TypeScript checks names itself (and knows the DOM and Node types ESLint's list lacks).
  { files: ['**/*.ts'], rules: { 'no-undef': 'off' } },
  // CommonJS on purpose (a script preloaded with `node -r`).
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs' }, rules: { '@typescript-eslint/no-require-imports': 'off' } },
);
