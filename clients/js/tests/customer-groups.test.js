// sdk.admin.customerGroup: create / retrieve / update / list / delete and batchCustomers.

import { describe, it, before } from "node:test"
import assert from "node:assert/strict"
import {
  adminSdk,
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

describe("customer group create / retrieve / update / delete", () => {
  let group
  const name = uniq("VIP ")

  it("create returns the group", async () => {
    const res = await sdk.admin.customerGroup.create({ name, metadata: { level: 1 } })
    assert.deepEqual(keysOf(res), ["customer_group"])
    group = res.customer_group
    assertGroupShape(group)
    assert.equal(group.name, name)
    assert.deepEqual(group.metadata, { level: 1 })
    assert.equal(group.created_by, me.id)
  })

  it("create with a fields query returns those fields", async () => {
    const n = uniq("fields ")
    const { customer_group: g } = await sdk.admin.customerGroup.create(
      { name: n },
      { fields: "id,name" }
    )
    assert.deepEqual(keysOf(g), ["id", "name"])
    assert.equal(g.name, n)
    await sdk.admin.customerGroup.delete(g.id)
  })

  it("retrieve returns the same group", async () => {
    assert.deepEqual(await sdk.admin.customerGroup.retrieve(group.id), { customer_group: group })
  })

  it("retrieve with fields", async () => {
    const { customer_group: g } = await sdk.admin.customerGroup.retrieve(group.id, {
      fields: "id,name",
    })
    assert.deepEqual(g, { id: group.id, name })
  })

  it("update renames and merges metadata", async () => {
    const newName = uniq("Gold ")
    const { customer_group: g } = await sdk.admin.customerGroup.update(group.id, {
      name: newName,
      metadata: { color: "gold" },
    })
    assertGroupShape(g)
    assert.equal(g.id, group.id)
    assert.equal(g.name, newName)
    assert.deepEqual(g.metadata, { level: 1, color: "gold" })
    assert.equal(g.created_at, group.created_at)
    group = g
  })

  it("update with a fields query", async () => {
    const { customer_group: g } = await sdk.admin.customerGroup.update(
      group.id,
      { metadata: { level: "" } },
      { fields: "id,metadata" }
    )
    assert.deepEqual(g, { id: group.id, metadata: { color: "gold" } })
  })

  it("list finds it by name, q and id", async () => {
    const byName = await sdk.admin.customerGroup.list({ name: group.name })
    assertListShape(byName, "customer_groups", { count: 1, limit: 50 })
    assertGroupShape(byName.customer_groups[0])
    assert.equal(byName.customer_groups[0].id, group.id)

    const byQ = await sdk.admin.customerGroup.list({ q: group.name.slice(0, -2), fields: "id" })
    assert.ok(byQ.customer_groups.some((g) => g.id === group.id))

    const byId = await sdk.admin.customerGroup.list({ id: [group.id], fields: "id,name" })
    assert.deepEqual(byId.customer_groups, [{ id: group.id, name: group.name }])
  })

  it("delete answers {id, object: 'customer_group', deleted: true}; the group is gone", async () => {
    const res = await sdk.admin.customerGroup.delete(group.id)
    assert.deepEqual(res, { id: group.id, object: "customer_group", deleted: true })
    await rejectsWith(
      sdk.admin.customerGroup.retrieve(group.id),
      404,
      `Customer group with id: ${group.id} not found`
    )
    const list = await sdk.admin.customerGroup.list({ id: group.id })
    assert.equal(list.count, 0)
  })

  it("the name of a deleted group can be used again", async () => {
    const { customer_group: g } = await sdk.admin.customerGroup.create({ name: group.name })
    assert.notEqual(g.id, group.id)
    await sdk.admin.customerGroup.delete(g.id)
  })
})

describe("customer group list paging", () => {
  const tag = uniq("pg")
  const groups = []

  before(async () => {
    for (const n of ["c", "a", "d", "b"]) {
      const { customer_group } = await sdk.admin.customerGroup.create({ name: `${tag} ${n}` })
      groups.push(customer_group)
    }
  })

  it("order, limit and offset page through the matches of q", async () => {
    const names = (body) => body.customer_groups.map((g) => g.name.slice(-1))
    const p1 = await sdk.admin.customerGroup.list({ q: tag, order: "name", limit: 3, offset: 0 })
    assertListShape(p1, "customer_groups", { count: 4, limit: 3, offset: 0 })
    for (const g of p1.customer_groups) assertGroupShape(g)
    assert.deepEqual(names(p1), ["a", "b", "c"])
    const p2 = await sdk.admin.customerGroup.list({ q: tag, order: "name", limit: 3, offset: 3 })
    assertListShape(p2, "customer_groups", { count: 4, limit: 3, offset: 3 })
    assert.deepEqual(names(p2), ["d"])
    const desc = await sdk.admin.customerGroup.list({ q: tag, order: "-name", fields: "id,name" })
    assert.deepEqual(names(desc), ["d", "c", "b", "a"])
    for (const g of desc.customer_groups) assert.deepEqual(keysOf(g), ["id", "name"])
  })

  it("clean up", async () => {
    for (const g of groups) await sdk.admin.customerGroup.delete(g.id)
  })
})

describe("customer group errors", () => {
  let existing

  before(async () => {
    ;({ customer_group: existing } = await sdk.admin.customerGroup.create({ name: uniq("Dup ") }))
  })

  it("a duplicate name is a 400", async () => {
    await rejectsWith(
      sdk.admin.customerGroup.create({ name: existing.name }),
      400,
      `Customer group with name: ${existing.name}, already exists.`
    )
  })

  it("a missing name is a 400", async () => {
    await rejectsWith(
      sdk.admin.customerGroup.create({}),
      400,
      "Invalid request: Field 'name' is required"
    )
  })

  it("an unknown field is a 400", async () => {
    await rejectsWith(
      sdk.admin.customerGroup.update(existing.id, { description: "x" }),
      400,
      "Invalid request: Unrecognized fields: 'description'"
    )
  })

  it("retrieve of an unknown id is a 404", async () => {
    await rejectsWith(
      sdk.admin.customerGroup.retrieve("cusgroup_DOESNOTEXIST"),
      404,
      "Customer group with id: cusgroup_DOESNOTEXIST not found"
    )
  })

  it("update of an unknown id is a 404", async () => {
    await rejectsWith(
      sdk.admin.customerGroup.update("cusgroup_DOESNOTEXIST", { name: uniq("x") }),
      404,
      'Customer group with id "cusgroup_DOESNOTEXIST" not found'
    )
  })

  it("delete of an unknown id is 200", async () => {
    assert.deepEqual(await sdk.admin.customerGroup.delete("cusgroup_DOESNOTEXIST"), {
      id: "cusgroup_DOESNOTEXIST",
      object: "customer_group",
      deleted: true,
    })
  })

  it("clean up", async () => {
    await sdk.admin.customerGroup.delete(existing.id)
  })
})

describe("batchCustomers (POST /admin/customer-groups/{id}/customers)", () => {
  let group
  const customers = []

  before(async () => {
    ;({ customer_group: group } = await sdk.admin.customerGroup.create({ name: uniq("Batch ") }))
    for (const i of [0, 1, 2]) {
      const { customer } = await sdk.admin.customer.create({
        email: uniqEmail(`batch${i}`),
        first_name: `B${i}`,
      })
      customers.push(customer)
    }
  })

  it("add links customers and answers with the group", async () => {
    const res = await sdk.admin.customerGroup.batchCustomers(group.id, {
      add: customers.map((c) => c.id),
    })
    assert.deepEqual(keysOf(res), ["customer_group"])
    assertGroupShape(res.customer_group)
    assert.equal(res.customer_group.id, group.id)
  })

  it("retrieve with fields=*customers shows the members", async () => {
    const { customer_group: g } = await sdk.admin.customerGroup.retrieve(group.id, {
      fields: "id,name,*customers",
    })
    assert.deepEqual(keysOf(g), ["customers", "id", "name"])
    assert.deepEqual(new Set(g.customers.map((c) => c.id)), new Set(customers.map((c) => c.id)))
    for (const c of g.customers) assertCustomerShape(c)
  })

  it("the customer list filtered by the group finds exactly the members", async () => {
    const body = await sdk.admin.customer.list({ groups: [group.id], fields: "id", order: "id" })
    assertListShape(body, "customers", { count: 3 })
    assert.deepEqual(
      body.customers.map((c) => c.id),
      customers.map((c) => c.id).sort()
    )
  })

  it("the group list filters by member", async () => {
    const body = await sdk.admin.customerGroup.list({ customers: customers[0].id, fields: "id" })
    assert.deepEqual(body.customer_groups, [{ id: group.id }])
  })

  it("remove unlinks", async () => {
    const res = await sdk.admin.customerGroup.batchCustomers(group.id, {
      remove: [customers[0].id, customers[2].id],
    })
    assert.equal(res.customer_group.id, group.id)
    const { customer_group: g } = await sdk.admin.customerGroup.retrieve(group.id, {
      fields: "id,customers.id",
    })
    assert.deepEqual(g.customers, [{ id: customers[1].id }])
  })

  it("adding an unknown customer is a 404", async () => {
    await rejectsWith(
      sdk.admin.customerGroup.batchCustomers(group.id, { add: ["cus_DOESNOTEXIST"] }),
      404,
      "You tried to set relationship customer_id: cus_DOESNOTEXIST, but such entity does not exist"
    )
  })

  it("an unknown body field is a 400", async () => {
    await rejectsWith(
      sdk.admin.customerGroup.batchCustomers(group.id, { add: [], foo: [] }),
      400,
      "Invalid request: Unrecognized fields: 'foo'"
    )
  })

  it("deleting the group detaches its members", async () => {
    await sdk.admin.customerGroup.delete(group.id)
    const { customer: c } = await sdk.admin.customer.retrieve(customers[1].id, {
      fields: "id,*groups",
    })
    assert.deepEqual(c.groups, [])
    // Documented departure: Medusa still finds the former members when filtering by the
    // deleted group's id; Clientele finds nobody.
    const body = await sdk.admin.customer.list({ groups: [group.id] })
    assert.equal(body.count, departure(0, 1))
    for (const c of customers) await sdk.admin.customer.delete(c.id)
  })
})
