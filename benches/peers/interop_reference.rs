//! Reference outputs for `paper-notes/interop.md`: loads an rfm agent (`agent.safetensors` of an
//! `rfm` run), evaluates `Q_1(s, a)` and the velocity field `v(x_t, t | s)` on fixed inputs with
//! rfm's own code, and writes inputs and outputs as JSON for a PyTorch re-implementation to
//! compare against.
//!
//! `cargo run --release --example interop_reference -- RUN/agent.safetensors out.json`

use ndarray::{Array1, Array2};
use rfm::checkpoint::Checkpoint;
use rfm::nn::critic_net::CriticScratch;
use rfm::policies::field::{ConditionalField, VelocityField};
use rfm::rl::saved::generative_agent_of;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    anyhow::ensure!(
        args.len() == 3,
        "usage: interop_reference AGENT.safetensors OUT.json"
    );
    let c = Checkpoint::read(&args[1])?;
    let (record, agent) = generative_agent_of(&c)?;
    let spec = record.task.spec();
    let (o, d) = (spec.obs_dim(), spec.action_dim());
    let Some(agent) = agent else {
        anyhow::bail!(
            "the example reproduces a flow/diffusion agent (rfm, qne, dqs, qsm), not {}",
            record.config.algo
        );
    };
    let n = 5;
    let obs = Array2::from_shape_fn((n, o), |(i, j)| {
        (0.7 * i as f32 + 0.3 * j as f32 + 0.1).sin()
    });
    let act = Array2::from_shape_fn((n, d), |(i, j)| {
        (0.5 * i as f32 - 0.9 * j as f32).cos() * 0.8
    });
    let x = Array2::from_shape_fn((n, d), |(i, j)| (1.3 * i as f32 + 0.4 * j as f32).sin());
    let t = 0.37;
    let mut q = Array1::zeros(n);
    agent.critic.net.q_values(
        &agent.critic.online[0],
        obs.view(),
        act.view(),
        1,
        &mut CriticScratch::default(),
        q.view_mut(),
    );
    let mut v = Array2::zeros((n, d));
    let mut field = VelocityField::new(&agent.policy.net, &agent.actor);
    field.prepare(obs.view(), 1);
    field.eval(x.view(), t, v.view_mut());
    let rows = |a: &Array2<f32>| a.outer_iter().map(|r| r.to_vec()).collect::<Vec<_>>();
    let out = serde_json::json!({
        "obs": rows(&obs), "action": rows(&act), "q1": q.to_vec(),
        "x_t": rows(&x), "t": t, "velocity": rows(&v),
    });
    std::fs::write(&args[2], serde_json::to_string_pretty(&out)?)?;
    Ok(())
}
