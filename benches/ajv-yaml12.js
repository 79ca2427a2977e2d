// ajv-cli's `-c` module for benches/bench.py.
//
// ajv-cli reads a .yaml data file with js-yaml's safeLoad, whose default
// schema is YAML 1.1: an unquoted `due: 2026-03-31` becomes a JavaScript Date
// and fails the records' `{"type": "string", "format": "date"}`. govlint reads
// YAML 1.2 (core schema), where that value is a string. This module makes
// ajv-cli parse the same way (js-yaml's CORE_SCHEMA: still js-yaml, still in
// the timed run), then adds ajv-formats, as `-c ajv-formats` would.
// It resolves js-yaml and ajv-formats through NODE_PATH (the bench sets it to
// target/bench-tools/node_modules), the same copies ajv-cli itself uses.
const yaml = require("js-yaml");

const safeLoad = yaml.safeLoad;
yaml.safeLoad = (text, options) =>
  safeLoad(text, Object.assign({ schema: yaml.CORE_SCHEMA }, options));

module.exports = (ajv) => require("ajv-formats")(ajv);
