// sdk.admin.customer: create / retrieve / update / list / delete, addresses, and
// group membership from the customer's side, with the errors a user would meet.

import { describe, it, before } from "node:test"
import assert from "node:assert/strict"
import {
  ISO_MS,
  adminSdk,
  assertAddressShape,
  assertCustomerShape,
  assertGroupShape,
  assertListShape,
  departure,
  keysOf,
  rejectsWith,
  uniq,
  uniqEmail,
} from "./helpers.js"

let sdk
let me

before(async () => {
  sdk = await adminSdk()
  ;({ user: me } = await sdk.admin.user.me())
})

describe("customer create / retrieve / update / delete", () => {
  let customer
  const email = uniqEmail("jane")

  it("create returns the customer with Medusa's default fields", async () => {
    const res = await sdk.admin.customer.create({
      email,
      company_name: "Acme Inc",
      first_name: "Jane",
      last_name: "Doe",
      phone: "+1-555-0100",
      metadata: { tier: "gold", score: 42, nested: { a: [1, 2] } },
    })
    assert.deepEqual(keysOf(res), ["customer"])
    customer = res.customer
    assertCustomerShape(customer)
    assert.equal(customer.email, email)
    assert.equal(customer.company_name, "Acme Inc")
    assert.equal(customer.first_name, "Jane")
    assert.equal(customer.last_name, "Doe")
    assert.equal(customer.phone, "+1-555-0100")
    assert.deepEqual(customer.metadata, { tier: "gold", score: 42, nested: { a: [1, 2] } })
    assert.equal(customer.has_account, false)
    assert.equal(customer.created_by, me.id)
    assert.ok(Math.abs(Date.parse(customer.updated_at) - Date.parse(customer.created_at)) < 1000)
  })

  it("retrieve returns the same customer", async () => {
    const res = await sdk.admin.customer.retrieve(customer.id)
    assert.deepEqual(res, { customer })
  })

  it("retrieve with fields returns only those fields", async () => {
    const { customer: c } = await sdk.admin.customer.retrieve(customer.id, {
      fields: "id,email,first_name",
    })
    assert.deepEqual(c, { id: customer.id, email, first_name: "Jane" })
  })

  it("retrieve with +field / -field adjusts the default set", async () => {
    const { customer: c } = await sdk.admin.customer.retrieve(customer.id, { fields: "-metadata" })
    assert.equal("metadata" in c, false)
    assert.equal(c.email, email)
  })

  it("update changes the given fields and merges metadata", async () => {
    const { customer: c } = await sdk.admin.customer.update(customer.id, {
      first_name: "Janet",
      phone: null,
      metadata: { tier: "platinum", score: "" },
    })
    assertCustomerShape(c)
    assert.equal(c.id, customer.id)
    assert.equal(c.first_name, "Janet")
    assert.equal(c.last_name, "Doe")
    assert.equal(c.phone, null)
    assert.deepEqual(c.metadata, { tier: "platinum", nested: { a: [1, 2] } })
    assert.ok(c.updated_at >= customer.updated_at)
    assert.equal(c.created_at, customer.created_at)
    customer = c
  })

  it("update with an empty body changes nothing", async () => {
    const { customer: c } = await sdk.admin.customer.update(customer.id, {})
    assert.deepEqual({ ...c, updated_at: null }, { ...customer, updated_at: null })
  })

  it("update with a fields query returns those fields", async () => {
    const { customer: c } = await sdk.admin.customer.update(
      customer.id,
      { last_name: "Doe-Smith" },
      { fields: "id,last_name" }
    )
    assert.deepEqual(c, { id: customer.id, last_name: "Doe-Smith" })
  })

  it("create with a fields query returns those fields", async () => {
    const e = uniqEmail("fields")
    const { customer: c } = await sdk.admin.customer.create({ email: e }, { fields: "id,email" })
    assert.deepEqual(keysOf(c), ["email", "id"])
    assert.equal(c.email, e)
    await sdk.admin.customer.delete(c.id)
  })

  it("an empty body creates a customer with every field null", async () => {
    const { customer: c } = await sdk.admin.customer.create({})
    assertCustomerShape(c)
    for (const k of ["email", "company_name", "first_name", "last_name", "phone", "metadata"]) {
      assert.equal(c[k], null, k)
    }
    await sdk.admin.customer.delete(c.id)
  })

  it("delete answers {id, object: 'customer', deleted: true}; the customer is gone", async () => {
    const res = await sdk.admin.customer.delete(customer.id)
    assert.deepEqual(res, { id: customer.id, object: "customer", deleted: true })
    await rejectsWith(
      sdk.admin.customer.retrieve(customer.id),
      404,
      `Customer with id: ${customer.id} not found`
    )
    const list = await sdk.admin.customer.list({ id: customer.id })
    assert.equal(list.count, 0)
  })

  it("delete of an already deleted customer is still 200", async () => {
    const res = await sdk.admin.customer.delete(customer.id)
    assert.deepEqual(res, { id: customer.id, object: "customer", deleted: true })
  })

  it("the email of a deleted customer can be used again", async () => {
    const { customer: c } = await sdk.admin.customer.create({ email })
    assert.notEqual(c.id, customer.id)
    assert.equal(c.email, email)
    await sdk.admin.customer.delete(c.id)
  })
})

describe("customer errors", () => {
  let existing

  before(async () => {
    ;({ customer: existing } = await sdk.admin.customer.create({ email: uniqEmail("dup") }))
  })

  it("a duplicate email is a 400 naming the email", async () => {
    await rejectsWith(
      sdk.admin.customer.create({ email: existing.email }),
      400,
      `Customer with email: ${existing.email}, has_account: false, already exists.`
    )
  })

  it("emails are case-sensitive: the upper-cased email is another customer", async () => {
    const { customer: c } = await sdk.admin.customer.create({
      email: existing.email.toUpperCase(),
    })
    assert.equal(c.email, existing.email.toUpperCase())
    await sdk.admin.customer.delete(c.id)
  })

  it("updating to another customer's email is a 400", async () => {
    const { customer: other } = await sdk.admin.customer.create({ email: uniqEmail("other") })
    await rejectsWith(
      sdk.admin.customer.update(other.id, { email: existing.email }),
      400,
      `Customer with email: ${existing.email}, has_account: false, already exists.`
    )
    await sdk.admin.customer.delete(other.id)
  })

  it("an invalid email is a 400", async () => {
    const err = await rejectsWith(
      sdk.admin.customer.create({ email: "not-an-email" }),
      400,
      "Invalid request: Invalid email address"
    )
    assert.equal(err.statusText, "Bad Request")
  })

  it("an unknown body field is a 400", async () => {
    await rejectsWith(
      sdk.admin.customer.create({ email: uniqEmail(), foo: "bar" }),
      400,
      "Invalid request: Unrecognized fields: 'foo'"
    )
    await rejectsWith(
      sdk.admin.customer.update(existing.id, { has_account: true }),
      400,
      "Invalid request: Unrecognized fields: 'has_account'"
    )
  })

  it("a field of the wrong type is a 400", async () => {
    await rejectsWith(
      sdk.admin.customer.create({ email: uniqEmail(), metadata: "x" }),
      400,
      "Invalid request: Expected type: 'record' for field 'metadata', got: 'x'"
    )
  })

  it("retrieve of an unknown id is a 404", async () => {
    const err = await rejectsWith(
      sdk.admin.customer.retrieve("cus_DOESNOTEXIST"),
      404,
      "Customer with id: cus_DOESNOTEXIST not found"
    )
    assert.equal(err.statusText, "Not Found")
  })

  it("update of an unknown id is a 404", async () => {
    await rejectsWith(
      sdk.admin.customer.update("cus_DOESNOTEXIST", { first_name: "X" }),
      404,
      'Customer with id "cus_DOESNOTEXIST" not found'
    )
  })

  it("delete of an unknown id is 200", async () => {
    const res = await sdk.admin.customer.delete("cus_DOESNOTEXIST")
    assert.deepEqual(res, { id: "cus_DOESNOTEXIST", object: "customer", deleted: true })
  })

  it("an unknown list parameter is a 400", async () => {
    await rejectsWith(
      sdk.admin.customer.list({ foo: "bar" }),
      400,
      "Invalid request: Unrecognized fields: 'foo'"
    )
  })
})

describe("customer list", () => {
  const tag = uniq("lst")
  const made = []

  before(async () => {
    // Five customers sharing a unique company name; created one after the other.
    for (const [i, first] of ["Ann", "Bob", "Cid", "Dee", "Eve"].entries()) {
      const { customer } = await sdk.admin.customer.create({
        email: uniqEmail(`list${i}`),
        first_name: first,
        last_name: tag,
        company_name: `${tag} Co`,
        metadata: { i },
      })
      made.push(customer)
    }
  })

  it("lists with Medusa's envelope and default limit 50", async () => {
    const body = await sdk.admin.customer.list()
    assertListShape(body, "customers", { offset: 0, limit: 50 })
    assert.ok(body.count >= made.length)
    for (const c of body.customers) assertCustomerShape(c)
  })

  it("q finds customers by free text", async () => {
    const body = await sdk.admin.customer.list({ q: tag })
    assertListShape(body, "customers", { count: 5 })
    assert.deepEqual(new Set(body.customers.map((c) => c.id)), new Set(made.map((c) => c.id)))
  })

  it("order, limit and offset page through the matches", async () => {
    const page1 = await sdk.admin.customer.list({
      q: tag,
      order: "first_name",
      limit: 2,
      offset: 0,
      fields: "id,first_name",
    })
    assertListShape(page1, "customers", { count: 5, limit: 2, offset: 0 })
    assert.deepEqual(page1.customers, [
      { id: made[0].id, first_name: "Ann" },
      { id: made[1].id, first_name: "Bob" },
    ])
    const page3 = await sdk.admin.customer.list({
      q: tag,
      order: "-first_name",
      limit: 2,
      offset: 4,
      fields: "id,first_name",
    })
    assertListShape(page3, "customers", { count: 5, limit: 2, offset: 4 })
    assert.deepEqual(page3.customers, [{ id: made[0].id, first_name: "Ann" }])
  })

  it("an offset past the end gives an empty page with the full count", async () => {
    const body = await sdk.admin.customer.list({ q: tag, offset: 10, limit: 5 })
    assertListShape(body, "customers", { count: 5, offset: 10, limit: 5 })
    assert.deepEqual(body.customers, [])
  })

  it("an id array (the SDK sends id[0]=..&id[1]=..) filters by id", async () => {
    const body = await sdk.admin.customer.list({
      id: [made[1].id, made[3].id],
      fields: "id,email",
    })
    assertListShape(body, "customers", { count: 2 })
    assert.deepEqual(
      new Set(body.customers.map((c) => c.id)),
      new Set([made[1].id, made[3].id])
    )
    for (const c of body.customers) assert.deepEqual(keysOf(c), ["email", "id"])
  })

  it("field filters match exactly", async () => {
    const body = await sdk.admin.customer.list({ email: made[2].email })
    assertListShape(body, "customers", { count: 1 })
    assert.deepEqual(body.customers[0], made[2])
    const byName = await sdk.admin.customer.list({ first_name: "Dee", last_name: tag })
    assert.deepEqual(
      byName.customers.map((c) => c.id),
      [made[3].id]
    )
    const byEmails = await sdk.admin.customer.list({ email: [made[0].email, made[4].email] })
    assert.equal(byEmails.count, 2)
  })

  it("has_account and date operators filter", async () => {
    const body = await sdk.admin.customer.list({ q: tag, has_account: false })
    assert.equal(body.count, 5)
    const none = await sdk.admin.customer.list({ q: tag, has_account: true })
    assert.equal(none.count, 0)
    const after = await sdk.admin.customer.list({
      q: tag,
      created_at: { $gte: made[0].created_at },
      fields: "id",
    })
    assert.equal(after.count, 5)
    const future = await sdk.admin.customer.list({
      q: tag,
      created_at: { $gt: "2999-01-01T00:00:00.000Z" },
    })
    assert.equal(future.count, 0)
  })

  it("$or combines conditions", async () => {
    const body = await sdk.admin.customer.list({
      last_name: tag,
      $or: [{ first_name: "Ann" }, { first_name: "Eve" }],
      fields: "id,first_name",
      order: "first_name",
    })
    assert.deepEqual(
      body.customers.map((c) => c.first_name),
      ["Ann", "Eve"]
    )
  })

  it("fields=*addresses adds each customer's addresses", async () => {
    await sdk.admin.customer.createAddress(made[0].id, { address_1: "1 List St", city: "Listville" })
    const body = await sdk.admin.customer.list({
      id: made[0].id,
      fields: "id,*addresses",
    })
    const [c] = body.customers
    assert.deepEqual(keysOf(c), ["addresses", "id"])
    assert.equal(c.addresses.length, 1)
    assert.equal(c.addresses[0].city, "Listville")
    assert.equal(c.addresses[0].customer_id, made[0].id)
  })

  it("a bad limit is a 400", async () => {
    await rejectsWith(
      sdk.admin.customer.list({ limit: "abc" }),
      400,
      "Invalid request: Expected type: 'number' for field 'limit', got: 'abc'"
    )
  })
})

describe("customer addresses", () => {
  let customer
  let home
  let work

  before(async () => {
    ;({ customer } = await sdk.admin.customer.create({
      email: uniqEmail("addr"),
      first_name: "Addy",
    }))
  })

  it("createAddress answers with the customer, not the address", async () => {
    const res = await sdk.admin.customer.createAddress(customer.id, {
      address_name: "Home",
      first_name: "Addy",
      last_name: "Dress",
      address_1: "1 Main St",
      city: "Springfield",
      country_code: "us",
      postal_code: "12345",
      province: "IL",
      phone: "555",
      is_default_shipping: true,
      metadata: { k: "v" },
    })
    assert.deepEqual(keysOf(res), ["customer"])
    assertCustomerShape(res.customer)
    assert.equal(res.customer.id, customer.id)
    assert.equal(res.customer.first_name, "Addy")

    await sdk.admin.customer.createAddress(customer.id, {
      address_name: "Work",
      address_1: "2 Office Rd",
      city: "Shelbyville",
      country_code: "DK",
    })
  })

  it("listAddresses lists them with the list envelope", async () => {
    const body = await sdk.admin.customer.listAddresses(customer.id)
    assertListShape(body, "addresses", { count: 2, offset: 0, limit: 50 })
    for (const a of body.addresses) {
      assertAddressShape(a)
      assert.equal(a.customer_id, customer.id)
    }
    home = body.addresses.find((a) => a.address_name === "Home")
    work = body.addresses.find((a) => a.address_name === "Work")
    assert.ok(home && work)
    assert.deepEqual(
      { ...home, id: null, created_at: null, updated_at: null },
      {
        id: null,
        address_name: "Home",
        company: null,
        customer_id: customer.id,
        first_name: "Addy",
        last_name: "Dress",
        address_1: "1 Main St",
        address_2: null,
        city: "Springfield",
        province: "IL",
        postal_code: "12345",
        country_code: "us",
        phone: "555",
        metadata: { k: "v" },
        created_at: null,
        updated_at: null,
      }
    )
    assert.equal(work.country_code, "DK")
    assert.equal(work.metadata, null)
  })

  it("retrieveAddress returns one address", async () => {
    const res = await sdk.admin.customer.retrieveAddress(customer.id, home.id)
    assert.deepEqual(res, { address: home })
  })

  it("updateAddress answers with the customer; a new default replaces the old one", async () => {
    const res = await sdk.admin.customer.updateAddress(customer.id, work.id, {
      city: "Capital City",
      is_default_shipping: true,
      metadata: { floor: 3 },
    })
    assert.deepEqual(keysOf(res), ["customer"])
    assert.equal(res.customer.id, customer.id)

    const { address } = await sdk.admin.customer.retrieveAddress(customer.id, work.id)
    assertAddressShape(address)
    assert.equal(address.city, "Capital City")
    assert.equal(address.address_1, "2 Office Rd")
    assert.deepEqual(address.metadata, { floor: 3 })

    const { customer: withAddrs } = await sdk.admin.customer.retrieve(customer.id, {
      fields: "id,addresses.id,addresses.is_default_shipping",
    })
    const flags = Object.fromEntries(
      withAddrs.addresses.map((a) => [a.id, a.is_default_shipping])
    )
    assert.deepEqual(flags, { [home.id]: false, [work.id]: true })
  })

  it("retrieve with fields=*addresses embeds the addresses", async () => {
    const { customer: c } = await sdk.admin.customer.retrieve(customer.id, {
      fields: "id,*addresses",
    })
    assert.equal(c.addresses.length, 2)
    assert.deepEqual(new Set(c.addresses.map((a) => a.id)), new Set([home.id, work.id]))
  })

  it("deleteAddress answers {id, object, deleted, parent: customer}", async () => {
    const res = await sdk.admin.customer.deleteAddress(customer.id, work.id)
    assert.deepEqual(keysOf(res), ["deleted", "id", "object", "parent"])
    assert.equal(res.id, work.id)
    assert.equal(res.object, "customer_address")
    assert.equal(res.deleted, true)
    assertCustomerShape(res.parent)
    assert.equal(res.parent.id, customer.id)

    const body = await sdk.admin.customer.listAddresses(customer.id)
    assert.equal(body.count, 1)
    assert.deepEqual(
      body.addresses.map((a) => a.id),
      [home.id]
    )
  })

  it("retrieveAddress of a missing address (documented departure: 404, Medusa 200 {})", async () => {
    const call = sdk.admin.customer.retrieveAddress(customer.id, work.id)
    if (departure(true, false)) {
      await rejectsWith(call, 404)
    } else {
      assert.deepEqual(await call, {})
    }
  })

  it("another customer's address (documented departure: 404, Medusa 200 and acts on it)", async () => {
    const { customer: other } = await sdk.admin.customer.create({ email: uniqEmail("other") })
    const get = sdk.admin.customer.retrieveAddress(other.id, home.id)
    const upd = sdk.admin.customer.updateAddress(other.id, home.id, { city: "Elsewhere" })
    if (departure(true, false)) {
      await rejectsWith(get, 404, undefined, "retrieveAddress")
      await rejectsWith(upd, 404, undefined, "updateAddress")
      await rejectsWith(
        sdk.admin.customer.deleteAddress(other.id, home.id),
        404,
        undefined,
        "deleteAddress"
      )
    } else {
      assert.deepEqual(await get, {})
      assert.equal((await upd).customer.id, other.id)
    }
    const { address } = await sdk.admin.customer.retrieveAddress(customer.id, home.id)
    assert.equal(address.city, "Springfield", "the owner's address is unchanged")
    await sdk.admin.customer.delete(other.id)
  })

  it("deleteAddress of an address that is already gone is still 200", async () => {
    const res = await sdk.admin.customer.deleteAddress(customer.id, work.id)
    assert.equal(res.id, work.id)
    assert.equal(res.object, "customer_address")
    assert.equal(res.deleted, true)
    assert.equal(res.parent.id, customer.id)
  })

  it("createAddress for an unknown customer is a 404", async () => {
    await rejectsWith(
      sdk.admin.customer.createAddress("cus_DOESNOTEXIST", { address_1: "x" }),
      404,
      "You tried to set relationship customer_id: cus_DOESNOTEXIST, but such entity does not exist"
    )
  })

  it("an unknown address field is a 400", async () => {
    await rejectsWith(
      sdk.admin.customer.createAddress(customer.id, { address_1: "x", street: "y" }),
      400,
      "Invalid request: Unrecognized fields: 'street'"
    )
  })

  it("a wrongly typed address field is a 400", async () => {
    await rejectsWith(
      sdk.admin.customer.createAddress(customer.id, { is_default_billing: "yes" }),
      400,
      "Invalid request: Expected type: 'boolean' for field 'is_default_billing', got: 'yes'"
    )
  })

  it("deleting the customer takes its addresses with it", async () => {
    await sdk.admin.customer.delete(customer.id)
    await rejectsWith(sdk.admin.customer.retrieve(customer.id), 404)
  })
})

describe("customer groups from the customer side (batchCustomerGroups)", () => {
  let customer
  let vip
  let wholesale

  before(async () => {
    ;({ customer } = await sdk.admin.customer.create({ email: uniqEmail("member") }))
    ;({ customer_group: vip } = await sdk.admin.customerGroup.create({ name: uniq("VIP") }))
    ;({ customer_group: wholesale } = await sdk.admin.customerGroup.create({
      name: uniq("Wholesale"),
    }))
  })

  it("add links the customer to groups and answers with the customer", async () => {
    const res = await sdk.admin.customer.batchCustomerGroups(customer.id, {
      add: [vip.id, wholesale.id],
    })
    assert.deepEqual(keysOf(res), ["customer"])
    assertCustomerShape(res.customer)
    assert.equal(res.customer.id, customer.id)

    const { customer: c } = await sdk.admin.customer.retrieve(customer.id, {
      fields: "id,email,*groups",
    })
    assert.deepEqual(keysOf(c), ["email", "groups", "id"])
    assert.deepEqual(new Set(c.groups.map((g) => g.id)), new Set([vip.id, wholesale.id]))
    for (const g of c.groups) assertGroupShape(g)
  })

  it("the customer list filters by group (groups[0]=...)", async () => {
    const body = await sdk.admin.customer.list({ groups: [vip.id], fields: "id,email" })
    assert.deepEqual(
      body.customers.map((c) => c.id),
      [customer.id]
    )
    const single = await sdk.admin.customer.list({ groups: wholesale.id, fields: "id" })
    assert.deepEqual(
      single.customers.map((c) => c.id),
      [customer.id]
    )
  })

  it("remove unlinks, add and remove can be combined", async () => {
    await sdk.admin.customer.batchCustomerGroups(customer.id, {
      remove: [vip.id],
    })
    const { customer: c } = await sdk.admin.customer.retrieve(customer.id, {
      fields: "id,groups.id,groups.name",
    })
    assert.deepEqual(c.groups, [{ id: wholesale.id, name: wholesale.name }])
    const none = await sdk.admin.customer.list({ groups: [vip.id] })
    assert.equal(none.count, 0)
  })

  it("adding an unknown group is a 404", async () => {
    await rejectsWith(
      sdk.admin.customer.batchCustomerGroups(customer.id, { add: ["cusgroup_DOESNOTEXIST"] }),
      404,
      "You tried to set relationship customer_group_id: cusgroup_DOESNOTEXIST, but such entity does not exist"
    )
  })

  it("a non-array add is a 400", async () => {
    await rejectsWith(
      sdk.admin.customer.batchCustomerGroups(customer.id, { add: vip.id }),
      400,
      /^Invalid request: /
    )
  })

  it("clean up", async () => {
    await sdk.admin.customer.delete(customer.id)
    await sdk.admin.customerGroup.delete(vip.id)
    await sdk.admin.customerGroup.delete(wholesale.id)
  })
})

describe("timestamps", () => {
  it("are ISO-8601 with milliseconds and Z", async () => {
    const { customer } = await sdk.admin.customer.create({ email: uniqEmail("ts") })
    assert.match(customer.created_at, ISO_MS)
    assert.ok(Math.abs(Date.parse(customer.created_at) - Date.now()) < 5 * 60 * 1000)
    await sdk.admin.customer.delete(customer.id)
  })
})
