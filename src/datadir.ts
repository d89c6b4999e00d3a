// A node's data dir: the org key (libp2p protobuf, mode 0600) and the LevelDB log.
import { randomBytes } from 'node:crypto'
import { chmod, mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { CONFIG_FILE, renderConfig } from './config.js'
import { DataDirError } from './errors.js'
import { Log, type LogOptions } from './log/log.js'
import { signerFromSeed, type Signer } from './records/ed25519.js'
import { orgIdFromPublicKey, type OrgId } from './records/org-id.js'
import { SOFTWARE } from './version.js'

export const KEY_FILE = 'org.key'
export const LOG_DIR = 'log'
export const OPERATOR_TOKEN_FILE = 'operator.token'
/** Written by a running node: where its API listens, for `asp status` and friends. */
export const API_FILE = 'api.json'

export interface InitOptions {
  network: string
  listen?: string[]
  bootstrap?: string
  apiPort?: number
}

export interface OrgKey {
  orgId: OrgId
  signer: Signer
  /** The same key for libp2p: one key is both the PeerId and the signer. */
  privateKey: PrivateKey
}

export function logPath (dataDir: string): string {
  return join(dataDir, LOG_DIR)
}

/** Creates a data dir with a new org key and a log whose first entry is the genesis entry. */
export async function initDataDir (dataDir: string, options: InitOptions): Promise<OrgKey> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 })
  const existing = await readdir(dataDir)
  if (existing.includes(KEY_FILE) || existing.includes(LOG_DIR)) {
    throw new DataDirError('DATADIR_EXISTS', `${dataDir} already holds a node`, { dataDir })
  }
  const privateKey = await generateKeyPair('Ed25519')
  await writeFile(join(dataDir, KEY_FILE), privateKeyToProtobuf(privateKey), { mode: 0o600, flag: 'wx' })
  const key = orgKeyFrom(privateKey)
  await writeFile(join(dataDir, OPERATOR_TOKEN_FILE), randomBytes(32).toString('base64url') + '\n', { mode: 0o600, flag: 'wx' })
  await writeFile(join(dataDir, CONFIG_FILE), renderConfig(options), { mode: 0o644, flag: 'wx' })
  const log = await Log.open(logPath(dataDir), key.signer)
  try {
    await log.append('genesis', { network: options.network, software: SOFTWARE })
  } finally {
    await log.close()
  }
  return key
}

export async function readOperatorToken (dataDir: string): Promise<string> {
  const file = join(dataDir, OPERATOR_TOKEN_FILE)
  try {
    return (await readFile(file, 'utf8')).trim()
  } catch (err) {
    throw new DataDirError('DATADIR_MISSING', `no operator token at ${file}`, { file }, { cause: err })
  }
}

export async function loadOrgKey (dataDir: string): Promise<OrgKey> {
  const file = join(dataDir, KEY_FILE)
  let bytes: Uint8Array
  try {
    bytes = await readFile(file)
  } catch (err) {
    throw new DataDirError('DATADIR_MISSING', `no org key at ${file}; run "asp init --data-dir ${dataDir}" first`, { file }, { cause: err })
  }
  if (((await stat(file)).mode & 0o077) !== 0) {
    // A key others can read is a key others may have: tighten it rather than refuse to start.
    await chmod(file, 0o600)
  }
  let privateKey: PrivateKey
  try {
    privateKey = privateKeyFromProtobuf(bytes)
  } catch (err) {
    throw new DataDirError('DATADIR_KEY_INVALID', `${file} is not a libp2p private key`, { file }, { cause: err })
  }
  if (privateKey.type !== 'Ed25519') throw new DataDirError('DATADIR_KEY_INVALID', `${file} holds a ${privateKey.type} key; ASP needs Ed25519`, { file })
  return orgKeyFrom(privateKey)
}

function orgKeyFrom (privateKey: PrivateKey): OrgKey {
  const signer = signerFromSeed(privateKey.raw.subarray(0, 32))
  return { orgId: orgIdFromPublicKey(signer.publicKey), signer, privateKey }
}

export async function openDataDirLog (dataDir: string, options: LogOptions = {}): Promise<{ key: OrgKey, log: Log }> {
  const key = await loadOrgKey(dataDir)
  try {
    return { key, log: await Log.open(logPath(dataDir), key.signer, options) }
  } catch (err) {
    if ((err as { cause?: { code?: string } }).cause?.code === 'LEVEL_LOCKED') {
      throw new DataDirError('DATADIR_LOCKED', `the log in ${dataDir} is in use by another process (a running node?)`, { dataDir }, { cause: err })
    }
    throw err
  }
}
