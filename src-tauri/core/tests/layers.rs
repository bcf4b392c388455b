//! The layers of haven-core, read from its sources: no import circles between files, shared
//! helpers below every area, and a printer that knows no domain.
//!
//! Each `src/**/*.rs` file is a node. A file depends on another when it names it through a
//! `crate::`, `super::` or `self::` path (in a `use` or inline), or names a child module it
//! declares. A name a file re-exports (`pub use`, as `lib.rs` does for `crate::Db` and an area's
//! `mod.rs` does for its rooms) counts as the file it comes from, and the re-export itself is no
//! dependency: a `mod.rs` that only gathers its rooms' names depends on nothing. Test modules (`#[cfg(test)] mod ...` to the end of the file) are left out:
//! a test may reach anywhere. The check is per file rather than per area so that the circles
//! that matter (two files of one area calling each other) are caught as well.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// File (relative to `src/`, with `/`) -> the files it depends on.
type Graph = BTreeMap<String, BTreeSet<String>>;

/// Files of the printer may name only these outside `print/`.
const PRINT_MAY_USE: &[&str] = &["lib.rs", "error/mod.rs", "error/codes.rs", "error/problems.rs"];

/// File dependencies left out of the check between areas, each with its reason. Migration 5
/// made the audit log a hash chain and numbers and hashes the entries already there with the
/// audit log's own hashing, so that one migration reaches up from `db` into `access`. Migration
/// 7 added the name keys and computes them for the people already registered with the case
/// book's own key rules, so that it reaches into `cases` the same way. The exchange security
/// migration makes an existing database the first replica of its centre with keys made by the
/// exchange's own code, so it reaches into `exchange`.
const AREA_EXCEPTIONS: &[(&str, &str)] = &[
    ("db/migrations.rs", "access/audit.rs"),
    ("db/migrations.rs", "cases/names.rs"),
    ("db/migrations.rs", "exchange/replicas.rs"),
];

/// The shared field checks sit below every area: they may name only these.
const FIELDS_MAY_USE: &[&str] = &["lib.rs", "error/mod.rs", "error/codes.rs", "error/problems.rs"];

#[test]
fn haven_core_has_no_import_circle() {
    let graph = graph(&read_sources(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src")));
    assert!(graph.len() > 40, "the scan found only {} files: is the source folder right?", graph.len());
    if let Some(circle) = find_circle(&graph) {
        panic!("import circle in haven-core: {}", circle.join(" -> "));
    }
}

#[test]
fn areas_call_only_areas_below_them() {
    let files = graph(&read_sources(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src")));
    if let Some(circle) = find_circle(&areas(&files, AREA_EXCEPTIONS)) {
        panic!("import circle between areas of haven-core: {}", circle.join(" -> "));
    }
}

#[test]
fn the_printer_and_the_shared_fields_know_no_area() {
    let graph = graph(&read_sources(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src")));
    assert_eq!(outside(&graph, "print/", PRINT_MAY_USE), Vec::<String>::new(), "print/ names an area");
    assert_eq!(outside(&graph, "fields.rs", FIELDS_MAY_USE), Vec::<String>::new(), "fields.rs names an area");
}

#[test]
fn the_checker_finds_a_circle_added_between_files() {
    let sources = BTreeMap::from([
        ("lib.rs".to_string(), "pub mod a;\npub mod b;\npub use a::Thing;\npub fn new_id() {}\n".to_string()),
        ("a/mod.rs".to_string(), "pub mod inner;\npub struct Thing;\nfn f() { inner::g(); }\n".to_string()),
        ("a/inner.rs".to_string(), "use crate::b::{self, other::{x, y}};\n".to_string()),
        (
            "b/mod.rs".to_string(),
            "// crate::a::inner is named in a comment only\nuse crate::{new_id, Thing};\n".to_string(),
        ),
    ]);
    let files = graph(&sources);
    assert_eq!(deps(&files, "a/mod.rs"), ["a/inner.rs"], "a child module named inline");
    assert_eq!(deps(&files, "a/inner.rs"), ["b/mod.rs"], "a nested use tree");
    assert_eq!(deps(&files, "b/mod.rs"), ["a/mod.rs", "lib.rs"], "re-exports of the crate root");
    assert_eq!(deps(&files, "lib.rs"), Vec::<&str>::new(), "a re-export is no dependency");
    assert_eq!(
        find_circle(&files),
        Some(["a/inner.rs", "b/mod.rs", "a/mod.rs", "a/inner.rs"].map(String::from).to_vec())
    );

    let mut no_circle = sources.clone();
    no_circle.insert("b/mod.rs".into(), "use crate::new_id;\n".into());
    assert_eq!(find_circle(&graph(&no_circle)), None, "without b -> a there is no circle");

    let mut with_tests = no_circle;
    with_tests.insert(
        "b/mod.rs".into(),
        "fn f() {}\n#[cfg(test)]\nmod tests {\n    use crate::a::Thing;\n}\n".into(),
    );
    assert_eq!(find_circle(&graph(&with_tests)), None, "test modules are left out");
}

#[test]
fn the_checker_sees_through_an_area_that_gathers_its_rooms() {
    let mut sources: BTreeMap<String, String> = [
        ("lib.rs", "pub mod d;\n"),
        ("d/mod.rs", "mod one;\nmod two;\npub use one::{first, First};\npub use two::second as third;\n"),
        ("d/one.rs", "pub struct First;\npub fn first() { super::third(); }\n"),
        ("d/two.rs", "use super::First;\npub fn second() {}\n"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let files = graph(&sources);
    assert_eq!(deps(&files, "d/mod.rs"), Vec::<&str>::new(), "a mod.rs that only gathers depends on nothing");
    assert_eq!(find_circle(&files), Some(["d/one.rs", "d/two.rs", "d/one.rs"].map(String::from).to_vec()));
    sources.insert("d/one.rs".into(), "pub struct First;\npub fn first() {}\n".into());
    assert_eq!(find_circle(&graph(&sources)), None);

    // Two areas whose files call each other without a circle between files still make one
    // between the areas, unless that file dependency is a listed exception.
    sources.insert("e/mod.rs".into(), "pub fn e() { crate::d::first(); }\n".into());
    sources.insert("d/two.rs".into(), "use super::First;\npub fn second() { crate::e::e(); }\n".into());
    let files = graph(&sources);
    assert_eq!(find_circle(&files), None, "no circle between files");
    assert_eq!(find_circle(&areas(&files, &[])), Some(["d", "e", "d"].map(String::from).to_vec()));
    assert_eq!(find_circle(&areas(&files, &[("d/two.rs", "e/mod.rs")])), None);
}

#[test]
fn the_checker_names_a_circle_in_a_graph() {
    let graph: Graph = [("x", vec!["y"]), ("y", vec!["z"]), ("z", vec!["x"]), ("w", vec!["x"])]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.into_iter().map(String::from).collect()))
        .collect();
    assert_eq!(find_circle(&graph), Some(["x", "y", "z", "x"].map(String::from).to_vec()));
    let mut open = graph;
    open.insert("z".into(), BTreeSet::new());
    assert_eq!(find_circle(&open), None);
}

/// The graph between top-level modules (`cases`, `stock`, `lib`...), from the graph between
/// files, without the file dependencies in `exceptions`.
fn areas(files: &Graph, exceptions: &[(&str, &str)]) -> Graph {
    let area = |file: &str| file.split('/').next().unwrap_or(file).trim_end_matches(".rs").to_string();
    let mut out = Graph::new();
    for (file, deps) in files {
        let entry = out.entry(area(file)).or_default();
        for dep in deps {
            if area(dep) != area(file) && !exceptions.contains(&(file.as_str(), dep.as_str())) {
                entry.insert(area(dep));
            }
        }
    }
    out
}

fn deps<'a>(graph: &'a Graph, file: &str) -> Vec<&'a str> {
    graph.get(file).map(|d| d.iter().map(String::as_str).collect()).unwrap_or_default()
}

/// The dependencies of files starting with `prefix` that leave it for anything but `allowed`.
fn outside(graph: &Graph, prefix: &str, allowed: &[&str]) -> Vec<String> {
    graph
        .iter()
        .filter(|(file, _)| file.starts_with(prefix))
        .flat_map(|(file, deps)| {
            deps.iter()
                .filter(|d| !d.starts_with(prefix) && !allowed.contains(&d.as_str()))
                .map(move |d| format!("{file} -> {d}"))
        })
        .collect()
}

/// Every `.rs` file under `dir`, by its path relative to `dir`.
fn read_sources(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("cannot list {}: {e}", d.display())) {
            let path = entry.unwrap_or_else(|e| panic!("cannot list {}: {e}", d.display())).path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(dir).unwrap_or(&path).to_string_lossy().replace('\\', "/");
                let text =
                    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {rel}: {e}"));
                out.insert(rel, text);
            }
        }
    }
    out
}

/// The module path of a file: `cases/people.rs` -> `[cases, people]`, `cases/mod.rs` -> `[cases]`.
fn module_of(file: &str) -> Vec<String> {
    let mut parts: Vec<String> = file.trim_end_matches(".rs").split('/').map(String::from).collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts
}

/// The dependency graph of a crate's sources.
fn graph(sources: &BTreeMap<String, String>) -> Graph {
    let files: BTreeMap<Vec<String>, String> = sources.keys().map(|f| (module_of(f), f.clone())).collect();
    let mut exports = BTreeMap::new();
    let mut code = BTreeMap::new();
    for (file, text) in sources {
        let here = module_of(file);
        let (rest, names) = split_reexports(&code_only(text), &here, &files);
        exports.insert(here, names);
        code.insert(file.clone(), rest);
    }
    let mut graph = Graph::new();
    for (file, code) in &code {
        let here = module_of(file);
        let mut deps = BTreeSet::new();
        for path in paths(code, &here, &files) {
            if let Some(target) = resolve(&path, &files, &exports) {
                if &target != file {
                    deps.insert(target);
                }
            }
        }
        graph.insert(file.clone(), deps);
    }
    graph
}

/// The code without its `pub use` statements, and the names they re-export with the absolute
/// paths they stand for.
fn split_reexports(
    code: &str,
    here: &[String],
    files: &BTreeMap<Vec<String>, String>,
) -> (String, BTreeMap<String, Vec<String>>) {
    let mut rest = String::with_capacity(code.len());
    let mut names = BTreeMap::new();
    let mut from = 0;
    while let Some(found) = code[from..].find("pub") {
        let start = from + found;
        let after = &code[start + 3..];
        let visibility_end = if after.starts_with('(') { after.find(')').map_or(0, |i| i + 1) } else { 0 };
        let tail = &after[visibility_end..];
        let boundary = start == 0 || !code[..start].ends_with(|c: char| is_ident(c));
        if boundary && tail.starts_with(" use ") {
            let end = code[start..].find(';').map_or(code.len(), |i| start + i + 1);
            rest.push_str(&code[from..start]);
            let tree = tail[" use ".len()..].split(';').next().unwrap_or_default();
            for (path, alias) in expand_tree_named(tree) {
                let absolute = match path.first().map(String::as_str) {
                    Some("crate" | "super" | "self") => absolute(&path, here),
                    Some(first) if files.contains_key(&[here, &[first.to_string()]].concat()) => {
                        [here.to_vec(), path.clone()].concat()
                    }
                    _ => continue,
                };
                if let Some(name) = alias.or_else(|| absolute.last().cloned()) {
                    names.insert(name, absolute);
                }
            }
            from = end;
        } else {
            rest.push_str(&code[from..start + 3]);
            from = start + 3;
        }
    }
    rest.push_str(&code[from..]);
    (rest, names)
}

/// The text without comments, string contents and test modules.
fn code_only(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod ") {
        Some(i) => &text[..i],
        None => text,
    };
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '"' => {
                out.push_str("\"\"");
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        _ => {}
                    }
                }
            }
            // A char literal such as '"' or '{' must not open a string or a group.
            '\'' => {
                let rest: String = chars.clone().take(3).collect();
                let mut it = rest.chars();
                match (it.next(), it.next(), it.next()) {
                    (Some('\\'), Some(_), Some('\'')) => {
                        chars.nth(2);
                    }
                    (Some(_), Some('\''), _) => {
                        chars.nth(1);
                    }
                    _ => out.push(c),
                }
            }
            _ => out.push(c),
        }
    }
    out
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Every absolute module path named in `code` (a file of module `here`), use trees expanded.
fn paths(code: &str, here: &[String], files: &BTreeMap<Vec<String>, String>) -> Vec<Vec<String>> {
    let children: BTreeSet<String> = files
        .keys()
        .filter(|m| m.len() == here.len() + 1 && m.starts_with(here))
        .filter_map(|m| m.last().cloned())
        .collect();
    let bytes: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let starts_word =
            bytes[i].is_alphabetic() && (i == 0 || !(is_ident(bytes[i - 1]) || bytes[i - 1] == ':'));
        if !starts_word {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < bytes.len() && is_ident(bytes[j]) {
            j += 1;
        }
        let word: String = bytes[i..j].iter().collect();
        let followed = bytes.get(j) == Some(&':') && bytes.get(j + 1) == Some(&':');
        if followed && (word == "crate" || word == "super" || word == "self" || children.contains(&word)) {
            let end = tree_end(&bytes, j);
            let tree: String = bytes[i..end].iter().collect();
            for p in expand_tree(&tree) {
                out.push(absolute(&p, here));
            }
            i = end;
        } else {
            i = j;
        }
    }
    out
}

/// Where the path or use tree starting before `from` ends.
fn tree_end(bytes: &[char], mut at: usize) -> usize {
    let mut depth = 0usize;
    while at < bytes.len() {
        let c = bytes[at];
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return at,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return at + 1;
                }
            }
            ':' => {}
            c if is_ident(c) || c == '*' => {}
            c if depth > 0 && (c == ',' || c.is_whitespace()) => {}
            _ => return at,
        }
        at += 1;
    }
    at
}

/// `a::{b, c::{d, e as f}}` -> `[a, b]`, `[a, c, d]`, `[a, c, e]` (`self` in a group is its
/// parent, `*` is dropped).
fn expand_tree(tree: &str) -> Vec<Vec<String>> {
    expand_tree_named(tree).into_iter().map(|(path, _)| path).collect()
}

/// [`expand_tree`] with the name each path is imported as when renamed (`e as f`).
fn expand_tree_named(tree: &str) -> Vec<(Vec<String>, Option<String>)> {
    let tree: String = tree.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = Vec::new();
    expand_into(&tree, &[], &mut out);
    out
}

fn expand_into(tree: &str, prefix: &[String], out: &mut Vec<(Vec<String>, Option<String>)>) {
    let tree = tree.trim();
    if let Some(open) = tree.find('{') {
        let head: Vec<String> =
            tree[..open].split("::").map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect();
        let mut base = prefix.to_vec();
        base.extend(head);
        let inner = tree[open + 1..].trim_end().trim_end_matches('}');
        let mut depth = 0;
        let mut start = 0;
        let mut parts = Vec::new();
        for (k, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    parts.push(&inner[start..k]);
                    start = k + 1;
                }
                _ => {}
            }
        }
        parts.push(&inner[start..]);
        for part in parts.into_iter().map(str::trim).filter(|p| !p.is_empty()) {
            expand_into(part, &base, out);
        }
    } else {
        let mut parts = tree.split(" as ");
        let name = parts.next().unwrap_or(tree);
        let alias = parts.next().map(|a| a.trim().to_string());
        let mut path = prefix.to_vec();
        for seg in name.split("::").map(str::trim).filter(|s| !s.is_empty() && *s != "*") {
            if seg != "self" || path.is_empty() {
                path.push(seg.to_string());
            }
        }
        out.push((path, alias));
    }
}

/// A path made absolute (from the crate root) for a file of module `here`.
fn absolute(path: &[String], here: &[String]) -> Vec<String> {
    let mut out: Vec<String> = here.to_vec();
    let mut rest = path;
    match rest.first().map(String::as_str) {
        Some("crate") => {
            out.clear();
            rest = &rest[1..];
        }
        Some("self") => rest = &rest[1..],
        Some("super") => {
            while rest.first().map(String::as_str) == Some("super") {
                out.pop();
                rest = &rest[1..];
            }
        }
        _ => {}
    }
    out.extend(rest.iter().cloned());
    out
}

/// The file a path leads into: the longest module prefix that is a file, following the names
/// a module re-exports to the file they come from.
fn resolve(
    path: &[String],
    files: &BTreeMap<Vec<String>, String>,
    exports: &BTreeMap<Vec<String>, BTreeMap<String, Vec<String>>>,
) -> Option<String> {
    let mut path = path.to_vec();
    for _ in 0..8 {
        let longest = (0..=path.len()).rev().find(|n| files.contains_key(&path[..*n]))?;
        let reexported = path.get(longest).and_then(|name| exports.get(&path[..longest])?.get(name));
        match reexported {
            Some(target) if target.as_slice() != &path[..=longest] => {
                path = [target.clone(), path[longest + 1..].to_vec()].concat();
            }
            _ => return files.get(&path[..longest]).cloned(),
        }
    }
    None
}

/// The first circle found, as a path that ends where it starts.
fn find_circle(graph: &Graph) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    fn visit(
        node: &str,
        graph: &Graph,
        marks: &mut BTreeMap<String, Mark>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        match marks.get(node) {
            Some(Mark::Done) => return None,
            Some(Mark::Open) => {
                let from = stack.iter().position(|n| n == node).unwrap_or(0);
                let mut circle = stack[from..].to_vec();
                circle.push(node.to_string());
                return Some(circle);
            }
            None => {}
        }
        marks.insert(node.to_string(), Mark::Open);
        stack.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(circle) = visit(next, graph, marks, stack) {
                return Some(circle);
            }
        }
        stack.pop();
        marks.insert(node.to_string(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    graph.keys().find_map(|node| visit(node, graph, &mut marks, &mut Vec::new()))
}
