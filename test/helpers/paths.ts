import { fileURLToPath } from 'node:url'

/** The repository root (compiled tests live in dist/test/...). */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))

export const cliPath = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url))
