// What may stand in a log entry's body, per entry kind (protocols/log.md, "Entry kinds").
// A later issue adds its kinds here; verifiers treat unknown kinds' bodies as opaque data whose
// CID links must still be present in an export.
import { z } from 'zod'
import { identifier, link } from '../records/schema-types.js'

export const entryBodies = {
  genesis: z.strictObject({
    network: identifier.describe('The network this node was created for (devnet, testnet, ...).'),
    software: z.string().max(128).describe('Name and version of the software that created the log.')
  }).meta({ title: 'genesis body', description: 'The first entry of every log.' }),
  record: z.strictObject({
    kind: identifier.describe('The record kind of the referenced block.'),
    record: link.describe('CID of the record; its bytes travel with the entry.')
  }).meta({ title: 'record body', description: 'A signed record the node made or accepted, stored by reference.' }),
  note: z.strictObject({
    text: z.string().min(1).max(4096)
  }).meta({ title: 'note body', description: 'An operator\'s annotation.' })
} as const

export type EntryKindName = keyof typeof entryBodies
export type EntryBody<K extends EntryKindName> = z.infer<(typeof entryBodies)[K]>

export function isKnownEntryKind (name: string): name is EntryKindName {
  return Object.hasOwn(entryBodies, name)
}
