//! Append-only CSV logs of a run (`eval.csv`, `train.csv`), flushed per row.
//!
//! Every row starts with the environment step. On resume, [`CsvLog::open_truncated`] keeps
//! only rows up to the checkpoint's step, so the finished file equals an uninterrupted run's.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

/// A CSV file with a fixed header whose first column is `step`.
#[derive(Debug)]
pub struct CsvLog {
    path: PathBuf,
    file: File,
    columns: usize,
}

impl CsvLog {
    /// Creates (or replaces) the file and writes the header `step,<columns...>`.
    pub fn create(path: &Path, columns: &[&str]) -> std::io::Result<Self> {
        let mut file = File::create(path)?;
        writeln!(file, "step,{}", columns.join(","))?;
        Ok(CsvLog {
            path: path.to_path_buf(),
            file,
            columns: columns.len(),
        })
    }

    /// Opens an existing log for appending after dropping every row whose step exceeds
    /// `max_step` (and any torn last line). Creates it when missing.
    pub fn open_truncated(path: &Path, columns: &[&str], max_step: u64) -> std::io::Result<Self> {
        if !path.exists() {
            return Self::create(path, columns);
        }
        let mut kept = Vec::new();
        for (i, line) in BufReader::new(File::open(path)?).lines().enumerate() {
            let line = line?;
            if i == 0 {
                kept.push(line);
                continue;
            }
            let fields = line.split(',').count();
            let step = line.split(',').next().and_then(|s| s.parse::<u64>().ok());
            match step {
                Some(s) if s <= max_step && fields == columns.len() + 1 => kept.push(line),
                _ => {}
            }
        }
        let tmp = path.with_extension("csv.tmp");
        {
            let mut f = File::create(&tmp)?;
            for l in &kept {
                writeln!(f, "{l}")?;
            }
            f.sync_all()?;
        }
        std::fs::rename(&tmp, path)?;
        let file = OpenOptions::new().append(true).open(path)?;
        Ok(CsvLog {
            path: path.to_path_buf(),
            file,
            columns: columns.len(),
        })
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends `step,<values...>`; non-finite values are written as `nan`/`inf` so a
    /// reader sees them rather than a gap.
    ///
    /// # Panics
    /// If `values.len()` differs from the header's column count.
    #[track_caller]
    pub fn append(&mut self, step: u64, values: &[f64]) -> std::io::Result<()> {
        assert_eq!(values.len(), self.columns, "CSV row width");
        let mut line = step.to_string();
        for v in values {
            line.push(',');
            line.push_str(&format_value(*v));
        }
        writeln!(self.file, "{line}")?;
        self.file.flush()
    }
}

fn format_value(v: f64) -> String {
    if v.is_finite() {
        format!("{v}")
    } else {
        format!("{v}").to_lowercase()
    }
}

/// Reads a CSV written by [`CsvLog`]: the header and the rows as numbers (`nan` allowed).
///
/// # Errors
/// A message naming the file and line of the first unparsable field.
pub fn read_csv(path: &Path) -> Result<(Vec<String>, Vec<Vec<f64>>), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .ok_or_else(|| format!("{}: empty file", path.display()))?
        .split(',')
        .map(str::to_string)
        .collect();
    let mut rows = Vec::new();
    for (i, l) in lines.enumerate() {
        if l.trim().is_empty() {
            continue;
        }
        let row: Result<Vec<f64>, _> = l.split(',').map(|f| f.trim().parse::<f64>()).collect();
        let row = row.map_err(|e| format!("{} line {}: {e}", path.display(), i + 2))?;
        if row.len() != header.len() {
            return Err(format!(
                "{} line {}: {} fields, header has {}",
                path.display(),
                i + 2,
                row.len(),
                header.len()
            ));
        }
        rows.push(row);
    }
    Ok((header, rows))
}
