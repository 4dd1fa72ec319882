//! Reading a configuration from TOML and checking it: the file is layered over the defaults of
//! the chosen algorithm and preset, parsed with `deny_unknown_fields`, then every numeric
//! setting is range-checked; every error names the key, the value and what is allowed.

use std::path::PathBuf;

use super::coefficient::Coefficient;
use super::settings::TrainConfig;
use super::source::{line_column, shorten, shorten_quoted};

/// The most evaluation episodes (`schedule.eval_episodes`, `rfm eval --episodes`): each is a
/// live env stepped in parallel.
pub const MAX_EVAL_EPISODES: u64 = 1000;

/// The allowed temperatures (λ, SAC's initial α): f32's normal range, so that `1/λ` and the
/// embedding of λ stay finite in the networks' precision. Near the bottom of the range `Q/λ`
/// can still overflow for large `|Q|`; the run then stops with the non-finite-loss error.
pub const TEMPERATURE_RANGE: (f64, f64) = (f32::MIN_POSITIVE as f64, f32::MAX as f64);

impl TrainConfig {
    /// Layers a TOML document over `self`: keys in the file replace the defaults, unknown keys
    /// and ill-typed values are errors naming them; the result is then [`validate`]d.
    ///
    /// [`validate`]: TrainConfig::validate
    pub fn overlay_toml(&self, text: &str) -> Result<Self, ConfigError> {
        let file: toml::Table = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map_or((1, 1), |s| line_column(text, s.start));
            ConfigError::Parse {
                line,
                column,
                message: shorten_quoted(e.message()),
            }
        })?;
        let mut base = toml::Table::try_from(self).expect("a config always serialises");
        merge_sections(&mut base, file);
        let merged_text = toml::to_string(&base).expect("a table always serialises");
        let merged: TrainConfig = toml::from_str(&merged_text).map_err(|e| {
            // The error points into the merged document; report the key in the user's file.
            let (section, key) = key_at(&merged_text, &e);
            let (line, column) = find_key(text, section.as_deref(), key.as_deref());
            let name = match (section, key) {
                (Some(s), Some(k)) => format!("{s}.{k}: "),
                (None, Some(k)) | (Some(k), None) => format!("{k}: "),
                (None, None) => String::new(),
            };
            ConfigError::Parse {
                line,
                column,
                message: shorten_quoted(&format!("{}{}", shorten(&name), e.message())),
            }
        })?;
        merged.validate()?;
        Ok(merged)
    }

    /// Checks every numeric setting against its allowed range.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let s = &self.schedule;
        check_u("schedule.total_steps", s.total_steps, 1, u64::MAX)?;
        check_u(
            "schedule.updates_per_step",
            s.updates_per_step as u64,
            1,
            64,
        )?;
        check_u("schedule.batch_size", s.batch_size as u64, 1, 1 << 20)?;
        check_u(
            "schedule.replay_capacity",
            s.replay_capacity as u64,
            1,
            1 << 26,
        )?;
        if (s.replay_capacity) < s.batch_size {
            return Err(ConfigError::OutOfRange {
                key: "schedule.replay_capacity",
                value: s.replay_capacity.to_string(),
                allowed: format!("at least schedule.batch_size = {}", s.batch_size),
            });
        }
        check_u("schedule.eval_every", s.eval_every, 1, u64::MAX)?;
        check_u(
            "schedule.eval_episodes",
            s.eval_episodes as u64,
            1,
            MAX_EVAL_EPISODES,
        )?;
        check_u("schedule.log_every", s.log_every, 1, u64::MAX)?;
        check_u("schedule.checkpoint_every", s.checkpoint_every, 1, u64::MAX)?;
        let c = &self.critic;
        check_u("critic.hidden", c.hidden as u64, 1, 8192)?;
        check_u("critic.layers", c.layers as u64, 1, 16)?;
        check_f("critic.lr", c.lr, Open(0.0), Closed(1.0))?;
        check_f("critic.gamma", c.gamma, Closed(0.0), Open(1.0))?;
        check_f("critic.tau", c.tau, Open(0.0), Closed(1.0))?;
        check_f(
            "critic.max_grad_norm",
            c.max_grad_norm,
            Closed(0.0),
            Open(f64::MAX),
        )?;
        let a = &self.actor;
        check_u("actor.hidden", a.hidden as u64, 1, 8192)?;
        check_u("actor.residual_blocks", a.residual_blocks as u64, 0, 16)?;
        check_u("actor.embed_dim", a.embed_dim as u64, 2, 4096)?;
        if a.embed_dim % 2 != 0 {
            return Err(ConfigError::OutOfRange {
                key: "actor.embed_dim",
                value: a.embed_dim.to_string(),
                allowed: "an even number (sin and cos halves)".into(),
            });
        }
        check_f("actor.lr", a.lr, Open(0.0), Closed(1.0))?;
        check_f(
            "actor.max_grad_norm",
            a.max_grad_norm,
            Closed(0.0),
            Open(f64::MAX),
        )?;
        let p = &self.sampler;
        let (t_lo, t_hi) = TEMPERATURE_RANGE;
        check_f(
            "sampler.temperature",
            p.temperature,
            Closed(t_lo),
            Closed(t_hi),
        )?;
        check_u("sampler.steps", p.steps as u64, 1, 1000)?;
        check_f("sampler.t_min", p.t_min, Open(0.0), Open(0.5))?;
        check_u("sampler.particles_act", p.particles_act as u64, 1, 4096)?;
        check_u("sampler.particles_train", p.particles_train as u64, 1, 4096)?;
        check_u("sampler.particles_eval", p.particles_eval as u64, 1, 4096)?;
        let e = &self.estimator;
        check_u("estimator.samples", e.samples as u64, 1, 100_000)?;
        if let Coefficient::Fixed(eta) = e.coefficient {
            check_f(
                "estimator.coefficient.fixed",
                eta,
                Closed(-1e6),
                Closed(1e6),
            )?;
        }
        check_f("estimator.ridge", e.ridge, Closed(0.0), Open(f64::MAX))?;
        check_f("estimator.clip", e.clip, Closed(0.0), Open(f64::MAX))?;
        let q = &self.sac;
        check_f("sac.init_alpha", q.init_alpha, Closed(t_lo), Closed(t_hi))?;
        check_f("sac.alpha_lr", q.alpha_lr, Open(0.0), Closed(1.0))?;
        check_f(
            "sac.target_entropy_per_dim",
            q.target_entropy_per_dim,
            Closed(-100.0),
            Closed(100.0),
        )?;
        let m = &self.maxentdp;
        check_u(
            "maxentdp.log_prob_samples",
            m.log_prob_samples as u64,
            1,
            10_000,
        )?;
        check_u("maxentdp.log_prob_steps", m.log_prob_steps as u64, 1, 1000)?;
        check_f(
            "maxentdp.denoiser_clip",
            m.denoiser_clip,
            Closed(0.0),
            Open(f64::MAX),
        )?;
        let v = &self.qvpo;
        check_u("qvpo.train_samples", v.train_samples as u64, 2, 4096)?;
        check_f(
            "qvpo.entropy_alpha",
            v.entropy_alpha,
            Closed(0.0),
            Closed(1e3),
        )?;
        check_u("qvpo.entropy_samples", v.entropy_samples as u64, 0, 4096)?;
        check_f(
            "qvpo.denoiser_clip",
            v.denoiser_clip,
            Closed(0.0),
            Open(f64::MAX),
        )?;
        Ok(())
    }
}

/// A rejected configuration.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ConfigError {
    /// The TOML does not parse, has an unknown key or a value of the wrong type; the place is
    /// in the user's file (line 1, column 1 when the key cannot be found there).
    #[error("config: line {line}, column {column}: {message}")]
    Parse {
        /// 1-based line.
        line: usize,
        /// 1-based column, in characters.
        column: usize,
        /// What is wrong (long values cut).
        message: String,
    },
    /// A configuration file that is not read: missing, not a regular file, too large.
    #[error("config file {path}: {reason}")]
    File {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The run would need more memory than the machine has.
    #[error(
        "config: the run needs about {needed}, more than this machine's {available}; lower estimator.samples, schedule.batch_size, sampler.particles_train, the network widths or schedule.replay_capacity"
    )]
    Memory {
        /// The estimate, by part.
        needed: String,
        /// The machine's memory.
        available: String,
    },
    /// A value is outside its allowed range.
    #[error("config: {key} = {value} is out of range; allowed: {allowed}")]
    OutOfRange {
        key: &'static str,
        value: String,
        allowed: String,
    },
}

/// The section and key of the merged document's line that `e` points at.
fn key_at(text: &str, e: &toml::de::Error) -> (Option<String>, Option<String>) {
    let Some(span) = e.span() else {
        return (None, None);
    };
    let start = span.start.min(text.len());
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line = text[line_start..line_end].trim();
    if line.starts_with('[') {
        let name = line.trim_matches(|c| c == '[' || c == ']').to_string();
        return (Some(name), None);
    }
    let section = text[..line_start]
        .lines()
        .rev()
        .find(|l| l.starts_with('['))
        .map(|l| l.trim_matches(|c| c == '[' || c == ']').to_string());
    let key = line.split('=').next().map(|k| k.trim().to_string());
    (section, key)
}

/// Line and column of `section.key` (or of the section, or of a top-level key) in the user's
/// file; (1, 1) when it cannot be found (e.g. the error is about a default value).
fn find_key(text: &str, section: Option<&str>, key: Option<&str>) -> (usize, usize) {
    let Ok(doc) = toml::de::DeTable::parse(text) else {
        return (1, 1);
    };
    fn entry<'a, 'i>(
        table: &'a toml::de::DeTable<'i>,
        name: &str,
    ) -> Option<(usize, &'a toml::de::DeValue<'i>)> {
        table
            .iter()
            .find(|(k, _)| k.get_ref().as_ref() == name)
            .map(|(k, v)| (k.span().start, v.get_ref()))
    }
    let found = match (section, key) {
        (Some(sec), Some(k)) => entry(doc.get_ref(), sec).and_then(|(at, v)| match v {
            toml::de::DeValue::Table(t) => entry(t, k).map(|(a, _)| a).or(Some(at)),
            _ => Some(at),
        }),
        (Some(name), None) | (None, Some(name)) => entry(doc.get_ref(), name).map(|(a, _)| a),
        (None, None) => None,
    };
    found.map_or((1, 1), |at| line_column(text, at))
}

/// Merges `over` into `base` one level deep: a section (`[critic]`) merges key by key; a
/// value inside a section (including enum tables such as `coefficient = { fixed = 0.5 }`)
/// replaces the default whole.
fn merge_sections(base: &mut toml::Table, over: toml::Table) {
    for (k, v) in over {
        match (base.get_mut(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => {
                for (k2, v2) in o {
                    b.insert(k2, v2);
                }
            }
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

enum Bound {
    Open(f64),
    Closed(f64),
}
use Bound::{Closed, Open};

fn check_f(key: &'static str, v: f64, lo: Bound, hi: Bound) -> Result<(), ConfigError> {
    let ok_lo = match lo {
        Open(l) => v > l,
        Closed(l) => v >= l,
    };
    let ok_hi = match hi {
        Open(h) => v < h,
        Closed(h) => v <= h,
    };
    if v.is_finite() && ok_lo && ok_hi {
        return Ok(());
    }
    let lo_s = match lo {
        Open(l) => format!("({l}"),
        Closed(l) => format!("[{l}"),
    };
    let hi_s = match hi {
        Open(h) if h == f64::MAX => "∞)".to_string(),
        Open(h) => format!("{h})"),
        Closed(h) => format!("{h}]"),
    };
    Err(ConfigError::OutOfRange {
        key,
        value: v.to_string(),
        allowed: format!("a finite number in {lo_s}, {hi_s}"),
    })
}

fn check_u(key: &'static str, v: u64, lo: u64, hi: u64) -> Result<(), ConfigError> {
    if (lo..=hi).contains(&v) {
        return Ok(());
    }
    Err(ConfigError::OutOfRange {
        key,
        value: v.to_string(),
        allowed: if hi == u64::MAX {
            format!("an integer ≥ {lo}")
        } else {
            format!("an integer in [{lo}, {hi}]")
        },
    })
}
