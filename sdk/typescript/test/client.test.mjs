// The hand-written layer against a fake fetch: no server needed.
import assert from "node:assert/strict";
import { test } from "node:test";

import { AcusightError, createAcusight } from "../dist/index.js";

const json = (status, body, headers = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });
const ok = (data, meta) => json(200, { success: true, data, ...(meta ? { meta } : {}) });

/** A client whose fetch answers from `answers` in turn and records each request. */
function fake(answers, options = {}) {
  const requests = [];
  const fetch = async (request) => {
    requests.push(request);
    const next = answers.shift();
    if (next instanceof Error) throw next;
    return typeof next === "function" ? next(request) : next;
  };
  const acusight = createAcusight({
    baseUrl: "http://api.test/",
    fetch,
    retry: { initialDelayMs: 1 },
    ...options,
  });
  return { acusight, requests };
}

test("data comes out of the envelope; auth headers go in", async () => {
  const { acusight, requests } = fake([ok([{ id: 1 }])], { serviceKey: "ask_x", organizationId: 7 });
  assert.deepEqual(await acusight.get("/api/devices", { params: { query: { per_page: 5 } } }), [{ id: 1 }]);
  assert.equal(requests[0].url, "http://api.test/api/devices?per_page=5");
  assert.equal(requests[0].headers.get("Authorization"), "Bearer ask_x");
  assert.equal(requests[0].headers.get("X-Acusight-Organization"), "7");
});

test("the error envelope is thrown as an AcusightError", async () => {
  const error = { code: "CONFLICT", message: "taken", details: "name", fields: null };
  const { acusight } = fake([json(409, { success: false, error })]);
  await assert.rejects(acusight.post("/api/data/projects", { body: { name: "x" } }), (e) => {
    assert.ok(e instanceof AcusightError);
    assert.deepEqual([e.status, e.code, e.message, e.details], [409, "CONFLICT", "taken", "name"]);
    return true;
  });
});

test("GET is retried on 502/503/504 and network errors; a plain POST is not", async () => {
  const { acusight, requests } = fake([
    new Response("bad gateway", { status: 502 }),
    new TypeError("fetch failed"),
    json(503, {}, { "Retry-After": "0" }),
    ok({ id: 3 }),
  ]);
  assert.deepEqual(await acusight.get("/api/organization"), { id: 3 });
  assert.equal(requests.length, 4);

  const post = fake([new Response("unavailable", { status: 503 }), ok({})]);
  await assert.rejects(
    post.acusight.post("/api/data/projects", { body: { name: "x" } }),
    (e) =>
      e instanceof AcusightError && e.status === 503 && e.code === "HTTP_503" && e.message === "unavailable",
  );
  assert.equal(post.requests.length, 1);
});

test("retries end: the last answer is thrown", async () => {
  const answers = Array.from({ length: 4 }, () => new Response("<html>", { status: 504 }));
  const { acusight, requests } = fake(answers);
  await assert.rejects(acusight.get("/api/organization"), (e) => e.status === 504 && e.code === "HTTP_504");
  assert.equal(requests.length, 4);
  const down = fake(Array.from({ length: 4 }, () => new TypeError("fetch failed")));
  await assert.rejects(down.acusight.get("/api/organization"), (e) => e.code === "NETWORK_ERROR");
});

test("upload sends the file and its sha256, and is retried (the API de-duplicates it)", async () => {
  const { acusight, requests } = fake([new Response("", { status: 503 }), ok({ id: 9, duplicate: false })], {
    deviceKey: "adk_k",
  });
  const bytes = new TextEncoder().encode("not really an image");
  assert.deepEqual(await acusight.upload(bytes, { batch: "b", capturedAt: new Date(0) }), {
    id: 9,
    duplicate: false,
  });
  assert.equal(requests.length, 2);
  const form = await requests[1].formData();
  assert.equal(requests[1].headers.get("X-Device-Key"), "adk_k");
  const digest = Buffer.from(await crypto.subtle.digest("SHA-256", bytes)).toString("hex");
  assert.equal(form.get("sha256"), digest);
  assert.equal(Buffer.from(await form.get("file").arrayBuffer()).toString(), "not really an image");
  assert.equal(form.get("batch"), "b");
  assert.equal(form.get("captured_at"), "1970-01-01T00:00:00.000Z");
});

test("pages follows meta.total_pages", async () => {
  const meta = (page) => ({ page, per_page: 2, total: 3, total_pages: 2 });
  const { acusight, requests } = fake([ok([{ id: 1 }, { id: 2 }], meta(1)), ok([{ id: 3 }], meta(2))]);
  const ids = [];
  for await (const image of acusight.pages("/api/data/images", { params: { query: { per_page: 2 } } })) {
    ids.push(image.id);
  }
  assert.deepEqual(ids, [1, 2, 3]);
  assert.deepEqual(
    requests.map((r) => new URL(r.url).search),
    ["?per_page=2&page=1", "?per_page=2&page=2"],
  );
});

test("wait polls until a terminal state, and times out", async () => {
  const { acusight, requests } = fake([
    ok({ id: 4, status: "queued" }),
    ok({ id: 4, status: "running" }),
    ok({ id: 4, status: "cancelled" }),
  ]);
  const polled = [];
  const job = await acusight.wait(
    "training",
    { id: 4 },
    { intervalMs: 1, onPoll: (j) => polled.push(j.status) },
  );
  assert.equal(job.status, "cancelled");
  assert.deepEqual(polled, ["queued", "running", "cancelled"]);
  assert.equal(new URL(requests[0].url).pathname, "/api/ml/training-jobs/4");

  const slow = fake(Array.from({ length: 100 }, () => ok({ id: 5, status: "running" })));
  await assert.rejects(
    slow.acusight.wait("dataset", 5, { intervalMs: 5, timeoutMs: 20 }),
    (e) => e instanceof AcusightError && e.code === "TIMEOUT",
  );
  assert.equal(new URL(slow.requests[0].url).pathname, "/api/data/datasets/5");
});

test("an expired access token is refreshed once, shared by calls that fail together", async () => {
  const expired = () => json(401, { success: false, error: { code: "UNAUTHORIZED", message: "The token has expired" } });
  const pair = ok({ access_token: "access-2", refresh_token: "refresh-2" });
  const refreshed = [];
  const answers = (request) => {
    const path = new URL(request.url).pathname;
    const auth = request.headers.get("Authorization");
    if (path === "/api/auth/refresh") return auth === "Bearer refresh-1" ? pair : expired();
    return auth === "Bearer access-2" ? ok({ id: 1 }) : expired();
  };
  const { acusight, requests } = fake(Array(10).fill(answers), {
    token: "access-1",
    refreshToken: "refresh-1",
    onRefresh: (tokens) => refreshed.push(tokens),
  });
  const both = await Promise.all([acusight.get("/api/organization"), acusight.get("/api/auth/me")]);
  assert.deepEqual(both, [{ id: 1 }, { id: 1 }]);
  assert.deepEqual(refreshed, [{ accessToken: "access-2", refreshToken: "refresh-2" }]);
  const trades = requests.filter((r) => new URL(r.url).pathname === "/api/auth/refresh");
  assert.equal(trades.length, 1);
  // Later calls go with the new token at once.
  assert.deepEqual(await acusight.get("/api/organization"), { id: 1 });
  assert.equal(requests.at(-1).headers.get("Authorization"), "Bearer access-2");
});

test("a refresh the API refuses leaves the 401 standing", async () => {
  const expired = json(401, { success: false, error: { code: "UNAUTHORIZED", message: "expired" } });
  const { acusight } = fake([expired, json(401, { success: false, error: { code: "UNAUTHORIZED", message: "over" } })], {
    token: "a",
    refreshToken: "r",
  });
  await assert.rejects(acusight.get("/api/organization"), (e) => e instanceof AcusightError && e.status === 401);
});
