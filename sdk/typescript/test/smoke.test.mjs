// Against a running server (tests/sdk/test_typescript_and_go.py starts one): ACUSIGHT_URL, an admin's
// ACUSIGHT_TOKEN and an unused ACUSIGHT_PROVISIONING_TOKEN. Skipped without them.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { deflateSync } from "node:zlib";
import { test } from "node:test";

import { AcusightError, createAcusight } from "../dist/index.js";

const {
  ACUSIGHT_URL: baseUrl,
  ACUSIGHT_TOKEN: token,
  ACUSIGHT_PROVISIONING_TOKEN: provisioning,
} = process.env;
const skip =
  baseUrl && token && provisioning
    ? false
    : "needs ACUSIGHT_URL, ACUSIGHT_TOKEN, ACUSIGHT_PROVISIONING_TOKEN";

/** A valid PNG of one pixel of this grey (distinct bytes, so distinct images). */
function png(grey) {
  const crc = (buf) => {
    let c = ~0;
    for (const byte of buf) {
      c ^= byte;
      for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
    }
    return ~c >>> 0;
  };
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(1, 0);
  header.writeUInt32BE(1, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(Buffer.from([0, grey]))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

test("a person and a device through the SDK", { skip }, async () => {
  const admin = createAcusight({ baseUrl, token });

  const before = await admin.get("/api/devices", { params: { query: { per_page: 100 } } });
  assert.ok(Array.isArray(before));

  const run = Date.now().toString(36);
  const project = await admin.post("/api/data/projects", {
    body: { name: `sdk smoke ${run}`, labels: ["a", "b"] },
  });
  assert.equal(project.name, `sdk smoke ${run}`);

  // A device provisions itself with the token (no person's credentials), then uploads as itself.
  const anonymous = createAcusight({ baseUrl });
  const provisioned = await anonymous.post("/api/devices/provision", {
    body: { name: "cam-1", serial_number: `SDK-TS-${run}`, token: provisioning },
  });
  assert.match(provisioned.api_key ?? "", /^adk_/);
  const deviceId = provisioned.device?.id;
  assert.ok(deviceId);
  await admin.patch("/api/devices/{device_id}", {
    params: { path: { device_id: deviceId } },
    body: { project_id: project.id },
  });
  const devices = [];
  for await (const device of admin.pages("/api/devices")) devices.push(device.id);
  assert.ok(devices.includes(deviceId));

  const device = createAcusight({ baseUrl, deviceKey: provisioned.api_key });
  const uploaded = [];
  for (let grey = 0; grey < 5; grey++) {
    const bytes = png(grey * 40);
    const image = await device.upload(new Blob([bytes], { type: "image/png" }), {
      filename: `frame-${grey}.png`,
      metadata: { grey },
    });
    assert.equal(image.sha256, createHash("sha256").update(bytes).digest("hex"));
    assert.equal(image.duplicate, false);
    uploaded.push(image.id);
  }
  const again = await device.upload(png(0));
  assert.equal(again.duplicate, true);
  assert.equal(again.id, uploaded[0]);

  // Two per page: three pages, every upload seen once.
  const seen = [];
  for await (const image of admin.pages("/api/data/images", {
    params: { query: { device_id: deviceId, per_page: 2 } },
  })) {
    seen.push(image.id);
  }
  assert.deepEqual([...seen].sort(), [...uploaded].sort());

  const file = await admin.download("/api/data/images/{image_id}/file", {
    params: { path: { image_id: uploaded[1] } },
  });
  assert.deepEqual(Buffer.from(await file.arrayBuffer()), png(40));

  await assert.rejects(
    admin.get("/api/devices/{device_id}", { params: { path: { device_id: 999999 } } }),
    (error) =>
      error instanceof AcusightError && error.status === 404 && error.code === "NOT_FOUND" && !!error.message,
  );
  await assert.rejects(
    anonymous.get("/api/devices"),
    (error) => error instanceof AcusightError && error.status === 401 && error.code === "UNAUTHORIZED",
  );
  await assert.rejects(
    admin.post("/api/data/projects", { body: { name: "" } }),
    (error) =>
      error instanceof AcusightError && error.code === "VALIDATION_ERROR" && "name" in (error.fields ?? {}),
  );
});
