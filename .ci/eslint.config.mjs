// ESLint's flat config for the registry, run from the repository root as
// `eslint --config .ci/eslint.config.mjs .` (npm run lint). With --config, ESLint 9 reads the
// `files` and `ignores` patterns below relative to the working directory, the repository root.
import js from "@eslint/js";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";
import importX from "eslint-plugin-import-x";
import jsxA11y from "eslint-plugin-jsx-a11y";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

/** Framework internals: only a package's public entry points may be imported. */
const internals = [
  { group: ["@remix-run/*/dist", "@remix-run/*/dist/*"], message: "Import Remix from its package entry, not its dist/ internals." },
  { group: ["react-router/dist", "react-router/dist/*"], message: "Import React Router from its package entry, not its dist/ internals." },
  { group: ["react-dom/cjs", "react-dom/cjs/*"], message: "Import react-dom from its package entry (react-dom/server, react-dom/client)." },
];

/**
 * A module obtained with require() is the framework's shared exports object, which a write would
 * change for every caller. No module may; ESM imports are covered by no-import-assign. The one
 * Remix internal the registry relies on (app/utils/whole-page.server.ts) is a field of the entry
 * context Remix hands to entry.server, not a module's export.
 */
const frameworkRequire = [
  {
    selector: "CallExpression[callee.type='CallExpression'][callee.callee.name='createRequire'] > Literal[value=/^(@remix-run\\/|react-router|react-dom)/]",
    message: "Writable framework exports: import @remix-run, react-router and react-dom, never require them.",
  },
  {
    selector: "CallExpression[callee.name='require'] > Literal[value=/^(@remix-run\\/|react-router|react-dom)/]",
    message: "Writable framework exports: import @remix-run, react-router and react-dom, never require them.",
  },
];

export default tseslint.config(
  { ignores: ["build/", "public/build/", "data/", ".cache/", "tests/e2e/screenshots/", "tests/bench/results/", "**/*.d.ts.map"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx,js,mjs}"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "module",
      globals: { ...globals.node, ...globals.browser },
    },
    plugins: { "import-x": importX },
    settings: {
      // Without these import-x reads only .js files and so would see no cycle among .ts modules.
      "import-x/extensions": [".ts", ".tsx", ".js", ".mjs"],
      "import-x/parsers": { "@typescript-eslint/parser": [".ts", ".tsx"] },
      "import-x/resolver-next": [createTypeScriptImportResolver({ project: "tsconfig.json" })],
    },
    rules: {
      "import-x/no-cycle": ["error", { ignoreExternal: true }],
      // A leading underscore names what is left out on purpose (a rest sibling, an unused parameter).
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
      "no-restricted-imports": ["error", { patterns: internals }],
      "no-restricted-syntax": ["error", ...frameworkRequire],
    },
  },
  {
    files: ["**/*.tsx"],
    plugins: { "react-hooks": reactHooks, "jsx-a11y": jsxA11y },
    rules: {
      ...jsxA11y.flatConfigs.recommended.rules,
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "error",
      // A table wider than the screen scrolls in a focusable region or group, so that keys can scroll it.
      "jsx-a11y/no-noninteractive-tabindex": ["error", { tags: [], roles: ["tabpanel", "region", "group"] }],
    },
  },
  {
    // Kysely<any> is Kysely's type for code that runs on any schema: migrations, dialect helpers, copy.
    files: ["db/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    // Tests read JSON and loader data loosely and post ill-typed input on purpose.
    files: ["tests/**/*.{ts,tsx}"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
);
