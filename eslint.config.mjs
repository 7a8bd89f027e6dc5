// ESLint: typescript-eslint's recommended rules plus the project's module boundaries (docs/architecture.md).
import { builtinModules } from "node:module";
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

/** An import of a top-level folder, by the `@/` alias or by a relative path climbing out of the current one. */
const folder = (...names) => `^(@/|(\\.\\./)+)(${names.join("|")})(/|$)`;
const restrict = (...patterns) => ({ "no-restricted-imports": ["error", { patterns }] });

export default tseslint.config(
  { ignores: ["node_modules/", ".next/", ".state/", "generated/", "prisma/migrations/", "next-env.d.ts", "result", "result-*"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: "module" },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      // The type is the documentation at the edges; `{}` props and empty catch blocks say "nothing" on purpose.
      "@typescript-eslint/no-empty-object-type": "off",
      "no-empty": ["error", { allowEmptyCatch: true }],
      // Names and logs are checked for control characters on purpose.
      "no-control-regex": "off",
    },
  },
  {
    files: ["app/**/*.tsx", "components/**/*.tsx", "components/**/*.ts"],
    plugins: { "react-hooks": reactHooks },
    rules: { "react-hooks/rules-of-hooks": "error", "react-hooks/exhaustive-deps": "error" },
  },
  // Tests read untyped JSON answers; Playwright fixtures take an empty object pattern by design.
  {
    files: ["test/**", "e2e/**", "**/*.test.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off", "no-empty-pattern": "off" },
  },
  {
    files: ["**/*.mjs", "**/*.js", "cli/**", "scripts/**", "bench/**"],
    languageOptions: {
      globals: {
        process: "readonly",
        console: "readonly",
        URL: "readonly",
        Buffer: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        fetch: "readonly",
      },
    },
  },
  // The build host runs without the control plane's code: it may import only itself and the contracts.
  {
    files: ["worker/**"],
    rules: restrict({
      regex: folder("lib", "app", "components", "cli", "scripts", "prisma", "bench", "test", "e2e"),
      message: "worker/ imports only worker/ and contracts/ (a build host has none of the control plane's code)",
    }),
  },
  // Components are shared by routes; a route folder holds only its routes.
  {
    files: ["components/**"],
    rules: restrict({ regex: folder("app"), message: "components/ never imports app/: move what both need into components/ or lib/" }),
  },
  // Public share pages stand on their own: shared pieces come from components/, not from dashboard route folders.
  {
    files: ["app/share/**"],
    rules: restrict({ regex: "\\(dashboard\\)", message: "app/share/ uses components/ and lib/, not helpers from dashboard route folders" }),
  },
  // Contracts run in the browser and on build hosts: no Node module, nothing of the app's.
  {
    files: ["contracts/**"],
    ignores: ["contracts/**/*.test.ts"],
    rules: restrict(
      {
        regex: `^(node:.*|${builtinModules
          .filter((m) => !m.startsWith("_"))
          .map((m) => m.replace(/[/]/g, "\\/"))
          .join("|")})$`,
        message: "contracts/ imports no Node module: it ships to the browser",
      },
      { regex: folder("lib", "app", "components", "worker", "cli", "scripts", "prisma"), message: "contracts/ imports only contracts/ and npm packages" },
    ),
  },
);
