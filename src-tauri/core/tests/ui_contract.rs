//! The UI contract: `ui/js/api.js` is held against the core's function table.
//!
//! Every `call('name', input)` in api.js must name a function of [`FUNCTIONS`], and the fields
//! it sends must match the function's input schema (no unknown field, no required field
//! missing): written out in the wrapper, or, for a wrapper that passes on (or spreads) what the
//! screen gives it, at every call of that wrapper in the screens, followed through variables,
//! spreads, `?:` branches and the functions that build the object (`ui_contract/js.rs`). A
//! call whose fields cannot be seen that way fails too. Functions no screen can reach (not
//! called by a wrapper that some screen uses) are listed and compared with the reviewed list in
//! `tests/data/expected/ui-less-functions.txt` (CLI-only functions, say).

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use haven_core::api::{self, FUNCTIONS};
use serde_json::Value;

/// The JavaScript reader, in a file of its own beside this one.
#[path = "ui_contract/js.rs"]
mod js;

use js::{bracketed, call_sites, key_of, shapes, top_level_parts, Source};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// What a wrapper passes as the input.
#[derive(Debug)]
enum Input {
    /// `call('name')`: nothing (`{}`).
    Nothing,
    /// `call('name', { a, b: x, ...rest })`: these field names, and the expressions spread in.
    Fields { names: Vec<String>, spreads: Vec<String> },
    /// `call('name', value)`: a value the screen builds (the call sites are followed to see it).
    Passed(String),
}

/// One `call(...)` in api.js.
#[derive(Debug)]
struct Wrapper {
    /// The exported JS function (`getPerson`).
    export: String,
    /// Its parameters' names, in order (`(id, details = {})` gives `id`, `details`).
    params: Vec<String>,
    /// The API function it calls (`get_person`).
    function: String,
    input: Input,
}

fn wrappers(api_js: &str) -> Vec<Wrapper> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = api_js[from..].find("call('") {
        let at = from + at;
        from = at + 6;
        let start = api_js[..at]
            .rfind("export const ")
            .unwrap_or_else(|| panic!("call(...) outside an exported wrapper at byte {at} of api.js"))
            + "export const ".len();
        let rest = &api_js[start..];
        let export =
            rest[..rest.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(rest.len())].to_string();
        let head = &api_js[start + export.len()..at];
        let head = head.trim_start().trim_start_matches('=').trim();
        let head = head[..head.find("=>").unwrap_or(head.len())].trim().trim_start_matches("async").trim();
        let params = match head.strip_prefix('(') {
            Some(_) => top_level_parts(bracketed(head, 0)),
            None => vec![head.to_string()],
        };
        let params =
            params.iter().map(|p| p.split('=').next().unwrap_or_default().trim().to_string()).collect();
        let name_end = from + api_js[from..].find('\'').expect("closing quote of the function name");
        let function = api_js[from..name_end].to_string();
        let args = bracketed(api_js, at + 4);
        let input = match args.split_once(',').map(|(_, rest)| rest.trim()) {
            None | Some("") => Input::Nothing,
            Some(rest) if rest.starts_with('{') => {
                let body = bracketed(rest, 0);
                let mut names = Vec::new();
                let mut spreads = Vec::new();
                for part in top_level_parts(body) {
                    if let Some(spread) = part.strip_prefix("...") {
                        spreads.push(spread.trim().to_string());
                    } else {
                        names.push(key_of(&part));
                    }
                }
                Input::Fields { names, spreads }
            }
            Some(rest) => Input::Passed(rest.to_string()),
        };
        out.push(Wrapper { export, params, function, input });
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

/// The UI's JavaScript files other than api.js.
fn ui_sources() -> Vec<Source> {
    let ui = repo().join("ui/js");
    let mut files = Vec::new();
    js_files(&ui, &mut files);
    files.sort();
    files
        .iter()
        .filter(|p| p.file_name().is_none_or(|n| n != "api.js"))
        .map(|p| Source {
            name: p.strip_prefix(repo()).unwrap_or(p).display().to_string(),
            text: std::fs::read_to_string(p).expect("read a UI file"),
        })
        .collect()
}

/// Holds api.js and the screens against the function table: every wrapper names a function of
/// it and sends the fields of its input, no unknown one and every required one, whether the
/// wrapper writes them out or passes on (or spreads) what a screen builds; then every call of
/// such a wrapper in the screens is followed to the object it sends. Returns the problems, each
/// naming the wrapper, and how many screen calls were followed.
fn check(api_js: &str, sources: &[Source]) -> (Vec<String>, usize) {
    let mut problems = Vec::new();
    let mut followed = 0;
    for w in wrappers(api_js) {
        let Some(f) = FUNCTIONS.iter().find(|f| f.name == w.function) else {
            problems.push(format!("{} calls \"{}\", which is not in the API table", w.export, w.function));
            continue;
        };
        let (props, required) = schema_fields(&f.info().input);
        // What the wrapper writes out, and which of its parameters it sends on.
        let (names, passed): (Vec<String>, Vec<&str>) = match &w.input {
            Input::Nothing => (Vec::new(), Vec::new()),
            Input::Fields { names, spreads } => (names.clone(), spreads.iter().map(String::as_str).collect()),
            Input::Passed(expr) => (Vec::new(), vec![expr.as_str()]),
        };
        let mut positions = Vec::new();
        for p in &passed {
            match w.params.iter().position(|q| q == p) {
                Some(i) => positions.push(i),
                None => {
                    problems.push(format!("{} sends `{p}`, which is not one of its parameters", w.export))
                }
            }
        }
        // One shape per way the wrapper is called (the wrapper's own when it passes nothing on).
        let mut sent: Vec<(String, BTreeSet<String>)> = Vec::new();
        if positions.is_empty() {
            sent.push(("api.js".into(), names.iter().cloned().collect()));
        } else {
            let sites = match call_sites(sources, &w.export) {
                Ok(sites) => sites,
                Err(e) => {
                    problems.push(format!("{}: {e}", w.export));
                    continue;
                }
            };
            for site in &sites {
                followed += 1;
                let here = format!("{}:{}", sources[site.file].name, site.line);
                let mut shapes_here = vec![names.iter().cloned().collect::<BTreeSet<String>>()];
                for &i in &positions {
                    // A parameter left out takes its default, `{}` or nothing.
                    let Some(arg) = site.args.get(i) else { continue };
                    match shapes(sources, site.file, site.at, arg, 0) {
                        Ok(found) => {
                            shapes_here = shapes_here
                                .iter()
                                .flat_map(|s| found.iter().map(move |f| s.union(f).cloned().collect()))
                                .collect();
                        }
                        Err(e) => {
                            problems.push(format!("{} at {here}: {e}", w.export));
                            shapes_here.clear();
                        }
                    }
                }
                sent.extend(shapes_here.into_iter().map(|s| (here.clone(), s)));
            }
        }
        for (place, keys) in &sent {
            for k in keys {
                // A form that can only check its input takes `check_only` besides its fields.
                let checks_only = k == api::CHECK_ONLY && api::CHECKABLE.contains(&f.name);
                if !props.contains(k) && !checks_only {
                    problems.push(format!(
                        "{} sends \"{k}\" ({place}), which {} does not take ({props:?})",
                        w.export, f.name
                    ));
                }
            }
            for r in &required {
                if !keys.contains(r) {
                    problems.push(format!(
                        "{} leaves out \"{r}\" ({place}), which {} requires",
                        w.export, f.name
                    ));
                }
            }
        }
    }
    (problems, followed)
}

#[test]
fn api_js_calls_only_functions_of_the_table_with_their_input_fields() {
    let api_js = std::fs::read_to_string(repo().join("ui/js/api.js")).expect("read ui/js/api.js");
    let found = wrappers(&api_js);
    assert!(found.len() > 50, "api.js wrappers not recognised: found only {}", found.len());
    let passing = found
        .iter()
        .filter(|w| match &w.input {
            Input::Nothing => false,
            Input::Fields { spreads, .. } => !spreads.is_empty(),
            Input::Passed(_) => true,
        })
        .count();
    let (problems, followed) = check(&api_js, &ui_sources());
    println!(
        "{passing} wrappers send on what a screen builds; {followed} calls of them in the screens followed"
    );
    assert!(
        passing >= 30 && followed >= passing,
        "the screens' calls were not found ({followed} for {passing})"
    );
    assert!(
        problems.is_empty(),
        "api.js and the screens do not match the API table:\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn functions_no_screen_can_reach_are_the_reviewed_ones() {
    let api_js = std::fs::read_to_string(repo().join("ui/js/api.js")).expect("read ui/js/api.js");
    let screens: Vec<String> = ui_sources().into_iter().map(|s| s.text).collect();

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
        matches!(&w[1].input, Input::Fields { names, spreads } if names == &["id", "kind"] && spreads == &["rest"]),
        "{:?}",
        w[1].input
    );
    assert_eq!(w[1].params, ["id", "v"]);
    assert!(matches!(&w[2].input, Input::Passed(e) if e == "x"));
    assert!(uses("await api.getPerson(id)", "getPerson") && !uses("api.getPersonData()", "getPerson"));
}

#[test]
fn a_misspelt_or_missing_key_from_a_screen_fails_naming_the_wrapper() {
    let api_js = "export const saveLocation = (location) => call('save_location', location);\n\
                  export const updatePerson = (id, details) => call('update_person', { id, ...details });\n";
    let screen = |text: &str| vec![Source { name: "screen.js".into(), text: text.into() }];
    let problems = |text: &str| check(api_js, &screen(text)).0;

    // Right: written out, through a variable, a function and a spread.
    let good = "const where = () => ({ site: s.value });\n\
                async function save() { const input = { ...where(), name: n.value }; await api.saveLocation(input); }\n\
                const read = () => { return { given_name: g.value }; };\n\
                await api.updatePerson(id, read());\n";
    assert_eq!(problems(good), Vec::<String>::new());

    // A misspelt key, written out or in the variable a screen passes.
    let typo = problems("await api.saveLocation({ site: s.value, nmae: n.value });");
    assert!(typo.iter().any(|p| p.starts_with("saveLocation sends \"nmae\"")), "{typo:?}");
    assert!(typo.iter().any(|p| p.starts_with("saveLocation leaves out \"name\"")), "{typo:?}");
    let typo = problems("const input = { site: s };\ninput.nmae = n;\nawait api.saveLocation(input);");
    assert!(typo.iter().any(|p| p.starts_with("saveLocation sends \"nmae\" (screen.js:3)")), "{typo:?}");
    let typo = problems("const read = () => ({ givne_name: g });\nawait api.updatePerson(id, read());");
    assert!(typo.iter().any(|p| p.starts_with("updatePerson sends \"givne_name\"")), "{typo:?}");
    // One branch of a choice is wrong.
    let branch = problems("await api.saveLocation(id ? { id, site, name } : { site, nmae });");
    assert!(branch.iter().any(|p| p.contains("\"nmae\"")), "{branch:?}");

    // What cannot be seen is a problem too, not a pass.
    let hidden =
        problems("const input = {};\nfor (const k of KEYS) input[k] = 1;\nawait api.saveLocation(input);");
    assert!(
        hidden.iter().any(|p| p.starts_with("saveLocation at screen.js:3") && p.contains("by index")),
        "{hidden:?}"
    );
    let passed_on = problems("list.forEach(api.saveLocation);");
    assert!(passed_on.iter().any(|p| p.contains("without calling it")), "{passed_on:?}");
}
