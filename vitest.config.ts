import { defineConfig } from "vitest/config";

export default defineConfig({
  // Vite 8 transforms TypeScript with oxc, which lowers only legacy
  // decorators; Node 20 cannot run untransformed ones. handlerkit's
  // registrar accepts both shapes (spec/decorators.spec.ts checks the
  // standard ones as tsc emits them).
  oxc: {
    decorator: { legacy: true },
  },
  test: {
    include: ["spec/**/*.spec.ts"],
    testTimeout: 20_000,
    // Hooks start servers, Redis, HAProxy and compile lib/ for child
    // processes: on a loaded 2-core machine that can pass 10 s.
    hookTimeout: 60_000,
    // A temporary folder per spec file (see the file).
    setupFiles: ["spec/support/own-tmpdir.ts"],
  },
});
