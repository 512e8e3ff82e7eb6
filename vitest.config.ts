import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/setup.ts"],
    // Simulation tests run whole clusters; a busy CI machine must not turn slowness into failure.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
