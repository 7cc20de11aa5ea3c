// Authentication through the SDK: JWT login, refresh and logout; cookie sessions;
// secret API keys; and what an unauthenticated or badly authenticated client gets.

import { describe, it, before } from "node:test"
import assert from "node:assert/strict"
import { createHmac } from "node:crypto"
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  ISO_MS,
  adminSdk,
  assertCustomerShape,
  assertListShape,
  cookieJar,
  idRe,
  keysOf,
  makeSdk,
  rejectsWith,
  uniqEmail,
} from "./helpers.js"

const decodeJwt = (token) => {
  const parts = token.split(".")
  assert.equal(parts.length, 3, "a JWT has three parts")
  return {
    header: JSON.parse(Buffer.from(parts[0], "base64url").toString()),
    payload: JSON.parse(Buffer.from(parts[1], "base64url").toString()),
  }
}

const USER_KEYS = [
  "avatar_url",
  "created_at",
  "deleted_at",
  "email",
  "first_name",
  "id",
  "last_name",
  "metadata",
  "updated_at",
]

describe("JWT auth (sdk.auth.login / refresh / logout)", () => {
  let sdk
  let token

  before(async () => {
    sdk = makeSdk()
    token = await sdk.auth.login("user", "emailpass", {
      email: ADMIN_EMAIL,
      password: ADMIN_PASSWORD,
    })
  })

  it("login returns an HS256 JWT for the admin user and the SDK keeps it", async () => {
    assert.equal(typeof token, "string")
    const { header, payload } = decodeJwt(token)
    assert.equal(header.alg, "HS256")
    assert.equal(payload.actor_type, "user")
    assert.match(payload.actor_id, idRe("user"))
    assert.match(payload.auth_identity_id, idRe("authid"))
    assert.equal(payload.auth_provider, "emailpass")
    assert.equal(payload.app_metadata.user_id, payload.actor_id)
    assert.equal(payload.exp - payload.iat, 24 * 3600, "tokens live one day (jwtExpiresIn 1d)")
    assert.equal(await sdk.raw.client.getToken(), token)
  })

  it("user.me returns the logged-in admin", async () => {
    const { user } = await sdk.admin.user.me()
    assert.deepEqual(keysOf(user), USER_KEYS)
    assert.equal(user.id, decodeJwt(token).payload.actor_id)
    assert.equal(user.email, ADMIN_EMAIL)
    assert.match(user.created_at, ISO_MS)
    assert.equal(user.deleted_at, null)
  })

  it("user.me honours a fields query", async () => {
    const { user } = await sdk.admin.user.me({ fields: "id,email" })
    assert.deepEqual(keysOf(user), ["email", "id"])
    assert.equal(user.email, ADMIN_EMAIL)
  })

  it("user.retrieve('me') is the same GET /admin/users/me", async () => {
    const { user } = await sdk.admin.user.retrieve("me", { fields: "id,email" })
    assert.deepEqual(user, { id: decodeJwt(token).payload.actor_id, email: ADMIN_EMAIL })
  })

  it("the token authenticates admin calls", async () => {
    const body = await sdk.admin.customer.list({ limit: 1 })
    assertListShape(body, "customers", { limit: 1 })
  })

  it("refresh returns a new token for the same user, and the SDK uses it", async () => {
    const res = await sdk.auth.refresh()
    assert.deepEqual(keysOf(res), ["token"])
    const { payload } = decodeJwt(res.token)
    assert.equal(payload.actor_type, "user")
    assert.equal(payload.actor_id, decodeJwt(token).payload.actor_id)
    assert.equal(payload.auth_identity_id, decodeJwt(token).payload.auth_identity_id)
    assert.equal(await sdk.raw.client.getToken(), res.token)
    const { user } = await sdk.admin.user.me()
    assert.equal(user.email, ADMIN_EMAIL)
  })

  it("logout forgets the token; the next admin call is a 401", async () => {
    await sdk.auth.logout()
    assert.ok(!(await sdk.raw.client.getToken()))
    await rejectsWith(sdk.admin.customer.list(), 401, "Unauthorized")
  })

  it("refresh without a token is a 401", async () => {
    await rejectsWith(makeSdk().auth.refresh(), 401, "Unauthorized")
  })
})

describe("login failures", () => {
  it("a wrong password is a 401 'Invalid email or password'", async () => {
    const sdk = makeSdk()
    await rejectsWith(
      sdk.auth.login("user", "emailpass", { email: ADMIN_EMAIL, password: "wrong-password" }),
      401,
      "Invalid email or password"
    )
    assert.ok(!(await sdk.raw.client.getToken()))
  })

  it("an unknown email is the same 401", async () => {
    await rejectsWith(
      makeSdk().auth.login("user", "emailpass", {
        email: uniqEmail("ghost"),
        password: ADMIN_PASSWORD,
      }),
      401,
      "Invalid email or password"
    )
  })

  it("a missing password or a non-string email is a 401 naming it", async () => {
    await rejectsWith(
      makeSdk().auth.login("user", "emailpass", { email: ADMIN_EMAIL }),
      401,
      "Password should be a string"
    )
    await rejectsWith(
      makeSdk().auth.login("user", "emailpass", { email: 5, password: ADMIN_PASSWORD }),
      401,
      "Email should be a string"
    )
  })

  it("a provider other than emailpass is a 400 for users", async () => {
    await rejectsWith(
      makeSdk().auth.login("user", "github", { email: ADMIN_EMAIL, password: ADMIN_PASSWORD }),
      400,
      "The actor type user is not allowed to use the auth provider github"
    )
  })
})

describe("unauthenticated and badly authenticated calls", () => {
  it("an SDK without credentials gets 401 'Unauthorized' on every admin route", async () => {
    const sdk = makeSdk()
    await rejectsWith(sdk.admin.customer.list(), 401, "Unauthorized")
    await rejectsWith(sdk.admin.customer.retrieve("cus_ANY"), 401, "Unauthorized")
    await rejectsWith(sdk.admin.customer.create({ email: uniqEmail() }), 401, "Unauthorized")
    await rejectsWith(sdk.admin.customerGroup.list(), 401, "Unauthorized")
    await rejectsWith(sdk.admin.apiKey.list(), 401, "Unauthorized")
    await rejectsWith(sdk.admin.user.me(), 401, "Unauthorized")
  })

  it("a token that is not a valid JWT is a 401", async () => {
    const sdk = makeSdk()
    await sdk.raw.client.setToken("not.a.jwt")
    await rejectsWith(sdk.admin.customer.list(), 401, "Unauthorized")
  })

  it("a JWT signed with another secret is a 401", async () => {
    const good = await adminSdk()
    const token = await good.raw.client.getToken()
    const [h, p] = token.split(".")
    const forged = `${h}.${p}.${Buffer.from("x".repeat(32)).toString("base64url")}`
    const sdk = makeSdk()
    await sdk.raw.client.setToken(forged)
    await rejectsWith(sdk.admin.customer.list(), 401, "Unauthorized")
  })

  // run.sh exports the server's JWT_SECRET; with it, tokens can be minted as the server would.
  const secret = process.env.JWT_SECRET
  const sign = (payload) => {
    const enc = (o) => Buffer.from(JSON.stringify(o)).toString("base64url")
    const body = `${enc({ alg: "HS256", typ: "JWT" })}.${enc(payload)}`
    return `${body}.${createHmac("sha256", secret).update(body).digest("base64url")}`
  }

  it("an expired JWT is a 401", { skip: !secret && "JWT_SECRET not set" }, async () => {
    const good = decodeJwt(await (await adminSdk()).raw.client.getToken()).payload
    const now = Math.floor(Date.now() / 1000)
    const sdk = makeSdk()
    await sdk.raw.client.setToken(sign({ ...good, iat: now - 7200, exp: now - 3600 }))
    await rejectsWith(sdk.admin.customer.list(), 401, "Unauthorized")
    // The same claims, still valid, are accepted: the secret is right.
    await sdk.raw.client.setToken(sign({ ...good, iat: now, exp: now + 600 }))
    assertListShape(await sdk.admin.customer.list({ limit: 1 }), "customers", { limit: 1 })
  })

  it("a valid JWT for a customer actor is a 401 on /admin", { skip: !secret && "JWT_SECRET not set" }, async () => {
    const now = Math.floor(Date.now() / 1000)
    const sdk = makeSdk()
    await sdk.raw.client.setToken(
      sign({
        actor_id: "cus_01ARZ3NDEKTSV4RRFFQ69G5FAV",
        actor_type: "customer",
        auth_identity_id: "authid_01ARZ3NDEKTSV4RRFFQ69G5FAV",
        app_metadata: { customer_id: "cus_01ARZ3NDEKTSV4RRFFQ69G5FAV" },
        iat: now,
        exp: now + 600,
      })
    )
    await rejectsWith(sdk.admin.customer.list(), 401, "Unauthorized")
  })

  it("client.fetch: GET /health answers OK without auth", async () => {
    const sdk = makeSdk()
    const resp = await sdk.client.fetch("/health", { headers: { accept: "text/plain" } })
    assert.equal(resp.status, 200)
    assert.equal(await resp.text(), "OK")
  })
})

describe("cookie session (auth: { type: 'session' })", () => {
  const sdk = makeSdk({ auth: { type: "session" } })

  before(() => cookieJar.clear())

  it("login exchanges the JWT for a connect.sid session cookie", async () => {
    const token = await sdk.auth.login("user", "emailpass", {
      email: ADMIN_EMAIL,
      password: ADMIN_PASSWORD,
    })
    assert.equal(typeof token, "string")
    const cookie = cookieJar.get("connect.sid")
    assert.ok(cookie, `a connect.sid cookie was set (jar: ${[...cookieJar.keys()]})`)
    assert.match(decodeURIComponent(cookie.value), /^s:[^.]+\.[A-Za-z0-9+/]+$/)
    assert.equal(cookie.attrs.httponly, true)
    assert.equal(cookie.attrs.path, "/")
    const ttl = Date.parse(cookie.attrs.expires) - Date.now()
    assert.ok(Math.abs(ttl - 10 * 3600 * 1000) < 120_000, `the cookie lives 10 h (${ttl} ms)`)
  })

  it("admin calls succeed on the cookie alone (no Authorization header)", async () => {
    const body = await sdk.admin.customer.list({ limit: 2, fields: "id,email" })
    assertListShape(body, "customers", { limit: 2 })
    for (const c of body.customers) assert.deepEqual(keysOf(c), ["email", "id"])
    const { user } = await sdk.admin.user.me()
    assert.equal(user.email, ADMIN_EMAIL)
  })

  it("a write through the session records the user as created_by", async () => {
    const { user } = await sdk.admin.user.me()
    const email = uniqEmail("session")
    const { customer } = await sdk.admin.customer.create({ email })
    assertCustomerShape(customer)
    assert.equal(customer.email, email)
    assert.equal(customer.created_by, user.id)
    await sdk.admin.customer.delete(customer.id)
  })

  it("refresh on the session returns a token and keeps the session working", async () => {
    const res = await sdk.auth.refresh()
    assert.equal(typeof res.token, "string")
    assert.equal(decodeJwt(res.token).payload.actor_type, "user")
    const body = await sdk.admin.customer.list({ limit: 1 })
    assertListShape(body, "customers", { limit: 1 })
  })

  it("logout (DELETE /auth/session) ends the session: the next call is a 401", async () => {
    const before = cookieJar.get("connect.sid")
    await sdk.auth.logout()
    // Whether or not the server cleared the cookie, the old session must be gone.
    if (!cookieJar.has("connect.sid")) cookieJar.set("connect.sid", before)
    await rejectsWith(sdk.admin.customer.list(), 401, "Unauthorized")
    await rejectsWith(sdk.admin.user.me(), 401, "Unauthorized")
    cookieJar.clear()
  })

  it("a session SDK that never logged in gets 401", async () => {
    cookieJar.clear()
    await rejectsWith(makeSdk({ auth: { type: "session" } }).admin.customer.list(), 401, "Unauthorized")
  })
})

describe("secret API key (new Medusa({ apiKey }))", () => {
  let admin
  let key
  let keySdk

  before(async () => {
    admin = await adminSdk()
    ;({ api_key: key } = await admin.admin.apiKey.create({
      title: `sdk test key ${uniqEmail()}`,
      type: "secret",
    }))
    keySdk = makeSdk({ apiKey: key.token, auth: undefined })
  })

  it("lists customers with Basic auth", async () => {
    assert.match(key.token, /^sk_[0-9a-f]{64}$/)
    const body = await keySdk.admin.customer.list({ limit: 3, offset: 0 })
    assertListShape(body, "customers", { limit: 3 })
    for (const c of body.customers) assertCustomerShape(c)
  })

  it("creates a customer whose created_by is the key's id", async () => {
    const email = uniqEmail("apikey")
    const { customer } = await keySdk.admin.customer.create({ email, first_name: "Key" })
    assertCustomerShape(customer)
    assert.equal(customer.created_by, key.id)
    const { customer: again } = await keySdk.admin.customer.retrieve(customer.id)
    assert.deepEqual(again, customer)
    await keySdk.admin.customer.delete(customer.id)
  })

  it("a secret key sent as a Bearer token is refused with Medusa's explanation", async () => {
    const sdk = makeSdk()
    await rejectsWith(
      sdk.client.fetch("/admin/customers", { headers: { Authorization: `Bearer ${key.token}` } }),
      401,
      "A secret API key was passed as a Bearer token. Secret API keys must be sent using HTTP Basic authentication instead (Authorization: Basic <secret-api-key>)."
    )
  })

  it("a secret key cannot refresh a token (it has no JWT or session): 401", async () => {
    await rejectsWith(keySdk.auth.refresh(), 401, "Unauthorized")
  })

  it("an unknown secret key is a 401", async () => {
    const sdk = makeSdk({ apiKey: `sk_${"0".repeat(64)}`, auth: undefined })
    await rejectsWith(sdk.admin.customer.list(), 401, "Unauthorized")
  })

  it("a revoked key stops working", async () => {
    const { api_key } = await admin.admin.apiKey.revoke(key.id)
    assert.match(api_key.revoked_at, ISO_MS)
    await rejectsWith(keySdk.admin.customer.list(), 401, "Unauthorized")
    await admin.admin.apiKey.delete(key.id)
  })
})
