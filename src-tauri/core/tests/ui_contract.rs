//! The UI contract: `ui/js/api.js` is held against the core's function table.
//!
//! Every `call('name', input)` in api.js must name a function of [`FUNCTIONS`], and when the
//! input is written out as an object literal its fields must match the function's input
//! schema (no unknown field, no required field missing). Functions no screen can reach (not
//! called by a wrapper that some screen uses) are listed and compared with the reviewed list in
//! `tests/data/expected/ui-less-functions.txt` (CLI-only functions, say).

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use haven_core::api::FUNCTIONS;
use serde_json::Value;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// What a wrapper passes as the input.
#[derive(Debug)]
enum Input {
    /// `call('name')`: nothing (`{}`).
    Nothing,
    /// `call('name', { a, b: x, ...rest })`: these field names, and whether a spread adds more.
    Fields { names: Vec<String>, spread: bool },
    /// `call('name', value)`: a value built by the screen; its shape is not visible here.
    Passed(String),
}

/// One `call(...)` in api.js.
#[derive(Debug)]
struct Wrapper {
    /// The exported JS function (`getPerson`).
    export: String,
    /// The API function it calls (`get_person`).
    function: String,
    input: Input,
}

/// The text from `open` (an opening bracket at `text[start]`) to its matching close, excluded.
fn bracketed(text: &str, start: usize) -> &str {
    let mut depth = 0;
    for (i, c) in text[start..].char_indices() {
        match c {
            '(' | '{' | '[' => depth += 1,
            ')' | '}' | ']' => {
                depth -= 1;
                if depth == 0 {
                    return &text[start + 1..start + i];
                }
            }
            _ => {}
        }
    }
    panic!("unbalanced brackets in api.js after {}", &text[start..start.saturating_add(60).min(text.len())]);
}

/// Splits on commas outside brackets.
fn top_level_parts(body: &str) -> Vec<String> {
    let (mut parts, mut depth, mut current) = (Vec::new(), 0, String::new());
    for c in body.chars() {
        match c {
            '(' | '{' | '[' => depth += 1,
            ')' | '}' | ']' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    parts.push(current);
    parts.into_iter().map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).collect()
}

fn wrappers(api_js: &str) -> Vec<Wrapper> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = api_js[from..].find("call('") {
        let at = from + at;
        from = at + 6;
        let export = api_js[..at]
            .rfind("export const ")
            .map(|i| {
                let rest = &api_js[i + "export const ".len()..];
                rest[..rest.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(rest.len())]
                    .to_string()
            })
            .unwrap_or_else(|| panic!("call(...) outside an exported wrapper at byte {at} of api.js"));
        let name_end = from + api_js[from..].find('\'').expect("closing quote of the function name");
        let function = api_js[from..name_end].to_string();
        let args = bracketed(api_js, at + 4);
        let input = match args.split_once(',').map(|(_, rest)| rest.trim()) {
            None | Some("") => Input::Nothing,
            Some(rest) if rest.starts_with('{') => {
                let body = bracketed(rest, 0);
                let mut names = Vec::new();
                let mut spread = false;
                for part in top_level_parts(body) {
                    if part.starts_with("...") {
                        spread = true;
                    } else {
                        let key = part.split(':').next().unwrap_or_default().trim();
                        names.push(key.trim_matches(|c| c == '\'' || c == '"').to_string());
                    }
                }
                Input::Fields { names, spread }
            }
            Some(rest) => Input::Passed(rest.to_string()),
        };
        out.push(Wrapper { export, function, input });
    }
    out
}

/// The property names and required names of a function's input schema (through `allOf` parts
/// and references to `$defs`, which flattened inputs use).
fn schema_fields(schema: &Value) -> (BTreeSet<String>, BTreeSet<String>) {
    fn walk(node: &Value, root: &Value, props: &mut BTreeSet<String>, required: &mut BTreeSet<String>) {
        if let Some(r) = node.get("$ref").and_then(Value::as_str) {
            if let Some(name) = r.strip_prefix("#/$defs/") {
                if let Some(def) = root.get("$defs").and_then(|d| d.get(name)) {
                    walk(def, root, props, required);
                }
            }
        }
        if let Some(p) = node.get("properties").and_then(Value::as_object) {
            props.extend(p.keys().cloned());
        }
        if let Some(r) = node.get("required").and_then(Value::as_array) {
            required.extend(r.iter().filter_map(Value::as_str).map(String::from));
        }
        if let Some(all) = node.get("allOf").and_then(Value::as_array) {
            for part in all {
                walk(part, root, props, required);
            }
        }
    }
    let (mut props, mut required) = (BTreeSet::new(), BTreeSet::new());
    walk(schema, schema, &mut props, &mut required);
    (props, required)
}

fn js_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read ui/js") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            js_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "js") {
            out.push(path);
        }
    }
}

/// Whether `text` uses `api.<export>` (a call or a reference), not a longer name.
fn uses(text: &str, export: &str) -> bool {
    let needle = format!("api.{export}");
    text.match_indices(&needle)
        .any(|(i, _)| !text[i + needle.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_'))
}

#[test]
fn api_js_calls_only_functions_of_the_table_with_their_input_fields() {
    let api_js = std::fs::read_to_string(repo().join("ui/js/api.js")).expect("read ui/js/api.js");
    let found = wrappers(&api_js);
    assert!(found.len() > 50, "api.js wrappers not recognised: found only {}", found.len());
    let mut problems = Vec::new();
    let mut passed = Vec::new();
    for w in &found {
        let Some(f) = FUNCTIONS.iter().find(|f| f.name == w.function) else {
            problems.push(format!("{} calls \"{}\", which is not in the API table", w.export, w.function));
            continue;
        };
        let (props, required) = schema_fields(&f.info().input);
        let (names, spread) = match &w.input {
            Input::Nothing => (Vec::new(), false),
            Input::Fields { names, spread } => (names.clone(), *spread),
            Input::Passed(expr) => {
                passed.push(format!("{} -> {} ({expr})", w.export, w.function));
                continue;
            }
        };
        for n in &names {
            if !props.contains(n) {
                problems
                    .push(format!("{} passes \"{n}\", which {} does not take ({props:?})", w.export, f.name));
            }
        }
        if !spread {
            for r in &required {
                if !names.contains(r) {
                    problems.push(format!("{} leaves out \"{r}\", which {} requires", w.export, f.name));
                }
            }
        }
    }
    // Wrappers that pass a value the screen builds: their fields are the screens' business.
    println!("api.js wrappers passing a screen-built input ({}):\n  {}", passed.len(), passed.join("\n  "));
    assert!(problems.is_empty(), "api.js does not match the API table:\n  {}", problems.join("\n  "));
}

#[test]
fn functions_no_screen_can_reach_are_the_reviewed_ones() {
    let ui = repo().join("ui/js");
    let api_js = std::fs::read_to_string(ui.join("api.js")).expect("read ui/js/api.js");
    let mut files = Vec::new();
    js_files(&ui, &mut files);
    let screens: Vec<String> = files
        .iter()
        .filter(|p| p.file_name().is_none_or(|n| n != "api.js"))
        .map(|p| std::fs::read_to_string(p).expect("read a UI file"))
        .collect();

    let mut reached: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for w in wrappers(&api_js) {
        if screens.iter().any(|s| uses(s, &w.export)) {
            if let Some(f) = FUNCTIONS.iter().find(|f| f.name == w.function) {
                reached.entry(f.name).or_default().push(w.export);
            }
        }
    }
    let unreachable: BTreeSet<&str> =
        FUNCTIONS.iter().map(|f| f.name).filter(|n| !reached.contains_key(n)).collect();
    println!("API functions no screen reaches ({}): {unreachable:?}", unreachable.len());

    let list_path = repo().join("tests/data/expected/ui-less-functions.txt");
    let list = std::fs::read_to_string(&list_path).expect("read tests/data/expected/ui-less-functions.txt");
    let reviewed: BTreeSet<&str> = list
        .lines()
        .map(|l| l.split('#').next().unwrap_or_default().trim())
        .filter(|l| !l.is_empty())
        .collect();
    let new: Vec<_> = unreachable.difference(&reviewed).collect();
    let stale: Vec<_> = reviewed.difference(&unreachable).collect();
    assert!(
        new.is_empty() && stale.is_empty(),
        "no screen reaches {new:?} (give it a screen, or add it to {} with why); \
         {stale:?} are listed there but a screen reaches them now (or they are gone): remove them",
        list_path.display()
    );
}

#[test]
fn the_parser_reads_each_wrapper_form() {
    let js = "export const a = () => call('one');\n\
              export const b = (id, v) => call('two', { id, kind: v, ...rest });\n\
              export const c = (x) => call('three', x);\n";
    let w = wrappers(js);
    assert_eq!(w.len(), 3);
    assert!(matches!(&w[0].input, Input::Nothing) && w[0].export == "a" && w[0].function == "one");
    assert!(
        matches!(&w[1].input, Input::Fields { names, spread: true } if names == &["id", "kind"]),
        "{:?}",
        w[1].input
    );
    assert!(matches!(&w[2].input, Input::Passed(e) if e == "x"));
    assert!(uses("await api.getPerson(id)", "getPerson") && !uses("api.getPersonData()", "getPerson"));
}
