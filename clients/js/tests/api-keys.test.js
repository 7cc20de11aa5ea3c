// sdk.admin.apiKey: create / list / retrieve / update / revoke / delete.

import { describe, it, before } from "node:test"
import assert from "node:assert/strict"
import {
  ISO_MS,
  adminSdk,
  assertListShape,
  departure,
  idRe,
  keysOf,
  makeSdk,
  rejectsWith,
  uniq,
} from "./helpers.js"

let sdk
let me

before(async () => {
  sdk = await adminSdk()
  ;({ user: me } = await sdk.admin.user.me())
})

const CREATED_KEYS = [
  "created_at",
  "created_by",
  "deleted_at",
  "id",
  "last_used_at",
  "redacted",
  "revoked_at",
  "revoked_by",
  "title",
  "token",
  "type",
  "updated_at",
]
// What every later read (retrieve, list, update, revoke) answers: no deleted_at, and the
// sales channels relation (empty here).
const READ_KEYS = [
  "created_at",
  "created_by",
  "id",
  "last_used_at",
  "redacted",
  "revoked_at",
  "revoked_by",
  "sales_channels",
  "title",
  "token",
  "type",
  "updated_at",
]

describe("secret API key lifecycle", () => {
  let key
  const title = uniq("key ")

  it("create returns the key with its raw token, once", async () => {
    const res = await sdk.admin.apiKey.create({ title, type: "secret" })
    assert.deepEqual(keysOf(res), ["api_key"])
    key = res.api_key
    assert.deepEqual(keysOf(key), CREATED_KEYS)
    assert.match(key.id, idRe("apk"))
    assert.match(key.token, /^sk_[0-9a-f]{64}$/)
    assert.equal(key.redacted, `${key.token.slice(0, 6)}***${key.token.slice(-3)}`)
    assert.equal(key.title, title)
    assert.equal(key.type, "secret")
    assert.equal(key.created_by, me.id)
    assert.equal(key.last_used_at, null)
    assert.equal(key.revoked_at, null)
    assert.equal(key.revoked_by, null)
    assert.equal(key.deleted_at, null)
    assert.match(key.created_at, ISO_MS)
    assert.match(key.updated_at, ISO_MS)
    assert.equal("salt" in key, false)
  })

  it("retrieve hides the raw token", async () => {
    const { api_key: k } = await sdk.admin.apiKey.retrieve(key.id)
    assert.deepEqual(keysOf(k), READ_KEYS)
    assert.deepEqual(k.sales_channels, [])
    assert.equal(k.id, key.id)
    assert.equal(k.title, title)
    assert.equal(k.type, "secret")
    assert.equal(k.token, "")
    assert.equal(k.redacted, key.redacted)
    assert.equal(k.created_by, me.id)
    assert.equal(k.revoked_at, null)
    assert.equal("salt" in k, false)
  })

  it("list finds it, without the raw token", async () => {
    const body = await sdk.admin.apiKey.list({ id: key.id })
    assertListShape(body, "api_keys", { count: 1 })
    assert.deepEqual(keysOf(body.api_keys[0]), READ_KEYS)
    assert.equal(body.api_keys[0].id, key.id)
    assert.equal(body.api_keys[0].token, "")

    const byTitle = await sdk.admin.apiKey.list({ q: title, type: "secret" })
    assert.deepEqual(
      byTitle.api_keys.map((k) => k.id),
      [key.id]
    )

    const paged = await sdk.admin.apiKey.list({ limit: 1, offset: 0 })
    assertListShape(paged, "api_keys", { limit: 1 })
    assert.equal(paged.api_keys.length, 1)
    assert.ok(paged.count >= 1)
  })

  it("list defaults to limit 20", async () => {
    const body = await sdk.admin.apiKey.list()
    assertListShape(body, "api_keys", { offset: 0, limit: 20 })
  })

  it("update changes the title", async () => {
    const newTitle = uniq("renamed ")
    const { api_key: k } = await sdk.admin.apiKey.update(key.id, { title: newTitle })
    assert.deepEqual(keysOf(k), READ_KEYS)
    assert.equal(k.id, key.id)
    assert.equal(k.title, newTitle)
    assert.equal(k.token, "")
    assert.equal(k.redacted, key.redacted)
    const { api_key: again } = await sdk.admin.apiKey.retrieve(key.id)
    assert.equal(again.title, newTitle)
  })

  it("a key that is not revoked cannot be deleted", async () => {
    await rejectsWith(
      sdk.admin.apiKey.delete(key.id),
      400,
      `Cannot delete api keys that are not revoked - ${key.id}`
    )
  })

  it("revoke (a POST with no body) revokes now, by the current user", async () => {
    const before = Date.now()
    const { api_key: k } = await sdk.admin.apiKey.revoke(key.id)
    assert.deepEqual(keysOf(k), READ_KEYS)
    assert.equal(k.id, key.id)
    assert.match(k.revoked_at, ISO_MS)
    assert.ok(Math.abs(Date.parse(k.revoked_at) - before) < 60_000)
    assert.equal(k.revoked_by, me.id)
    assert.equal(k.token, "")
  })

  it("revoking again is a 400", async () => {
    await rejectsWith(
      sdk.admin.apiKey.revoke(key.id),
      400,
      "There are 1 secret keys that are already revoked."
    )
  })

  it("delete of a revoked key answers {id, object: 'api_key', deleted: true}", async () => {
    const res = await sdk.admin.apiKey.delete(key.id)
    assert.deepEqual(res, { id: key.id, object: "api_key", deleted: true })
    const body = await sdk.admin.apiKey.list({ id: key.id })
    assert.equal(body.count, 0)
  })
})

describe("scheduled revocation (revoke_in, sent with client.fetch: the SDK's revoke sends no body)", () => {
  it("a key revoked in an hour keeps working, and can still be revoked now", async () => {
    const { api_key: k } = await sdk.admin.apiKey.create({ title: uniq("later "), type: "secret" })
    const keySdk = makeSdk({ apiKey: k.token, auth: undefined })
    const before = Date.now()
    const { api_key: later } = await sdk.client.fetch(`/admin/api-keys/${k.id}/revoke`, {
      method: "POST",
      body: { revoke_in: 3600 },
    })
    const inMs = Date.parse(later.revoked_at) - before
    assert.ok(inMs > 3590_000 && inMs < 3660_000, `revoked_at is an hour ahead (${inMs} ms)`)
    assert.equal(later.revoked_by, me.id)

    const body = await keySdk.admin.customer.list({ limit: 1 })
    assertListShape(body, "customers", { limit: 1 })

    // Not yet revoked, so revoking again (now) is allowed.
    const { api_key: now } = await sdk.admin.apiKey.revoke(k.id)
    assert.ok(Date.parse(now.revoked_at) <= Date.now() + 1000)
    await rejectsWith(keySdk.admin.customer.list(), 401, "Unauthorized")
    await sdk.admin.apiKey.delete(k.id)
  })
})

describe("publishable API key", () => {
  it("is created with a readable pk_ token that later reads still show", async () => {
    const title = uniq("pub ")
    const { api_key: k } = await sdk.admin.apiKey.create({ title, type: "publishable" })
    assert.deepEqual(keysOf(k), CREATED_KEYS)
    assert.match(k.token, /^pk_[0-9a-f]{64}$/)
    assert.equal(k.redacted, `${k.token.slice(0, 6)}***${k.token.slice(-3)}`)
    assert.equal(k.type, "publishable")
    const { api_key: again } = await sdk.admin.apiKey.retrieve(k.id)
    assert.deepEqual(keysOf(again), READ_KEYS)
    assert.equal(again.token, k.token)
    const body = await sdk.admin.apiKey.list({ type: "publishable", id: [k.id] })
    assert.deepEqual(
      body.api_keys.map((x) => x.token),
      [k.token]
    )
    const { api_key: revoked } = await sdk.admin.apiKey.revoke(k.id)
    assert.match(revoked.revoked_at, ISO_MS)
    assert.deepEqual(await sdk.admin.apiKey.delete(k.id), {
      id: k.id,
      object: "api_key",
      deleted: true,
    })
  })

  it("cannot authenticate admin calls", async () => {
    const { api_key: k } = await sdk.admin.apiKey.create({ title: uniq("pub "), type: "publishable" })
    const pkSdk = makeSdk({ apiKey: k.token, auth: undefined })
    await rejectsWith(pkSdk.admin.customer.list(), 401, "Unauthorized")
    await sdk.admin.apiKey.revoke(k.id)
    await sdk.admin.apiKey.delete(k.id)
  })
})

describe("API key errors", () => {
  it("create without a type is a 400", async () => {
    await rejectsWith(
      sdk.admin.apiKey.create({ title: uniq("no type ") }),
      400,
      "Invalid request: Field 'type' is required"
    )
  })

  it("create with an unknown type is a 400", async () => {
    await rejectsWith(
      sdk.admin.apiKey.create({ title: uniq("bad type "), type: "magic" }),
      400,
      "Invalid request: Expected: 'publishable, secret' for field 'type', but got: 'magic'"
    )
  })

  it("create without a title is a 400", async () => {
    await rejectsWith(
      sdk.admin.apiKey.create({ type: "secret" }),
      400,
      "Invalid request: Field 'title' is required"
    )
  })

  it("retrieve of an unknown id is a 404", async () => {
    await rejectsWith(
      sdk.admin.apiKey.retrieve("apk_DOESNOTEXIST"),
      404,
      "API Key with id: apk_DOESNOTEXIST was not found"
    )
  })

  it("update and revoke of an unknown id (documented departure: 404, Medusa 200)", async () => {
    const calls = {
      update: () => sdk.admin.apiKey.update("apk_DOESNOTEXIST", { title: uniq("ghost ") }),
      revoke: () => sdk.admin.apiKey.revoke("apk_DOESNOTEXIST"),
    }
    for (const [name, call] of Object.entries(calls)) {
      if (departure(true, false)) {
        await rejectsWith(call(), 404, undefined, name)
      } else {
        await call()
      }
    }
  })

  it("delete of an unknown id is 200, as for customers and groups", async () => {
    assert.deepEqual(await sdk.admin.apiKey.delete("apk_DOESNOTEXIST"), {
      id: "apk_DOESNOTEXIST",
      object: "api_key",
      deleted: true,
    })
  })

  it("update accepts only a title", async () => {
    const { api_key: k } = await sdk.admin.apiKey.create({ title: uniq("upd "), type: "secret" })
    await rejectsWith(
      sdk.admin.apiKey.update(k.id, { type: "publishable" }),
      400,
      "Invalid request: Field 'title' is required; Unrecognized fields: 'type'"
    )
    await sdk.admin.apiKey.revoke(k.id)
    await sdk.admin.apiKey.delete(k.id)
  })

  it("an unknown list parameter is a 400", async () => {
    await rejectsWith(
      sdk.admin.apiKey.list({ foo: 1 }),
      400,
      "Invalid request: Unrecognized fields: 'foo'"
    )
  })

  it("a secret key asking /admin/users/me is a 404 (its actor is not a user)", async () => {
    const { api_key: k } = await sdk.admin.apiKey.create({ title: uniq("me "), type: "secret" })
    const keySdk = makeSdk({ apiKey: k.token, auth: undefined })
    await rejectsWith(keySdk.admin.user.me(), 404, `User with id: ${k.id} was not found`)
    await sdk.admin.apiKey.revoke(k.id)
    await sdk.admin.apiKey.delete(k.id)
  })

  it("the key's own SDK (Basic auth) can list keys", async () => {
    const { api_key: k } = await sdk.admin.apiKey.create({ title: uniq("self "), type: "secret" })
    const keySdk = makeSdk({ apiKey: k.token, auth: undefined })
    const body = await keySdk.admin.apiKey.list({ id: k.id })
    assert.equal(body.count, 1)
    assert.equal(body.api_keys[0].token, "")
    await sdk.admin.apiKey.revoke(k.id)
    await sdk.admin.apiKey.delete(k.id)
  })
})
