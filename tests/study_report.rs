//! `rfm report` end to end on real run directories: four finished pendulum-swingup runs (rfm
//! and sac, two seeds each; their evaluation curves replaced by designed ones) and one
//! cut-short copy. The tables must equal what the runs' `eval.csv` files give (mean, sd, min–max, the probability of improvement), the cut run must be named
//! and left out, the figures must exist at their stated sizes with a curve of each algorithm
//! drawn in its colour, and a second report must be byte-identical (seeded bootstrap).

#[path = "common/study_runs.rs"]
mod study_runs;

use std::path::Path;

use study_runs::{reference_run, rfm, study_scratch};

/// The last evaluation's mean return in `dir/eval.csv`.
fn final_return(dir: &Path) -> f64 {
    let text = std::fs::read_to_string(dir.join("eval.csv")).unwrap();
    let last = text.lines().last().unwrap();
    last.split(',').nth(1).unwrap().parse().unwrap()
}

/// `(width, height, RGB pixels)` of a PNG.
fn decode_png(path: &Path) -> (u32, u32, Vec<[u8; 3]>) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let step = info.color_type.samples();
    assert!(step >= 3, "{}: not an RGB image", path.display());
    let px = buf[..info.buffer_size()]
        .chunks(step)
        .map(|c| [c[0], c[1], c[2]])
        .collect();
    (info.width, info.height, px)
}

fn report(sweep: &Path, out: &Path) -> std::process::Output {
    rfm()
        .arg("report")
        .arg(sweep)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

#[test]
fn report_tables_equal_the_runs_own_files_and_figures_show_every_algorithm() {
    let (root, config) = study_scratch("report");
    let study = root.join("study");
    // Real runs, whose evaluation curves are then replaced by designed ones (the report reads
    // eval.csv), so that every figure and table has a known answer: rfm ends at 800 and 600,
    // sac at 200 and 400.
    let designed = [
        ("rfm", 0, 800.0),
        ("rfm", 1, 600.0),
        ("sac", 0, 200.0),
        ("sac", 1, 400.0),
    ];
    let mut finals = std::collections::BTreeMap::<&str, Vec<f64>>::new();
    for (algo, seed, end) in designed {
        let dir = study.join(format!("{algo}/seed-{seed}"));
        reference_run(algo, seed, &config, &dir);
        let header = std::fs::read_to_string(dir.join("eval.csv")).unwrap();
        let mut text = header.lines().next().unwrap().to_string() + "\n";
        for k in 0..=4u32 {
            let r = end * f64::from(k) / 4.0;
            text += &format!("{},{r},0,{r},{r},2\n", 100 * k);
        }
        std::fs::write(dir.join("eval.csv"), text).unwrap();
        assert_eq!(final_return(&dir), end);
        finals.entry(algo).or_default().push(end);
    }
    // A cut-short run: a copy of sac seed 1 as seed 7, its evaluations after step 100 removed.
    let cut = study.join("sac/seed-7");
    std::fs::create_dir_all(&cut).unwrap();
    for entry in std::fs::read_dir(study.join("sac/seed-1")).unwrap() {
        let p = entry.unwrap().path();
        std::fs::copy(&p, cut.join(p.file_name().unwrap())).unwrap();
    }
    let record = std::fs::read_to_string(cut.join("run.json")).unwrap();
    assert!(record.contains("\"seed\": 1,"), "{record}");
    std::fs::write(
        cut.join("run.json"),
        record.replace("\"seed\": 1,", "\"seed\": 7,"),
    )
    .unwrap();
    let eval = std::fs::read_to_string(cut.join("eval.csv")).unwrap();
    let kept: Vec<&str> = eval.lines().take(3).collect();
    std::fs::write(cut.join("eval.csv"), kept.join("\n") + "\n").unwrap();

    let out = root.join("report");
    let r = report(&study, &out);
    let stdout = String::from_utf8_lossy(&r.stdout);
    // Not every run finished, so the report says so in its exit status.
    assert!(!r.status.success(), "{stdout}");

    // final_returns.csv: task,algo,seeds,mean,sd,min,max from the two finished seeds.
    let table = std::fs::read_to_string(out.join("final_returns.csv")).unwrap();
    for (algo, xs) in &finals {
        let row = table
            .lines()
            .find(|l| l.starts_with(&format!("pendulum-swingup,{algo},")))
            .unwrap_or_else(|| panic!("no {algo} row in {table}"));
        let v: Vec<f64> = row.split(',').skip(2).map(|x| x.parse().unwrap()).collect();
        let mean = (xs[0] + xs[1]) / 2.0;
        // sample sd of two values: |x0 − x1| / √2
        let sd = (xs[0] - xs[1]).abs() / 2f64.sqrt();
        let want = [2.0, mean, sd, xs[0].min(xs[1]), xs[0].max(xs[1])];
        for (got, want) in v.iter().zip(want) {
            // The report prints shortest round-trip decimals of the same f64 arithmetic;
            // allow only a few ulps for a different summation order.
            assert!(
                (got - want).abs() <= 8.0 * f64::EPSILON * want.abs().max(1.0),
                "{algo}: {row} vs {want}"
            );
        }
    }
    // P(rfm > sac): the fraction of the 2 × 2 seed pairs rfm wins, ties counting one half.
    let wins: f64 = finals["rfm"]
        .iter()
        .flat_map(|a| finals["sac"].iter().map(move |b| (a, b)))
        .map(|(a, b)| {
            if a > b {
                1.0
            } else if a == b {
                0.5
            } else {
                0.0
            }
        })
        .sum::<f64>()
        / 4.0;
    let agg = std::fs::read_to_string(out.join("aggregates.csv")).unwrap();
    let sac_row = agg.lines().find(|l| l.starts_with("sac,")).unwrap();
    let p: f64 = sac_row.split(',').nth(4).unwrap().parse().unwrap();
    assert!((p - wins).abs() < 1e-12, "{sac_row} vs {wins}");

    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("| pendulum-swingup | sac | 2 |"), "{md}");
    let not_counted = md
        .split("## Runs not counted")
        .nth(1)
        .unwrap_or_else(|| panic!("{md}"));
    assert!(
        not_counted.contains("sac pendulum-swingup seed 7") && not_counted.contains("incomplete"),
        "{md}"
    );

    // Figures: one 420 × 320 panel for one task. Right of the legend, rfm's curve (mean 700 at
    // the end) must reach higher in the picture than sac's (mean 300), each in its colour.
    let (w, h, px) = decode_png(&out.join("curves.png"));
    assert_eq!((w, h), (420, 320));
    let top = |colour: [u8; 3]| {
        (0..h)
            .find(|&y| (w * 3 / 4..w).any(|x| px[(y * w + x) as usize] == colour))
            .unwrap_or_else(|| panic!("no pixel of {colour:?} in the right quarter"))
    };
    let (rfm_top, sac_top) = (top([214, 39, 40]), top([255, 127, 14]));
    assert!(
        rfm_top + 40 < sac_top,
        "rfm's curve tops out at row {rfm_top}, sac's at {sac_top}"
    );
    assert_eq!(decode_png(&out.join("profiles.png")).0, 560);
    let svg = std::fs::read_to_string(out.join("curves.svg")).unwrap();
    assert!(svg.contains("pendulum-swingup") && svg.contains("#D62728") && svg.contains("#FF7F0E"));
    // One min–max band per algorithm.
    assert!(
        svg.matches("<polygon").count() >= 2,
        "no bands in curves.svg"
    );

    // A second report is byte-identical (the bootstrap is seeded).
    let again = root.join("again");
    report(&study, &again);
    for f in [
        "report.md",
        "final_returns.csv",
        "aggregates.csv",
        "summary.json",
    ] {
        assert_eq!(
            std::fs::read(out.join(f)).unwrap(),
            std::fs::read(again.join(f)).unwrap(),
            "{f}"
        );
    }
    let _ = std::fs::remove_dir_all(&root);
}
