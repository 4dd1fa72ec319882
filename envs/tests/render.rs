//! The renderer: rasterised areas, cameras, the GIF round trip and rendered rollouts.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rfm_envs::render::gif::palette_index;
use rfm_envs::render::{Camera, Canvas, RenderOptions, Rgb, Scene, render, render_rollout};
use rfm_envs::{TaskId, make};

#[path = "common/tolerance.rs"]
#[allow(dead_code)] // shared presets: each test file uses a few
mod tolerance;
use tolerance::ENVS_RENDER_DISC_AREA_REL;

const RED: Rgb = Rgb(255, 0, 0);
const BLACK: Rgb = Rgb(0, 0, 0);

/// A side camera with 1 pixel per world unit centred on (50, 50): world x → column, z → row.
fn pixel_scene() -> Scene {
    Scene {
        camera: Camera::Side {
            center: [50.0, 50.0],
            half_width: 50.0,
        },
        background: BLACK,
        primitives: Vec::new(),
    }
}

/// Coverage-weighted red area, in pixels.
fn red_area(c: &Canvas) -> f64 {
    c.pixels.iter().map(|p| f64::from(p.0) / 255.0).sum()
}

#[test]
fn render_antialiased_disc_covers_pi_r_squared() {
    let mut scene = pixel_scene();
    scene.sphere([50.3, 0.0, 49.6], 30.0, RED);
    let mut c = Canvas::new(100, 100);
    render(&scene, &mut c, true);
    let expected = std::f64::consts::PI * 900.0;
    let rel = (red_area(&c) - expected).abs() / expected;
    assert!(
        rel < ENVS_RENDER_DISC_AREA_REL,
        "area {} vs {expected}",
        red_area(&c)
    );
    // Without anti-aliasing every pixel is fully in or out.
    render(&scene, &mut c, false);
    assert!(c.pixels.iter().all(|&p| p == RED || p == BLACK));
}

#[test]
fn render_side_camera_maps_x_right_and_z_up() {
    let mut scene = pixel_scene();
    // A 10 × 10 square with its corner at world (70, ·, 70): pixels x ∈ [70, 80), rows [20, 30).
    scene.polygon(
        &[
            [70.0, 0.0, 70.0],
            [80.0, 0.0, 70.0],
            [80.0, 0.0, 80.0],
            [70.0, 0.0, 80.0],
        ],
        RED,
    );
    let mut c = Canvas::new(100, 100);
    render(&scene, &mut c, false);
    assert_eq!(c.get(75, 25), RED);
    assert_eq!(c.get(75, 75), BLACK);
    assert_eq!(c.get(25, 25), BLACK);
    assert_eq!(red_area(&c), 100.0);
}

#[test]
fn render_draws_far_primitives_first() {
    // Side camera looks along +y: larger y is farther, so the y = 0 disc covers the y = 1 disc.
    let mut scene = pixel_scene();
    scene.sphere([50.0, 0.0, 50.0], 10.0, RED);
    scene.sphere([50.0, 1.0, 50.0], 10.0, Rgb(0, 255, 0));
    let mut c = Canvas::new(100, 100);
    render(&scene, &mut c, false);
    assert_eq!(c.get(50, 50), RED);
}

#[test]
fn render_perspective_camera_shrinks_with_distance() {
    let area_at = |y: f32| {
        let mut scene = Scene {
            camera: Camera::Perspective {
                eye: [0.0, -1.0, 0.0],
                target: [0.0, 0.0, 0.0],
                up: [0.0, 0.0, 1.0],
                fovy: 60.0,
            },
            background: BLACK,
            primitives: Vec::new(),
        };
        scene.sphere([0.0, y, 0.0], 0.1, RED);
        let mut c = Canvas::new(200, 200);
        render(&scene, &mut c, true);
        red_area(&c)
    };
    let (near, far) = (area_at(0.0), area_at(1.0));
    // Twice the distance: a quarter of the area (focal² r² π / z²), within rasterisation error.
    assert!((near / far - 4.0).abs() < 0.1, "{near} / {far}");
}

#[test]
fn render_palette_index_is_exact_on_cube_colours() {
    assert_eq!(palette_index(BLACK), 0);
    assert_eq!(palette_index(Rgb(255, 255, 255)), 6 * 7 * 6 - 1);
    assert_eq!(palette_index(RED), 5 * 42);
}

#[test]
fn render_rollout_writes_a_gif_of_the_right_size_and_frame_count() {
    for id in [TaskId::FingerSpin, TaskId::FishSwim] {
        let mut env = make(id);
        let mut opts = RenderOptions::for_env(&env);
        opts.steps = 30;
        opts.every = 4;
        opts.width = 96;
        opts.height = 64;
        let mut bytes = Vec::new();
        let summary = render_rollout(
            &mut env,
            &mut ChaCha8Rng::seed_from_u64(1),
            |_, a| a.iter_mut().for_each(|x| *x = 1.0),
            &opts,
            &mut bytes,
        )
        .expect("rendered");
        assert_eq!(summary.frames, opts.frame_count());
        assert_eq!(summary.frames, 1 + 30 / 4);
        let mut decoder = gif::DecodeOptions::new();
        decoder.set_color_output(gif::ColorOutput::RGBA);
        let mut d = decoder
            .read_info(bytes.as_slice())
            .expect("valid GIF header");
        assert_eq!((d.width(), d.height()), (96, 64));
        let mut frames = Vec::new();
        while let Some(f) = d.read_next_frame().expect("valid frame") {
            assert_eq!((f.width, f.height), (96, 64));
            frames.push(f.buffer.to_vec());
        }
        assert_eq!(frames.len(), summary.frames, "{id}");
        // The policy pushes at full actuation: the picture changes.
        assert_ne!(
            frames.first(),
            frames.last(),
            "{id}: pixels change with the state"
        );
    }
}

/// finger and fish draw themselves; the other tasks' `draw` belongs to their files.
#[test]
fn render_finger_and_fish_draw_something() {
    for id in [
        TaskId::FingerSpin,
        TaskId::FingerTurnHard,
        TaskId::FishSwim,
        TaskId::FishUpright,
    ] {
        let mut env = make(id);
        let mut obs = vec![0.0; env.spec().obs_dim()];
        env.reset(&mut ChaCha8Rng::seed_from_u64(0), &mut obs);
        let mut scene = Scene::default();
        env.draw(&mut scene);
        let mut c = Canvas::new(64, 48);
        render(&scene, &mut c, true);
        let background = scene.background;
        assert!(
            c.pixels.iter().any(|&p| p != background),
            "{id} draws nothing"
        );
    }
}

#[test]
fn render_rejects_bad_options() {
    let mut env = make(TaskId::FingerSpin);
    let mut opts = RenderOptions::for_env(&env);
    opts.every = 0;
    let err = render_rollout(
        &mut env,
        &mut ChaCha8Rng::seed_from_u64(0),
        |_, _| {},
        &opts,
        Vec::new(),
    );
    assert!(err.unwrap_err().to_string().contains("every = 0"));
}
