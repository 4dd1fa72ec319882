//! Replay buffer and CSV logs (the plots are tested beside their code in `src/cli/`).

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rfm::rl::replay::ReplayBuffer;
use rfm::run::csv_log::{CsvLog, read_csv};
use rfm::transition::Batch;

#[test]
fn ring_buffer_overwrites_oldest_and_samples_only_stored_rows() {
    let mut rb = ReplayBuffer::<f32>::new(3, 2, 1);
    for i in 0..5 {
        let f = i as f32;
        rb.push(&[f, f], &[f / 10.0], i as f64, &[f + 1.0, f + 1.0], i == 4);
    }
    assert_eq!(rb.len(), 3);
    assert_eq!(rb.cursor(), (2, 3));
    let mut b = Batch::<f32>::zeros(64, 2, 1);
    rb.sample_into(&mut ChaCha8Rng::seed_from_u64(1), &mut b);
    let mut seen = [false; 5];
    for r in 0..64 {
        let i = b.obs[[r, 0]] as usize;
        assert!((2..5).contains(&i), "row {r} holds evicted transition {i}");
        seen[i] = true;
        assert_eq!(b.next_obs[[r, 1]], i as f32 + 1.0);
        assert_eq!(b.reward[[r, 0]], i as f32);
        assert_eq!(b.action[[r, 0]], i as f32 / 10.0);
        assert_eq!(b.terminated[[r, 0]], if i == 4 { 1.0 } else { 0.0 });
    }
    // 64 uniform draws from 3 rows miss one with probability 3·(2/3)^64 < 1e-10.
    assert!(seen[2] && seen[3] && seen[4]);
}

#[test]
fn replay_from_parts_round_trips_and_rejects_bad_cursor() {
    let mut rb = ReplayBuffer::<f32>::new(4, 3, 2);
    for i in 0..6 {
        let f = i as f32;
        rb.push(&[f, 1.0, 2.0], &[0.1, -0.1], 0.5, &[f, 0.0, 0.0], false);
    }
    let [o, a, n] = rb.tensors().map(|(_, v)| v.to_owned());
    let [r, t] = rb.columns().map(|(_, v)| v.to_owned());
    let (next, len) = rb.cursor();
    let back = ReplayBuffer::from_parts(
        o.clone(),
        a.clone(),
        n.clone(),
        r.clone(),
        t.clone(),
        next,
        len,
    )
    .unwrap();
    assert_eq!(back, rb);
    let e = ReplayBuffer::from_parts(o, a, n, r, t, 9, 4).unwrap_err();
    assert!(e.contains("cursor"), "{e}");
}

#[test]
fn csv_truncation_on_resume_drops_later_and_torn_rows() {
    let dir = std::env::temp_dir().join(format!("rfm_csv_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join("eval.csv");
    {
        let mut log = CsvLog::create(&p, &["return_mean", "return_std"]).unwrap();
        for s in [0u64, 100, 200, 300] {
            log.append(s, &[s as f64 * 0.5, f64::NAN]).unwrap();
        }
    }
    std::fs::write(&p, std::fs::read_to_string(&p).unwrap() + "400,1").unwrap();
    let mut log = CsvLog::open_truncated(&p, &["return_mean", "return_std"], 200).unwrap();
    log.append(300, &[7.0, 1.0]).unwrap();
    let (h, rows) = read_csv(&p).unwrap();
    assert_eq!(h, ["step", "return_mean", "return_std"]);
    let steps: Vec<f64> = rows.iter().map(|r| r[0]).collect();
    assert_eq!(steps, [0.0, 100.0, 200.0, 300.0]);
    assert_eq!(rows[3][1], 7.0);
    assert!(rows[0][2].is_nan());
    std::fs::remove_dir_all(&dir).unwrap();
}
