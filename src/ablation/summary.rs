//! The table of `rfm ablate`: relative regression-target error per member, K and t bin, mean
//! and sample sd over seeds, against both references; and its files.

use std::fmt::Write as _;

use serde::Serialize;

use super::measure::Measurements;
use super::settings::AblationSettings;

/// Mean and sample sd (n − 1; 0 for one seed) over seeds.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct MeanSd {
    /// Mean.
    pub mean: f64,
    /// Sample standard deviation.
    pub sd: f64,
}

impl MeanSd {
    /// Of `values` (at least one).
    pub fn of(values: &[f64]) -> MeanSd {
        let n = values.len() as f64;
        let mean = values.iter().sum::<f64>() / n;
        let sd = if values.len() > 1 {
            (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
        } else {
            0.0
        };
        MeanSd { mean, sd }
    }
}

/// One row: a member at a K, in one t bin or over all.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SummaryRow {
    /// The member's label.
    pub member: String,
    /// K.
    pub k: usize,
    /// The t bin, `None` for all bins together.
    pub bin: Option<usize>,
    /// The bin's t interval (the whole range for `None`).
    pub t_range: (f64, f64),
    /// `Σ‖v̂ − v_ref‖² / Σ‖v_ref‖²` against the plug-in reference, per seed.
    pub per_seed_vs_plugin_reference: Vec<f64>,
    /// The same against the η = 0 reference.
    pub per_seed_vs_eta0_reference: Vec<f64>,
    /// Mean ± sd of `per_seed_vs_plugin_reference`.
    pub vs_plugin_reference: MeanSd,
    /// Mean ± sd of `per_seed_vs_eta0_reference`.
    pub vs_eta0_reference: MeanSd,
    /// Mean ESS of the K samples.
    pub ess: f64,
}

/// The reference's row per bin (and overall).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReferenceRow {
    /// The t bin, `None` for all.
    pub bin: Option<usize>,
    /// The bin's t interval.
    pub t_range: (f64, f64),
    /// `Σ‖v_ref,plugin − v_ref,η=0‖² / Σ‖v_ref,η=0‖²`: the table's resolution.
    pub mismatch: f64,
    /// Mean ESS of the reference.
    pub ess: f64,
}

/// The whole table.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    /// Member rows, members × K × (bins, then overall).
    pub rows: Vec<SummaryRow>,
    /// Reference rows, bins then overall.
    pub reference: Vec<ReferenceRow>,
}

impl Summary {
    /// Aggregates `m` by bin and over all bins.
    pub fn of(settings: &AblationSettings, m: &Measurements) -> Summary {
        let bins = settings.t_bins;
        let groups: Vec<(Option<usize>, Vec<usize>)> = (0..bins)
            .map(|j| (Some(j), vec![j]))
            .chain(std::iter::once((None, (0..bins).collect())))
            .collect();
        let range = |bin: Option<usize>| bin.map_or(settings.t_range, |j| settings.bin_bounds(j));
        let sum = |v: &[f64], g: &[usize]| g.iter().map(|&j| v[j]).sum::<f64>();
        let mut rows = Vec::new();
        for (mi, member) in m.members.iter().enumerate() {
            for (ki, &k) in settings.ks.iter().enumerate() {
                for (bin, g) in &groups {
                    let per_seed = |r: usize| -> Vec<f64> {
                        m.squared_error[mi][ki]
                            .iter()
                            .map(|s| {
                                g.iter().map(|&j| s[j][r]).sum::<f64>()
                                    / sum(&m.reference_power[r], g)
                            })
                            .collect()
                    };
                    let (p, e) = (per_seed(0), per_seed(1));
                    rows.push(SummaryRow {
                        member: member.label(),
                        k,
                        bin: *bin,
                        t_range: range(*bin),
                        vs_plugin_reference: MeanSd::of(&p),
                        vs_eta0_reference: MeanSd::of(&e),
                        per_seed_vs_plugin_reference: p,
                        per_seed_vs_eta0_reference: e,
                        ess: sum(&m.ess[ki], g) / g.len() as f64,
                    });
                }
            }
        }
        let reference = groups
            .iter()
            .map(|(bin, g)| ReferenceRow {
                bin: *bin,
                t_range: range(*bin),
                mismatch: sum(&m.reference_mismatch, g) / sum(&m.reference_power[1], g),
                ess: sum(&m.reference_ess, g) / g.len() as f64,
            })
            .collect();
        Summary { rows, reference }
    }

    /// `metrics.csv`: one line per row.
    pub fn csv(&self) -> String {
        let mut out = String::from(
            "member,k,bin,t_lo,t_hi,seeds,rel_err_vs_plugin_ref_mean,rel_err_vs_plugin_ref_sd,rel_err_vs_eta0_ref_mean,rel_err_vs_eta0_ref_sd,ess\n",
        );
        for r in &self.rows {
            let bin = r.bin.map_or("all".to_owned(), |j| j.to_string());
            let _ = writeln!(
                out,
                "{},{},{bin},{},{},{},{:.6e},{:.6e},{:.6e},{:.6e},{:.3}",
                r.member,
                r.k,
                r.t_range.0,
                r.t_range.1,
                r.per_seed_vs_plugin_reference.len(),
                r.vs_plugin_reference.mean,
                r.vs_plugin_reference.sd,
                r.vs_eta0_reference.mean,
                r.vs_eta0_reference.sd,
                r.ess
            );
        }
        out
    }

    fn row(&self, member: &str, k: usize, bin: Option<usize>) -> Option<&SummaryRow> {
        self.rows
            .iter()
            .find(|r| r.member == member && r.k == k && r.bin == bin)
    }

    /// The Markdown tables: overall (member × K, both references), then per t bin for every K
    /// (against the plug-in reference), then the reference's resolution per bin.
    pub fn markdown(&self, settings: &AblationSettings) -> String {
        let mut members: Vec<&str> = Vec::new();
        for r in &self.rows {
            if !members.contains(&r.member.as_str()) {
                members.push(&r.member);
            }
        }
        let mut out = String::new();
        let ks = &settings.ks;
        let head = |out: &mut String, first: &str, cols: &[String]| {
            let _ = writeln!(out, "| {first} | {} |", cols.join(" | "));
            let _ = writeln!(out, "|---|{}", "---|".repeat(cols.len()));
        };
        let _ = writeln!(
            out,
            "Relative error Σ‖v̂ − v_ref‖²/Σ‖v_ref‖², all t, mean ± sd over {} seeds; \
             against the plug-in reference | against the η = 0 reference (K_ref = {}).\n",
            settings.seeds, settings.reference_k
        );
        head(
            &mut out,
            "member",
            &ks.iter().map(|k| format!("K = {k}")).collect::<Vec<_>>(),
        );
        for m in &members {
            let cells: Vec<String> = ks
                .iter()
                .map(|&k| {
                    self.row(m, k, None).map_or(String::new(), |r| {
                        format!(
                            "{:.2e} ± {:.1e} \\| {:.2e}",
                            r.vs_plugin_reference.mean,
                            r.vs_plugin_reference.sd,
                            r.vs_eta0_reference.mean
                        )
                    })
                })
                .collect();
            let _ = writeln!(out, "| {m} | {} |", cells.join(" | "));
        }
        let bins: Vec<String> = (0..settings.t_bins)
            .map(|j| {
                let (lo, hi) = settings.bin_bounds(j);
                format!("{lo:.2}–{hi:.2}")
            })
            .collect();
        for &k in ks {
            let _ = writeln!(
                out,
                "\nK = {k}: per t bin, mean over seeds, against the plug-in reference.\n"
            );
            head(&mut out, "member", &bins);
            for m in &members {
                let cells: Vec<String> = (0..settings.t_bins)
                    .map(|j| {
                        self.row(m, k, Some(j)).map_or(String::new(), |r| {
                            format!("{:.2e}", r.vs_plugin_reference.mean)
                        })
                    })
                    .collect();
                let _ = writeln!(out, "| {m} | {} |", cells.join(" | "));
            }
        }
        let _ = writeln!(
            out,
            "\nReference resolution: Σ‖v_ref,plugin − v_ref,η=0‖²/Σ‖v_ref,η=0‖² and the reference's mean ESS per bin.\n"
        );
        let mut cols = bins.clone();
        cols.push("all".into());
        head(&mut out, "", &cols);
        let mismatch: Vec<String> = self
            .reference
            .iter()
            .map(|r| format!("{:.2e}", r.mismatch))
            .collect();
        let ess: Vec<String> = self
            .reference
            .iter()
            .map(|r| format!("{:.0}", r.ess))
            .collect();
        let _ = writeln!(out, "| mismatch | {} |", mismatch.join(" | "));
        let _ = writeln!(out, "| ESS | {} |", ess.join(" | "));
        out
    }
}
