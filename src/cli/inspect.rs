//! `rfm inspect FILE`: everything a checkpoint says about itself — format version and checksum
//! (verified), build, task and observation layout, every network's architecture, the tensors
//! and the remaining metadata.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use rfm::checkpoint::Checkpoint;
use rfm::checkpoint::describe::{
    COMMIT_KEY, CONTENT_KEY, NETWORKS_KEY, NetworkDescription, TASK_KEY, TaskDescription,
};
use rfm::checkpoint::format::{CHECKSUM_KEY, VERSION_KEY};

/// Arguments of `rfm inspect`.
#[derive(Args, Debug, Clone)]
pub struct InspectArgs {
    /// A `.safetensors` file written by rfm.
    pub file: PathBuf,
}

/// Values longer than this are cut when printed (the run record is shown in full).
const MAX_VALUE_CHARS: usize = 200;

/// Prints the description of `args.file` (after the reader's checks: a corrupt file is an
/// error, not a listing).
///
/// # Errors
/// Unreadable or corrupt file, or a description that does not parse.
pub fn run(args: &InspectArgs) -> Result<()> {
    let c = Checkpoint::read(&args.file)?;
    let meta = c.metadata_entries();
    let get = |k: &str| meta.get(k).copied().unwrap_or("(absent)");
    println!("file:        {}", args.file.display());
    println!(
        "format:      version {} (SHA-256 verified: {})",
        get(VERSION_KEY),
        get(CHECKSUM_KEY)
    );
    println!("content:     {}", get(CONTENT_KEY));
    println!("build:       commit {}", get(COMMIT_KEY));
    if let Some(task) = meta.get(TASK_KEY) {
        let t: TaskDescription = serde_json::from_str(task)
            .with_context(|| format!("metadata `{TASK_KEY}` of {}", args.file.display()))?;
        println!("task:        {} (version {})", t.name, t.version);
        let mut at = 0;
        for (name, size) in &t.observation {
            println!("  obs[{at}..{}]  {name} ({size})", at + size);
            at += size;
        }
        println!("  action ({}): {}", t.action.len(), t.action.join(", "));
    }
    if let Some(nets) = meta.get(NETWORKS_KEY) {
        let nets: Vec<NetworkDescription> = serde_json::from_str(nets)
            .with_context(|| format!("metadata `{NETWORKS_KEY}` of {}", args.file.display()))?;
        for n in &nets {
            print_network(n);
        }
    }
    println!("tensors ({}):", c.names().len());
    for name in c.names() {
        println!("  {name} {:?}", c.shape(&name).unwrap_or_default());
    }
    println!("other metadata:");
    let described = [
        VERSION_KEY,
        CHECKSUM_KEY,
        CONTENT_KEY,
        COMMIT_KEY,
        TASK_KEY,
        NETWORKS_KEY,
    ];
    for (k, v) in meta.iter().filter(|(k, _)| !described.contains(k)) {
        let shown: String = if *k == "run_record" {
            (*v).to_owned()
        } else {
            cut(v)
        };
        println!("  {k} = {shown}");
    }
    Ok(())
}

fn print_network(n: &NetworkDescription) {
    println!("network `{}`: {:?}, {}", n.prefix, n.kind, n.precision);
    println!("  forward:     {}", n.forward);
    println!("  orientation: {}", n.orientation);
    let blocks: Vec<String> = n
        .first_layer
        .iter()
        .map(|b| format!("{} ({} rows × {})", b.tensor, b.rows, b.input))
        .collect();
    println!(
        "  first layer: rows in order [{}], bias {}, then {}",
        blocks.join(", "),
        n.first_bias,
        n.first_activation
    );
    for l in &n.layers {
        println!(
            "  {} {}×{} + {}{}{}",
            l.weight,
            l.inputs,
            l.outputs,
            l.bias,
            l.activation
                .as_deref()
                .map_or(String::new(), |a| format!(", {a}")),
            if l.residual { ", residual" } else { "" }
        );
    }
    if let Some(e) = &n.embedding {
        println!(
            "  embedding:   width {}, lambda = {}: {}",
            e.width, e.lambda, e.formula
        );
    }
}

fn cut(v: &str) -> String {
    if v.chars().count() <= MAX_VALUE_CHARS {
        v.to_owned()
    } else {
        let head: String = v.chars().take(MAX_VALUE_CHARS).collect();
        format!("{head}… ({} chars)", v.chars().count())
    }
}
