#!/usr/bin/env node
// The script a user would write instead of the action: @octokit/rest + libsodium-wrappers
// (what a `github-script` step does), used as a benchmark baseline.
//
// Same interface as our binary, for the scenarios the benchmark runs:
//   INPUT_TOKEN, INPUT_ORG, INPUT_API_URL, INPUT_OPERATION (list | set | sync),
//   set:  INPUT_NAME (optional match key), INPUT_REGISTRY_TYPE, INPUT_URL, INPUT_USERNAME,
//         INPUT_VISIBILITY, INPUT_AUTH_TYPE, INPUT_SECRET
//   sync: INPUT_REGISTRIES (a JSON list; entries with name, registry_type, url, username,
//         visibility, auth_type, replaces_base, selected_repository_ids, secret | secret_env),
//         INPUT_PRUNE, INPUT_DRY_RUN
// Prints one JSON object of outputs on stdout.
//
// Same minimal requests as the action: every page of 100 once, the public key at most once
// (only when something is sealed), one write per change, no read-back after PATCH.
import { Octokit } from "@octokit/rest";
import sodium from "libsodium-wrappers";

const FIELDS = ["registry_type", "url", "username", "replaces_base", "visibility",
  "selected_repository_ids", "auth_type"];

const input = (name, dflt = "") => {
  const v = process.env[`INPUT_${name.toUpperCase()}`] ?? "";
  return v !== "" ? v : dflt;
};
const truthy = (v) => String(v).trim().toLowerCase() === "true";
const fail = (msg) => { const e = new Error(msg); e.fatal = true; throw e; };

function normUrl(u) {
  try {
    const p = new URL(u.trim()); // lower-cases the scheme and host
    return `${p.protocol}//${p.host}${p.pathname.replace(/\/+$/, "")}${p.search}`;
  } catch {
    return u.trim().replace(/\/+$/, "");
  }
}

const org = input("org") || fail("org is required");
const octokit = new Octokit({
  auth: input("token") || fail("token is required"),
  baseUrl: (input("api_url") || process.env.GITHUB_API_URL || "https://api.github.com").replace(/\/+$/, ""),
  userAgent: "bench-alt-octokit",
  headers: { "x-github-api-version": "2022-11-28" },
});

const listAll = () => octokit.paginate("GET /orgs/{org}/private-registries", { org, per_page: 100 });

let key = null;
async function seal(secret) {
  if (!key) {
    key = (await octokit.request("GET /orgs/{org}/private-registries/public-key", { org })).data;
  }
  await sodium.ready;
  const sealed = sodium.crypto_box_seal(
    sodium.from_string(secret), sodium.from_base64(key.key, sodium.base64_variants.ORIGINAL));
  return { encrypted_value: sodium.to_base64(sealed, sodium.base64_variants.ORIGINAL), key_id: key.key_id };
}

function find(current, want) {
  if (want.name) return current.filter((c) => c.name === want.name);
  return current.filter((c) => c.registry_type === want.registry_type
    && normUrl(c.url || "") === normUrl(want.url));
}

function diff(cur, want) {
  const changed = {};
  for (const k of FIELDS) {
    if (want[k] === undefined || want[k] === null) continue;
    let same;
    if (k === "url") same = normUrl(cur.url || "") === normUrl(want.url);
    else if (k === "selected_repository_ids") {
      same = JSON.stringify([...(cur[k] || [])].sort()) === JSON.stringify([...want[k]].sort());
    } else same = cur[k] === want[k];
    if (!same) changed[k] = want[k];
  }
  return changed;
}

function planOne(current, want, secret) {
  const matches = find(current, want);
  if (matches.length > 1) fail(`several configurations match: ${matches.map((m) => m.name).join(", ")}`);
  if (matches.length === 0) {
    const body = {};
    for (const k of FIELDS) if (want[k] !== undefined && want[k] !== null) body[k] = want[k];
    return { action: "create", name: null, body };
  }
  const cur = matches[0];
  const body = diff(cur, want);
  if ("auth_type" in body) fail(`${cur.name}: auth_type cannot change in place; delete and create it again`);
  const action = secret || Object.keys(body).length ? "update" : "unchanged";
  return { action, name: cur.name, body };
}

async function apply(action, name, body, secret) {
  if (secret) body = { ...body, ...(await seal(secret)) };
  // The body goes in `data`: as a top-level parameter, `url` would replace the request's URL.
  if (action === "create") {
    return (await octokit.request("POST /orgs/{org}/private-registries", { org, data: body })).data;
  }
  await octokit.request("PATCH /orgs/{org}/private-registries/{secret_name}", { org, secret_name: name, data: body });
  return null;
}

async function opList() {
  const regs = await listAll();
  return { registries: regs, total_count: regs.length, result: "listed" };
}

async function opSet() {
  const want = {
    name: input("name") || null, registry_type: input("registry_type") || null, url: input("url") || null,
    username: input("username") || null, visibility: input("visibility") || null,
    auth_type: input("auth_type") || null,
  };
  if (!want.name && !(want.registry_type && want.url)) fail("set needs name, or registry_type and url");
  const secret = input("secret") || null;
  const current = await listAll();
  const { action, name, body } = planOne(current, want, secret);
  if (action === "create" && !body.visibility) body.visibility = "all";
  if (action === "unchanged" || truthy(input("dry_run"))) {
    return { name: name || "", result: action === "unchanged" ? "unchanged" : "planned",
      registry: current.find((c) => c.name === name) || null };
  }
  const created = await apply(action, name, body, secret);
  if (created) return { name: created.name, result: "created", registry: created };
  return { name, result: "updated", registry: { ...current.find((c) => c.name === name), ...body } };
}

async function opSync() {
  const entries = JSON.parse(input("registries") || "[]");
  const wanted = entries.map((e, i) => {
    let secret = e.secret ?? null;
    if (e.secret_env) secret = process.env[e.secret_env] || fail(`entry ${i}: ${e.secret_env} is unset`);
    const want = {};
    for (const k of ["name", ...FIELDS]) want[k] = e[k] ?? null;
    return { want, secret };
  });
  const current = await listAll();
  const plan = [];
  const matched = new Set();
  for (const { want, secret } of wanted) {
    const p = planOne(current, want, secret);
    if (p.name) matched.add(p.name);
    plan.push({ ...p, secret, want });
  }
  if (truthy(input("prune"))) {
    for (const c of current) {
      if (!matched.has(c.name)) plan.push({ action: "delete", name: c.name, body: {}, secret: null, want: c });
    }
  }
  const dry = truthy(input("dry_run"));
  const changes = [];
  let failed = false;
  const order = [...plan.filter((p) => p.action === "create" || p.action === "update"),
    ...plan.filter((p) => p.action === "delete")];
  for (const p of order) {
    let outcome = dry ? "planned" : "ok";
    let name = p.name;
    if (!dry) {
      try {
        if (p.action === "delete") {
          if (failed) outcome = "skipped";
          else await octokit.request("DELETE /orgs/{org}/private-registries/{secret_name}", { org, secret_name: name });
        } else {
          const created = await apply(p.action, name, p.body, p.secret);
          if (created) name = created.name;
        }
      } catch (e) {
        failed = true;
        outcome = `failed: ${e.message}`;
      }
    }
    changes.push({ action: p.action, name, registry_type: p.want.registry_type, url: p.want.url,
      fields: Object.keys(p.body).sort(), outcome });
  }
  for (const p of plan) {
    if (p.action === "unchanged") {
      changes.push({ action: "unchanged", name: p.name, registry_type: p.want.registry_type,
        url: p.want.url, fields: [], outcome: "ok" });
    }
  }
  const writes = changes.some((c) => c.action !== "unchanged");
  const result = failed ? "failed" : dry ? "planned" : writes ? "changed" : "unchanged";
  return { changes, result };
}

const ops = { list: opList, set: opSet, sync: opSync };
const op = input("operation", "set");
try {
  if (!ops[op]) fail(`operation ${op}: this baseline does list, set and sync`);
  const out = await ops[op]();
  process.stdout.write(JSON.stringify(out) + "\n");
  process.exitCode = out.result === "failed" ? 1 : 0;
} catch (e) {
  process.stderr.write(`error: ${e.message}\n`);
  process.exitCode = 1;
}
