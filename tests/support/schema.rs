//! Validation of a findings.json document against the contract's schema
//! (the copy in tests/fixtures).

use serde_json::Value;

/// Errors of `doc` against the findings.json schema (empty when valid).
pub fn schema_errors(doc: &Value) -> Vec<String> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/findings.schema.json"
    );
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let v = jsonschema::validator_for(&schema).unwrap();
    v.iter_errors(doc).map(|e| e.to_string()).collect()
}
