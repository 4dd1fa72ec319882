//! Reading a configuration from TOML and checking it: the file is layered over the defaults of
//! the chosen algorithm and preset, parsed with `deny_unknown_fields`, then every numeric
//! setting is range-checked; every error names the key, the value and what is allowed.

use super::coefficient::Coefficient;
use super::settings::TrainConfig;

impl TrainConfig {
    /// Layers a TOML document over `self`: keys in the file replace the defaults, unknown keys
    /// and ill-typed values are errors naming them; the result is then [`validate`]d.
    ///
    /// [`validate`]: TrainConfig::validate
    pub fn overlay_toml(&self, text: &str) -> Result<Self, ConfigError> {
        let file: toml::Table =
            toml::from_str(text).map_err(|e| ConfigError::Parse(e.message().to_string()))?;
        let mut base = toml::Table::try_from(self).expect("a config always serialises");
        merge_sections(&mut base, file);
        let text = toml::to_string(&base).expect("a table always serialises");
        let merged: TrainConfig =
            toml::from_str(&text).map_err(|e| ConfigError::Parse(locate(&text, &e)))?;
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
        check_u("schedule.eval_episodes", s.eval_episodes as u64, 1, 1000)?;
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
        check_f(
            "sampler.temperature",
            p.temperature,
            Open(0.0),
            Open(f64::MAX),
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
        check_f("sac.init_alpha", q.init_alpha, Open(0.0), Open(f64::MAX))?;
        check_f("sac.alpha_lr", q.alpha_lr, Open(0.0), Closed(1.0))?;
        check_f(
            "sac.target_entropy_per_dim",
            q.target_entropy_per_dim,
            Closed(-100.0),
            Closed(100.0),
        )?;
        Ok(())
    }
}

/// A rejected configuration.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ConfigError {
    /// The TOML does not parse, has an unknown key or a value of the wrong type.
    #[error("config: {0}")]
    Parse(String),
    /// A value is outside its allowed range.
    #[error("config: {key} = {value} is out of range; allowed: {allowed}")]
    OutOfRange {
        key: &'static str,
        value: String,
        allowed: String,
    },
}

/// The error message prefixed with the offending `section.key = value` of the merged document.
fn locate(text: &str, e: &toml::de::Error) -> String {
    let Some(span) = e.span() else {
        return e.message().to_string();
    };
    let line_start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[span.start..]
        .find('\n')
        .map_or(text.len(), |i| span.start + i);
    let line = text[line_start..line_end].trim();
    let section = text[..line_start]
        .lines()
        .rev()
        .find(|l| l.starts_with('['))
        .map(|l| l.trim_matches(|c| c == '[' || c == ']').to_string());
    match section {
        Some(sec) if !line.starts_with('[') => format!("{sec}.{line}: {}", e.message()),
        _ => format!("{line}: {}", e.message()),
    }
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
