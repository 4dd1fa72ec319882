//! Keeps `paper-notes/equations.md`, the `[RFM:...]` and `[TOY:...]` tags in `src/` and the
//! `[ENV:...]` tags of the environments' physics in `envs/src/`, the tagged test names and the
//! proof files in sync (plain text scan, no parsing of Rust).
//!
//! Rules:
//! 1. The tags in `src/` and `envs/src/` and the tags of the index rows are the same set.
//! 2. Every code file named in a row exists and contains that row's tag.
//! 3. Every test named in a row exists (`fn <name>(` in `tests/`, `src/`, `envs/tests/` or
//!    `envs/src/`) and its name starts with the tag in snake case (`RFM:Eq.snis-weights` →
//!    `rfm_eq_snis_weights`).
//! 4. Every test whose name starts with `rfm_eq_`, `rfm_claim_`, `toy_eq_` or `env_eq_` is
//!    listed in some row.
//! 5. Every row names a proof file that exists and has the five sections.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap().flatten() {
        let p = entry.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `RFM:Eq.snis-weights` → `rfm_eq_snis_weights`.
fn snake(tag: &str) -> String {
    tag.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// The tag namespaces: the paper's equations, the toy experiment's and the environments'
/// physics (`rfm-envs`).
const NAMESPACES: [&str; 3] = ["RFM:", "TOY:", "ENV:"];
/// Test-name prefixes of tagged tests.
const TEST_PREFIXES: [&str; 4] = ["rfm_eq_", "rfm_claim_", "toy_eq_", "env_eq_"];

/// Tags `[RFM:...]` / `[TOY:...]` / `[ENV:...]` per source file.
fn source_tags() -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    rust_files(&root().join("envs/src"), &mut files);
    let mut tags: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in files {
        let text = fs::read_to_string(&f).unwrap();
        let mut rest = text.as_str();
        while let Some(i) = NAMESPACES
            .iter()
            .filter_map(|ns| rest.find(&format!("[{ns}")))
            .min()
        {
            let after = &rest[i + 1..];
            let end = after.find(']').expect("unterminated tag");
            let rel = f
                .strip_prefix(root())
                .unwrap()
                .to_string_lossy()
                .into_owned();
            tags.entry(after[..end].to_string())
                .or_default()
                .insert(rel);
            rest = &after[end..];
        }
    }
    tags
}

/// Names of functions in `tests/`, `src/`, `envs/tests/` and `envs/src/` that start with a
/// tagged-test prefix.
fn tagged_test_names() -> BTreeSet<String> {
    let mut files = Vec::new();
    for dir in ["tests", "src", "envs/tests", "envs/src"] {
        rust_files(&root().join(dir), &mut files);
    }
    let mut names = BTreeSet::new();
    for f in files {
        let text = fs::read_to_string(&f).unwrap();
        for piece in text.split("fn ").skip(1) {
            let name: String = piece
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if TEST_PREFIXES.iter().any(|p| name.starts_with(p))
                && piece[name.len()..].starts_with('(')
            {
                names.insert(name);
            }
        }
    }
    names
}

struct Row {
    tag: String,
    code: Vec<String>,
    tests: Vec<String>,
    proof: String,
}

/// Rows `| \`RFM:tag\` | statement | code | tests | proof |` of the index.
fn index_rows() -> Vec<Row> {
    let text = fs::read_to_string(root().join("paper-notes/equations.md")).unwrap();
    let ticked = |cell: &str| -> Vec<String> {
        cell.split('`')
            .enumerate()
            .filter(|(i, _)| i % 2 == 1)
            .map(|(_, s)| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    };
    text.lines()
        .filter(|l| {
            NAMESPACES
                .iter()
                .any(|ns| l.starts_with(&format!("| `{ns}")))
        })
        .map(|l| {
            let cells: Vec<&str> = l.trim().trim_matches('|').split(" | ").collect();
            assert_eq!(cells.len(), 5, "index row must have 5 cells: {l}");
            Row {
                tag: ticked(cells[0])[0].clone(),
                code: ticked(cells[2]),
                tests: ticked(cells[3]),
                proof: ticked(cells[4]).first().cloned().unwrap_or_default(),
            }
        })
        .collect()
}

#[test]
fn equations_index_matches_tags_tests_and_proofs() {
    let src = source_tags();
    let rows = index_rows();
    let tests = tagged_test_names();
    let mut problems = Vec::new();

    let indexed: BTreeSet<String> = rows.iter().map(|r| r.tag.clone()).collect();
    for tag in src.keys().filter(|t| !indexed.contains(*t)) {
        problems.push(format!("tag {tag} in {:?} has no index row", src[tag]));
    }
    let mut listed_tests = BTreeSet::new();
    for r in &rows {
        if !src.contains_key(&r.tag) {
            problems.push(format!("index row {} has no tag in src/", r.tag));
        }
        if r.code.is_empty() {
            problems.push(format!("{}: no code location", r.tag));
        }
        for c in &r.code {
            let path = c.split(':').next().unwrap();
            match fs::read_to_string(root().join(path)) {
                Ok(text) if text.contains(&format!("[{}]", r.tag)) => {}
                Ok(_) => problems.push(format!("{}: {path} does not contain the tag", r.tag)),
                Err(_) => problems.push(format!("{}: code file {path} missing", r.tag)),
            }
        }
        if r.tests.is_empty() {
            problems.push(format!("{}: no tests", r.tag));
        }
        for t in &r.tests {
            if !t.starts_with(&snake(&r.tag)) {
                problems.push(format!(
                    "{}: test {t} does not start with {}",
                    r.tag,
                    snake(&r.tag)
                ));
            }
            if !tests.contains(t) {
                problems.push(format!("{}: test {t} not found", r.tag));
            }
            listed_tests.insert(t.clone());
        }
        match fs::read_to_string(root().join(&r.proof)) {
            Ok(text) => {
                for section in [
                    "## Statement",
                    "## Assumptions",
                    "## Proof",
                    "## Numerical check",
                    "## Used by",
                ] {
                    if !text.contains(section) {
                        problems.push(format!("{}: {} lacks {section}", r.tag, r.proof));
                    }
                }
            }
            Err(_) => problems.push(format!("{}: proof file '{}' missing", r.tag, r.proof)),
        }
    }
    for t in tests.difference(&listed_tests) {
        problems.push(format!("tagged test {t} is not listed in the index"));
    }
    assert!(
        problems.is_empty(),
        "equations index out of sync:\n{}",
        problems.join("\n")
    );
}

#[test]
fn equations_index_snake_case_rule() {
    assert_eq!(snake("RFM:Eq.snis-weights"), "rfm_eq_snis_weights");
    assert_eq!(
        snake("RFM:Claim.eta-zero-is-qne"),
        "rfm_claim_eta_zero_is_qne"
    );
    assert_eq!(snake("TOY:Eq.sliced-w2"), "toy_eq_sliced_w2");
    assert_eq!(snake("ENV:Eq.soft-contact"), "env_eq_soft_contact");
}
