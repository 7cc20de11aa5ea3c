// Shared set-up for the SDK tests: the server's address, SDK instances as a Node
// program (or a browser, for cookie sessions) would build them, unique test data,
// and a record of which SDK methods the tests called.
//
// Environment:
//   CLIENTELE_URL      base URL of the server under test (required), e.g. http://127.0.0.1:9000
//   ADMIN_EMAIL        admin login (default admin@example.com)
//   ADMIN_PASSWORD     admin password (default supersecret)
//   SDK_COVERAGE_FILE  if set, every SDK method a test process called is appended to it,
//                      one JSON line per process (run.sh sums them up)
//   CLIENTELE_TARGET   "clientele" (default) or "medusa": which side of the few documented
//                      departures (../../../shared/CONTRACT.md) to expect. "medusa" lets the
//                      suite be checked against the real Medusa 2.21.2 server.

import assert from "node:assert/strict"
import { appendFileSync } from "node:fs"
import { randomBytes } from "node:crypto"
import Medusa, { FetchError } from "@medusajs/js-sdk"

export { FetchError }

export const BASE_URL = process.env.CLIENTELE_URL
if (!BASE_URL) {
  throw new Error("CLIENTELE_URL is not set (the base URL of a running Clientele server)")
}
export const ADMIN_EMAIL = process.env.ADMIN_EMAIL || "admin@example.com"
export const ADMIN_PASSWORD = process.env.ADMIN_PASSWORD || "supersecret"
export const TARGET = process.env.CLIENTELE_TARGET || "clientele"

/** Picks the expectation for a documented Clientele departure from Medusa. */
export const departure = (clientele, medusa) => (TARGET === "medusa" ? medusa : clientele)

/** A token unique to this process, for emails, names and search text. */
export const RUN = `${Date.now().toString(36)}${randomBytes(3).toString("hex")}`
let seq = 0
export const uniq = (prefix = "t") => `${prefix}${RUN}n${++seq}`
export const uniqEmail = (prefix = "c") => `${uniq(prefix)}@example.com`

// ---------------------------------------------------------------------------
// Which SDK methods were called (through the wrapped namespaces below).

const called = new Set()
process.on("exit", () => {
  if (process.env.SDK_COVERAGE_FILE && called.size) {
    appendFileSync(process.env.SDK_COVERAGE_FILE, JSON.stringify([...called].sort()) + "\n")
  }
})
export const calledMethods = () => [...called].sort()

function track(target, prefix, only) {
  return new Proxy(target, {
    get(obj, prop, receiver) {
      const value = Reflect.get(obj, prop, receiver)
      if (typeof value !== "function" || typeof prop !== "string" || prop.endsWith("_")) {
        return value
      }
      if (only && !only.includes(prop)) {
        return value.bind(obj)
      }
      return (...args) => {
        called.add(`${prefix}.${prop}`)
        return value.apply(obj, args)
      }
    },
  })
}

// ---------------------------------------------------------------------------
// A cookie jar, so that the SDK's session mode works in Node as it does in a browser:
// requests the SDK makes with `credentials: "include"` (session mode only) carry the
// cookies earlier responses set; other requests ("omit") carry none.

export const cookieJar = new Map() // name -> { value, attrs }
const realFetch = globalThis.fetch
globalThis.fetch = async (input, init = {}) => {
  const withCookies = init.credentials === "include"
  if (withCookies && cookieJar.size) {
    const headers = new Headers(init.headers)
    headers.set("cookie", [...cookieJar].map(([k, v]) => `${k}=${v.value}`).join("; "))
    init = { ...init, headers }
  }
  const resp = await realFetch(input, init)
  if (withCookies) {
    for (const line of resp.headers.getSetCookie()) {
      const [pair, ...attrParts] = line.split(";")
      const eq = pair.indexOf("=")
      const name = pair.slice(0, eq).trim()
      const value = pair.slice(eq + 1).trim()
      const attrs = Object.fromEntries(
        attrParts.map((a) => {
          const i = a.indexOf("=")
          return i < 0
            ? [a.trim().toLowerCase(), true]
            : [a.slice(0, i).trim().toLowerCase(), a.slice(i + 1).trim()]
        })
      )
      const expired =
        (attrs["max-age"] !== undefined && Number(attrs["max-age"]) <= 0) ||
        (typeof attrs.expires === "string" && Date.parse(attrs.expires) <= Date.now())
      if (expired) cookieJar.delete(name)
      else cookieJar.set(name, { value, attrs, raw: line })
    }
  }
  return resp
}

// ---------------------------------------------------------------------------
// SDK instances.

/**
 * A Medusa SDK instance whose public methods are recorded. `config` is merged into
 * `{ baseUrl }`; by default it uses JWT auth with the token kept in memory (the only
 * JWT storage that works outside a browser).
 */
export function makeSdk(config = {}) {
  const sdk = new Medusa({
    baseUrl: BASE_URL,
    auth: { type: "jwt", jwtTokenStorageMethod: "memory" },
    ...config,
  })
  return {
    raw: sdk,
    client: track(sdk.client, "client", ["fetch"]),
    auth: track(sdk.auth, "auth"),
    admin: {
      customer: track(sdk.admin.customer, "admin.customer"),
      customerGroup: track(sdk.admin.customerGroup, "admin.customerGroup"),
      apiKey: track(sdk.admin.apiKey, "admin.apiKey"),
      user: track(sdk.admin.user, "admin.user"),
    },
  }
}

/** An SDK logged in as the admin with a JWT. */
export async function adminSdk() {
  const sdk = makeSdk()
  const token = await sdk.auth.login("user", "emailpass", {
    email: ADMIN_EMAIL,
    password: ADMIN_PASSWORD,
  })
  assert.equal(typeof token, "string")
  return sdk
}

// ---------------------------------------------------------------------------
// Assertions.

/**
 * Awaits `promise`, which must reject with the SDK's FetchError of `status` and, if given,
 * `message` (a string, or a RegExp to match). `label` names the call in failure messages.
 */
export async function rejectsWith(promise, status, message, label = "") {
  const what = label ? `${label}: ` : ""
  let err
  let value
  try {
    value = await promise
  } catch (e) {
    err = e
  }
  assert.ok(
    err,
    `${what}expected a FetchError ${status}, but the call succeeded with ${JSON.stringify(value)}`
  )
  assert.ok(
    err instanceof FetchError,
    `${what}expected a FetchError, got ${err && err.constructor && err.constructor.name}: ${err && err.message}`
  )
  assert.equal(err.status, status, `${what}status (message: ${JSON.stringify(err.message)})`)
  if (message instanceof RegExp) assert.match(err.message, message, `${what}message`)
  else if (message !== undefined) assert.equal(err.message, message, `${what}message`)
  return err
}

export const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
export const ULID = "[0-9A-Z]{26}"
export const idRe = (prefix) => new RegExp(`^${prefix}_${ULID}$`)

export const CUSTOMER_KEYS = [
  "company_name",
  "created_at",
  "created_by",
  "deleted_at",
  "email",
  "first_name",
  "has_account",
  "id",
  "last_name",
  "metadata",
  "phone",
  "updated_at",
]
export const ADDRESS_KEYS = [
  "address_1",
  "address_2",
  "address_name",
  "city",
  "company",
  "country_code",
  "created_at",
  "customer_id",
  "first_name",
  "id",
  "last_name",
  "metadata",
  "phone",
  "postal_code",
  "province",
  "updated_at",
]
export const GROUP_KEYS = [
  "created_at",
  "created_by",
  "deleted_at",
  "id",
  "metadata",
  "name",
  "updated_at",
]

export const keysOf = (o) => Object.keys(o).sort()

/** A customer object in Medusa's default field set. */
export function assertCustomerShape(c) {
  assert.deepEqual(keysOf(c), CUSTOMER_KEYS)
  assert.match(c.id, idRe("cus"))
  assert.match(c.created_at, ISO_MS)
  assert.match(c.updated_at, ISO_MS)
  assert.equal(c.deleted_at, null)
  assert.equal(typeof c.has_account, "boolean")
}

export function assertAddressShape(a) {
  assert.deepEqual(keysOf(a), ADDRESS_KEYS)
  assert.match(a.id, idRe("cuaddr"))
  assert.match(a.created_at, ISO_MS)
  assert.match(a.updated_at, ISO_MS)
}

export function assertGroupShape(g) {
  assert.deepEqual(keysOf(g), GROUP_KEYS)
  assert.match(g.id, idRe("cusgroup"))
  assert.match(g.created_at, ISO_MS)
  assert.match(g.updated_at, ISO_MS)
  assert.equal(g.deleted_at, null)
}

/** A list envelope `{<key>: [...], count, offset, limit}`. */
export function assertListShape(body, key, { count, offset = 0, limit } = {}) {
  assert.deepEqual(keysOf(body), [key, "count", "limit", "offset"].sort())
  assert.ok(Array.isArray(body[key]), `${key} is an array`)
  assert.equal(typeof body.count, "number")
  assert.equal(body.offset, offset)
  if (limit !== undefined) assert.equal(body.limit, limit)
  if (count !== undefined) assert.equal(body.count, count)
}
