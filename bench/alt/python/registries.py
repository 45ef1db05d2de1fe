#!/usr/bin/env python3
"""The script a user would write instead of the action: requests + PyNaCl (benchmark baseline).

Same interface as our binary, for the scenarios the benchmark runs:
    INPUT_TOKEN, INPUT_ORG, INPUT_API_URL, INPUT_OPERATION (list | set | sync),
    set:  INPUT_NAME (optional match key), INPUT_REGISTRY_TYPE, INPUT_URL, INPUT_USERNAME,
          INPUT_VISIBILITY, INPUT_AUTH_TYPE, INPUT_SECRET
    sync: INPUT_REGISTRIES (a JSON list; entries with name, registry_type, url, username,
          visibility, auth_type, replaces_base, selected_repository_ids, secret | secret_env),
          INPUT_PRUNE, INPUT_DRY_RUN
Prints one JSON object of outputs on stdout.

It makes the same minimal requests as the action: every page of 100 once, the public key at
most once (only when something is sealed), one write per change, no read-back after PATCH.
"""

import base64
import json
import os
import sys
from urllib.parse import urlsplit, urlunsplit

import requests
from nacl.public import PublicKey, SealedBox

FIELDS = ["registry_type", "url", "username", "replaces_base", "visibility",
          "selected_repository_ids", "auth_type"]


def env(name, default=""):
    v = os.environ.get("INPUT_" + name.upper(), "")
    return v if v != "" else default


def truthy(v):
    return str(v).strip().lower() == "true"


def norm_url(u):
    p = urlsplit(u.strip())
    return urlunsplit((p.scheme.lower(), p.netloc.lower(), p.path.rstrip("/"), p.query, p.fragment)).rstrip("/")


class Api:
    def __init__(self):
        self.base = (env("api_url") or os.environ.get("GITHUB_API_URL") or "https://api.github.com").rstrip("/")
        self.org = env("org") or sys.exit("org is required")
        self.s = requests.Session()
        self.s.headers.update({
            "Authorization": "Bearer " + (env("token") or sys.exit("token is required")),
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
            "User-Agent": "bench-alt-python",
        })
        self.root = f"{self.base}/orgs/{self.org}/private-registries"
        self._key = None

    def req(self, method, url, **kw):
        r = self.s.request(method, url, timeout=30, **kw)
        if r.status_code >= 400:
            sys.exit(f"{method} {url}: {r.status_code} {r.text}")
        return r

    def list_all(self):
        out, url = [], f"{self.root}?per_page=100&page=1"
        while url:
            r = self.req("GET", url)
            out.extend(r.json()["configurations"])
            url = r.links.get("next", {}).get("url")
        return out

    def seal(self, secret):
        if self._key is None:
            self._key = self.req("GET", f"{self.root}/public-key").json()
        box = SealedBox(PublicKey(base64.b64decode(self._key["key"])))
        return {"encrypted_value": base64.b64encode(box.encrypt(secret.encode())).decode(),
                "key_id": self._key["key_id"]}


def find(current, want):
    if want.get("name"):
        return [c for c in current if c["name"] == want["name"]]
    return [c for c in current if c["registry_type"] == want["registry_type"]
            and norm_url(c.get("url") or "") == norm_url(want["url"])]


def diff(cur, want):
    changed = {}
    for k in FIELDS:
        if k not in want or want[k] is None:
            continue
        a, b = cur.get(k), want[k]
        if k == "url":
            same = norm_url(a or "") == norm_url(b)
        elif k == "selected_repository_ids":
            same = sorted(a or []) == sorted(b)
        else:
            same = a == b
        if not same:
            changed[k] = b
    return changed


def plan_one(api, current, want, secret):
    """Returns (action, name, body) for one wanted configuration."""
    matches = find(current, want)
    if len(matches) > 1:
        sys.exit("several configurations match: " + ", ".join(m["name"] for m in matches))
    if not matches:
        body = {k: want[k] for k in FIELDS if want.get(k) is not None}
        return "create", None, body
    cur = matches[0]
    body = diff(cur, want)
    if "auth_type" in body:
        sys.exit(f"{cur['name']}: auth_type cannot change in place; delete and create it again")
    if secret:
        return "update", cur["name"], body
    return ("update" if body else "unchanged"), cur["name"], body


def apply(api, action, name, body, secret):
    if secret:
        body = dict(body, **api.seal(secret))
    if action == "create":
        return api.req("POST", api.root, json=body).json()
    api.req("PATCH", f"{api.root}/{name}", json=body)
    return None


def op_list(api):
    regs = api.list_all()
    return {"registries": regs, "total_count": len(regs), "result": "listed"}


def op_set(api):
    want = {"name": env("name") or None, "registry_type": env("registry_type") or None,
            "url": env("url") or None, "username": env("username") or None,
            "visibility": env("visibility") or None, "auth_type": env("auth_type") or None}
    if not want["name"] and not (want["registry_type"] and want["url"]):
        sys.exit("set needs name, or registry_type and url")
    secret = env("secret") or None
    current = api.list_all()
    action, name, body = plan_one(api, current, want, secret)
    if action == "create":
        body.setdefault("visibility", "all")
    if action == "unchanged" or truthy(env("dry_run")):
        reg = next((c for c in current if c["name"] == name), None)
        return {"name": name or "", "result": action if action == "unchanged" else "planned",
                "registry": reg}
    created = apply(api, action, name, body, secret)
    if created is not None:
        return {"name": created["name"], "result": "created", "registry": created}
    reg = dict(next(c for c in current if c["name"] == name), **body)  # no read-back GET
    return {"name": name, "result": "updated", "registry": reg}


def op_sync(api):
    entries = json.loads(env("registries") or "[]")
    wanted = []
    for i, e in enumerate(entries):
        secret = e.get("secret")
        if e.get("secret_env"):
            secret = os.environ.get(e["secret_env"]) or sys.exit(f"entry {i}: {e['secret_env']} is unset")
        want = {k: e.get(k) for k in ["name"] + FIELDS}
        wanted.append((want, secret))
    current = api.list_all()
    plan, matched = [], set()
    for want, secret in wanted:
        action, name, body = plan_one(api, current, want, secret)
        if name:
            matched.add(name)
        plan.append((action, name, body, secret, want))
    if truthy(env("prune")):
        plan += [("delete", c["name"], {}, None, c) for c in current if c["name"] not in matched]
    dry = truthy(env("dry_run"))
    changes, failed = [], False
    order = [p for p in plan if p[0] in ("create", "update")] + [p for p in plan if p[0] == "delete"]
    for action, name, body, secret, want in order:
        outcome = "planned" if dry else "ok"
        if not dry:
            try:
                if action == "delete":
                    if failed:
                        outcome = "skipped"
                    else:
                        api.req("DELETE", f"{api.root}/{name}")
                else:
                    created = apply(api, action, name, body, secret)
                    name = created["name"] if created else name
            except SystemExit as e:
                failed, outcome = True, f"failed: {e}"
        changes.append({"action": action, "name": name, "registry_type": want.get("registry_type"),
                        "url": want.get("url"), "fields": sorted(body), "outcome": outcome})
    for action, name, body, secret, want in plan:
        if action == "unchanged":
            changes.append({"action": "unchanged", "name": name, "registry_type": want.get("registry_type"),
                            "url": want.get("url"), "fields": [], "outcome": "ok"})
    writes = any(c["action"] != "unchanged" for c in changes)
    result = "failed" if failed else ("planned" if dry else ("changed" if writes else "unchanged"))
    return {"changes": changes, "result": result}


def main():
    op = env("operation", "set")
    ops = {"list": op_list, "set": op_set, "sync": op_sync}
    if op not in ops:
        sys.exit(f"operation {op!r}: this baseline does list, set and sync")
    out = ops[op](Api())
    print(json.dumps(out))
    return 1 if out.get("result") == "failed" else 0


if __name__ == "__main__":
    sys.exit(main())
