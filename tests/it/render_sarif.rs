//! The SARIF output validates against the published SARIF 2.1.0 schema
//! (`tests/sarif/`), for ordinary, hostile and empty input.

use crate::support::render::{hostile, sample};
use stancecheck::diagnostic::Diagnostic;
use stancecheck::render::{Format, RenderOptions, render};
use stancecheck::source::SourceMap;

const SCHEMA: &str = include_str!("sarif/sarif-schema-2.1.0.json");

/// The pattern of `run.language` and `translationMetadata.language` in the
/// published schema: its stray `]` is
/// not a valid ECMA-262 regular expression, so the draft-04 meta-schema's
/// `regex` format refuses the schema as a whole.
const BAD_PATTERN: &str = r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#;
/// What it means (two letters, optionally a dash and two more letters).
const FIXED_PATTERN: &str = r#""^[a-zA-Z]{2}(-[a-zA-Z]{2})?$""#;

/// The schema, compiled. The file in `tests/sarif/` is kept as published;
/// only the two broken `language` patterns (properties this tool never
/// writes) are repaired in memory.
fn validator(formats: bool) -> jsonschema::Validator {
    assert_eq!(SCHEMA.matches(BAD_PATTERN).count(), 2);
    let text = SCHEMA.replace(BAD_PATTERN, FIXED_PATTERN);
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(formats)
        .build(&schema)
        .unwrap()
}

fn validate(map: &SourceMap, diagnostics: &[Diagnostic], truncated: bool) {
    let validator = validator(true);
    let options = RenderOptions {
        color: false,
        truncated,
    };
    let out = render(Format::Sarif, diagnostics, map, &options);
    let log: serde_json::Value = serde_json::from_str(&out).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn sample_is_valid_sarif() {
    let (map, diagnostics) = sample();
    validate(&map, &diagnostics, false);
    validate(&map, &diagnostics, true);
}

#[test]
fn hostile_input_is_valid_sarif() {
    let (map, diagnostics) = hostile();
    validate(&map, &diagnostics, false);
}

#[test]
fn empty_run_is_valid_sarif() {
    validate(&SourceMap::new(), &[], false);
}

#[test]
fn the_schema_rejects_broken_output() {
    // The check above can fail: a result without a message is refused.
    let validator = validator(true);
    let (map, diagnostics) = sample();
    let out = render(Format::Sarif, &diagnostics, &map, &RenderOptions::default());
    let mut log: serde_json::Value = serde_json::from_str(&out).unwrap();
    log["runs"][0]["results"][0]
        .as_object_mut()
        .unwrap()
        .remove("message");
    assert!(!validator.is_valid(&log));
    log["runs"][0]["results"][0]["message"] = serde_json::json!({"text": "x"});
    log["runs"][0]["results"][0]["level"] = serde_json::json!("fatal");
    assert!(!validator.is_valid(&log));
    // and so is a line number below 1
    log["runs"][0]["results"][0]["level"] = serde_json::json!("note");
    assert!(validator.is_valid(&log));
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        serde_json::json!(0);
    assert!(!validator.is_valid(&log));
}
