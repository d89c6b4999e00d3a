import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parse } from 'smol-toml'
import { ConfigError, defaultConfig, loadConfig, renderConfig, validateConfig } from '../../src/config.js'
import { tempDir } from '../helpers/tmp.js'

describe('config', () => {
  it('config.toml as written by init holds every default, each under a comment', () => {
    const text = renderConfig()
    assert.deepEqual(validateConfig(parse(text)), defaultConfig())
    for (const line of text.split('\n').filter((l) => /^[a-zA-Z]+ = /.test(l))) {
      const before = text.split('\n')[text.split('\n').indexOf(line) - 1]
      assert.match(before ?? '', /^# /, `"${line}" has a comment`)
    }
  })

  it('file, then environment, override the defaults', async () => {
    const dir = await tempDir()
    try {
      await writeFile(join(dir.path, 'config.toml'), renderConfig({ network: 'testnet', apiPort: 9000 }))
      const fromFile = await loadConfig(dir.path, {})
      assert.equal(fromFile.network, 'testnet')
      assert.equal(fromFile.api.port, 9000)
      const fromEnv = await loadConfig(dir.path, { ASP_NETWORK: 'devnet', ASP_LISTEN: '/ip4/127.0.0.1/tcp/1, /ip4/127.0.0.1/tcp/2', ASP_API_PORT: '0' })
      assert.equal(fromEnv.network, 'devnet')
      assert.deepEqual(fromEnv.listen, ['/ip4/127.0.0.1/tcp/1', '/ip4/127.0.0.1/tcp/2'])
      assert.equal(fromEnv.api.port, 0)
    } finally {
      await dir.remove()
    }
  })

  it('refuses unknown keys, wrong types and broken TOML with CONFIG_INVALID', async () => {
    const dir = await tempDir()
    const code = async (text: string): Promise<string | undefined> => {
      await writeFile(join(dir.path, 'config.toml'), text)
      try {
        await loadConfig(dir.path, {})
        return undefined
      } catch (err) {
        return err instanceof ConfigError ? err.code : String(err)
      }
    }
    try {
      assert.equal(await code('netwrk = "devnet"'), 'CONFIG_INVALID')
      assert.equal(await code('[api]\nport = "seven"'), 'CONFIG_INVALID')
      assert.equal(await code('network = '), 'CONFIG_INVALID')
      assert.equal(await code('network = "Bad Name"'), 'CONFIG_INVALID')
      assert.equal(await code(''), undefined)
      assert.equal(await loadConfig(join(dir.path, 'missing')).catch((err: ConfigError) => err.code), 'CONFIG_MISSING')
    } finally {
      await dir.remove()
    }
  })
})
