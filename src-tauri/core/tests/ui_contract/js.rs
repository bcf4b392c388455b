//! Reading the UI's JavaScript just enough to see the objects it sends: brackets and commas
//! outside quotes, object literals and their keys, `?:` branches, spreads, and the variables
//! and functions a value comes from.

use std::collections::BTreeSet;

/// Where a string, regex or template literal that starts at `text[i]` ends (the byte after its
/// closing quote), so that brackets and commas inside quotes are not read as code.
pub fn skip_quoted(text: &str, i: usize) -> Option<usize> {
    let quote = text[i..].chars().next()?;
    if !matches!(quote, '\'' | '"' | '`') {
        return None;
    }
    let mut escaped = false;
    for (j, c) in text[i + 1..].char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            c if c == quote => return Some(i + 1 + j + 1),
            _ => {}
        }
    }
    Some(text.len())
}

/// Visits `text` outside quotes: `f(index, char, depth)` with the bracket depth before `char`;
/// stops when `f` returns true and gives that index.
pub fn scan(text: &str, mut f: impl FnMut(usize, char, i32) -> bool) -> Option<usize> {
    let mut depth = 0;
    let mut i = 0;
    while i < text.len() {
        if let Some(end) = skip_quoted(text, i) {
            i = end;
            continue;
        }
        let c = text[i..].chars().next().unwrap_or(' ');
        if f(i, c, depth) {
            return Some(i);
        }
        match c {
            '(' | '{' | '[' => depth += 1,
            ')' | '}' | ']' => depth -= 1,
            _ => {}
        }
        i += c.len_utf8();
    }
    None
}

/// The text from `open` (an opening bracket at `text[start]`) to its matching close, excluded.
pub fn bracketed(text: &str, start: usize) -> &str {
    let close = scan(&text[start..], |_, c, depth| matches!(c, ')' | '}' | ']') && depth == 1);
    match close {
        Some(i) => &text[start + 1..start + i],
        None => panic!(
            "unbalanced brackets in the UI's JavaScript after {}",
            &text[start..start.saturating_add(60).min(text.len())]
        ),
    }
}

/// Splits on commas outside brackets and quotes.
pub fn top_level_parts(body: &str) -> Vec<String> {
    let mut cuts = Vec::new();
    scan(body, |i, c, depth| {
        if c == ',' && depth == 0 {
            cuts.push(i);
        }
        false
    });
    let mut parts = Vec::new();
    let mut from = 0;
    for cut in cuts.into_iter().chain([body.len()]) {
        parts.push(body[from..cut].trim().to_string());
        from = cut + 1;
    }
    parts.into_iter().filter(|p| !p.is_empty()).collect()
}

/// The first index of `ch` outside brackets and quotes in `text`.
pub fn top_level(text: &str, ch: char) -> Option<usize> {
    scan(text, |_, c, depth| c == ch && depth == 0)
}

/// The key of one `key: value` (or shorthand `key`) part of an object literal.
pub fn key_of(part: &str) -> String {
    let key = match top_level(part, ':') {
        Some(i) => &part[..i],
        None => part,
    };
    key.trim().trim_matches(|c| c == '\'' || c == '"').to_string()
}

/// A UI source file: its path (for messages) and text.
pub struct Source {
    pub name: String,
    pub text: String,
}

/// One call of a wrapper in a screen: where, and its arguments as written.
pub struct CallSite {
    pub file: usize,
    pub at: usize,
    pub line: usize,
    pub args: Vec<String>,
}

/// Every `api.<export>(...)` in `sources`; a use that is not a call is an error (its input
/// cannot be seen).
pub fn call_sites(sources: &[Source], export: &str) -> Result<Vec<CallSite>, String> {
    let needle = format!("api.{export}");
    let mut out = Vec::new();
    for (file, src) in sources.iter().enumerate() {
        for (i, _) in src.text.match_indices(&needle) {
            let after = &src.text[i + needle.len()..];
            if after.starts_with(|c: char| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let line = src.text[..i].lines().count().max(1);
            let open = after.len() - after.trim_start().len();
            if !after[open..].starts_with('(') {
                return Err(format!("{}:{line} uses api.{export} without calling it", src.name));
            }
            let args = top_level_parts(bracketed(&src.text, i + needle.len() + open));
            out.push(CallSite { file, at: i, line, args });
        }
    }
    Ok(out)
}

/// The key sets an expression written in `sources[file]` before byte `before` may have (one per
/// branch of a `?:`), found by following object literals, spreads, variables, assignments to
/// them and the functions that return them. Anything else (a computed key, a key added by
/// index, a value from outside the UI) is an error saying what could not be seen.
pub fn shapes(
    sources: &[Source],
    file: usize,
    before: usize,
    expr: &str,
    depth: usize,
) -> Result<Vec<BTreeSet<String>>, String> {
    let e = expr.trim().trim_end_matches(';').trim();
    if depth > 12 {
        return Err(format!("gave up following `{e}`"));
    }
    // An object literal (the whole expression).
    if e.starts_with('{') && bracketed(e, 0).len() + 2 == e.len() {
        let mut out = vec![BTreeSet::new()];
        for part in top_level_parts(bracketed(e, 0)) {
            if let Some(spread) = part.strip_prefix("...") {
                let inner = shapes(sources, file, before, spread, depth + 1)?;
                out = out
                    .iter()
                    .flat_map(|o| inner.iter().map(move |i| o.union(i).cloned().collect()))
                    .collect();
            } else {
                let key = key_of(&part);
                if key.starts_with('[') || key.is_empty() {
                    return Err(format!("a computed key in `{e}`"));
                }
                for o in &mut out {
                    o.insert(key.clone());
                }
            }
        }
        return Ok(out);
    }
    // `({ ... })`
    if e.starts_with('(') && bracketed(e, 0).len() + 2 == e.len() {
        return shapes(sources, file, before, bracketed(e, 0), depth + 1);
    }
    // `cond ? a : b`: both branches.
    let question = scan(e, |i, c, depth| {
        c == '?' && depth == 0 && !e[i + 1..].starts_with(['.', '?']) && !e[..i].ends_with('?')
    });
    if let Some(q) = question {
        let rest = &e[q + 1..];
        let mut nested = 0;
        let colon = scan(rest, |i, c, depth| {
            if depth != 0 {
                return false;
            }
            if c == '?' && !rest[i + 1..].starts_with(['.', '?']) && !rest[..i].ends_with('?') {
                nested += 1;
            }
            if c == ':' {
                if nested == 0 {
                    return true;
                }
                nested -= 1;
            }
            false
        })
        .ok_or_else(|| format!("no `:` in `{e}`"))?;
        let mut out = shapes(sources, file, before, &rest[..colon], depth + 1)?;
        out.extend(shapes(sources, file, before, &rest[colon + 1..], depth + 1)?);
        return Ok(out);
    }
    // A variable, or a call of a function (`query()`, `details.read()`): its last name.
    let callee = e.find('(').map_or(e, |i| &e[..i]).trim();
    let name = callee.rsplit('.').next().unwrap_or(callee).trim();
    if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '$') {
        return Err(format!("cannot see the fields of `{e}`"));
    }
    let (def_file, def_at, value, is_fn) = definition(sources, file, before, name)
        .ok_or_else(|| format!("cannot find where `{name}` (in `{e}`) is made"))?;
    let returned =
        if is_fn { returned(&value).ok_or_else(|| format!("`{name}` returns no object"))? } else { value };
    let mut out = shapes(sources, def_file, def_at, &returned, depth + 1)?;
    if !is_fn && def_file == file && def_at < before {
        // Keys given to the variable after it is made, before the call.
        let between = &sources[file].text[def_at..before];
        let dotted = format!("{name}.");
        for (i, _) in between.match_indices(&dotted) {
            if between[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '.') {
                continue;
            }
            let rest = &between[i + dotted.len()..];
            let key: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            let after = rest[key.len()..].trim_start();
            if after.starts_with('=') && !after.starts_with("==") && !after.starts_with("=>") {
                for o in &mut out {
                    o.insert(key.clone());
                }
            }
        }
        let indexed = format!("{name}[");
        if between.match_indices(&indexed).any(|(i, _)| {
            !between[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '.')
                && top_level(&between[i + indexed.len() - 1..], ';')
                    .is_some_and(|end| between[i..i + indexed.len() - 1 + end].contains("] ="))
        }) {
            return Err(format!("`{name}` is given keys by index (`{name}[…] = …`)"));
        }
    }
    Ok(out)
}

/// Where `name` gets its value, nearest before `before` in `sources[file]` (else anywhere in
/// that file, else in exactly one other file): the file, the byte after the definition's `=` (or
/// `function` keyword), the value's text, and whether it is a function.
pub fn definition(
    sources: &[Source],
    file: usize,
    before: usize,
    name: &str,
) -> Option<(usize, usize, String, bool)> {
    let find = |f: usize| -> Vec<(usize, String, bool)> {
        let text = &sources[f].text;
        let mut found = Vec::new();
        for (i, _) in text.match_indices(name) {
            let prev = &text[..i];
            if prev.ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '$' || c == '.') {
                continue;
            }
            let after = &text[i + name.len()..];
            if after.starts_with(|c: char| c.is_alphanumeric() || c == '_' || c == '$') {
                continue;
            }
            let trimmed = after.trim_start();
            if prev.trim_end().ends_with("function") && trimmed.starts_with('(') {
                let at = i + name.len() + (after.len() - trimmed.len());
                let params = bracketed(text, at);
                let body_at = at + params.len() + 2;
                if let Some(open) = text[body_at..].find('{') {
                    found.push((i, format!("{{{}}}", bracketed(text, body_at + open)), true));
                }
            } else if trimmed.starts_with('=') && !trimmed.starts_with("==") && !trimmed.starts_with("=>") {
                let value_at = i + name.len() + (after.len() - trimmed.len()) + 1;
                let rest = &text[value_at..];
                // To the statement's end: a `;`, or the close of the block around it.
                let end = scan(rest, |_, c, depth| depth == 0 && matches!(c, ';' | ')' | '}' | ']'))
                    .unwrap_or(rest.len());
                let mut value = rest[..end].trim().to_string();
                // A value that goes on over several lines: take its brackets whole.
                let lead = rest.len() - rest.trim_start().len();
                if rest[lead..].starts_with(['{', '(']) {
                    value = rest[lead..lead + bracketed(rest, lead).len() + 2].to_string();
                    let tail = &rest[lead + value.len()..];
                    if tail.trim_start().starts_with("=>") {
                        let arrow = tail.len() - tail.trim_start().len() + 2;
                        let body = tail[arrow..].trim_start();
                        let body_lead = tail.len() - body.len();
                        let body = if body.starts_with(['{', '(']) {
                            tail[body_lead..body_lead + bracketed(tail, body_lead).len() + 2].to_string()
                        } else {
                            body[..top_level(body, ';').unwrap_or(body.len())].trim().to_string()
                        };
                        found.push((i, format!("=> {body}"), true));
                        continue;
                    }
                }
                found.push((i, value, false));
            }
        }
        found
    };
    let here = find(file);
    if let Some((i, v, f)) = here.iter().rfind(|d| d.0 < before).or(here.first()) {
        return Some((file, *i, v.clone(), *f));
    }
    let elsewhere: Vec<_> = (0..sources.len())
        .filter(|&f| f != file)
        .flat_map(|f| find(f).into_iter().map(move |d| (f, d)))
        .collect();
    match elsewhere.as_slice() {
        [(f, (i, v, is_fn))] => Some((*f, *i, v.clone(), *is_fn)),
        _ => None,
    }
}

/// What a function's text returns: `=> value`, `=> ({ ... })` or the first top-level `return`
/// of a `{ ... }` body.
pub fn returned(function: &str) -> Option<String> {
    let f = function.trim();
    if let Some(body) = f.strip_prefix("=>") {
        let body = body.trim();
        if !body.starts_with('{') {
            return Some(body.to_string());
        }
        return returned(body);
    }
    let body = bracketed(f, 0);
    let at = scan(body, |i, _, depth| {
        depth == 0
            && body[i..].starts_with("return ")
            && !body[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_')
    })?;
    let rest = body[at + "return ".len()..].trim_start();
    if rest.starts_with(['{', '(']) {
        return Some(rest[..bracketed(rest, 0).len() + 2].to_string());
    }
    Some(rest[..top_level(rest, ';').unwrap_or(rest.len())].to_string())
}
