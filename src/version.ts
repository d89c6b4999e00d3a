import { readFileSync } from 'node:fs'

// dist/src/version.js → the package root is two levels up.
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { name: string, version: string }

export const SOFTWARE = `${pkg.name}/${pkg.version}`
