//! Projection and filling: every primitive becomes a 2-D disc, capsule or polygon in pixel
//! coordinates and is filled from its signed distance `d` (pixels, negative inside). With
//! anti-aliasing a pixel's coverage is `clamp(0.5 − d, 0, 1)` (a one-pixel ramp across the
//! edge) and its colour is blended; without, a pixel is covered iff `d ≤ 0`. Primitives are
//! drawn back to front (painter's algorithm on their centre's depth; ties keep insertion order).

use crate::render::scene::{Camera, Rgb, Scene, Shape};

/// An RGB image, row-major from the top-left pixel.
#[derive(Clone, Debug, PartialEq)]
pub struct Canvas {
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// `width × height` pixels.
    pub pixels: Vec<Rgb>,
}

impl Canvas {
    /// A black canvas.
    ///
    /// # Panics
    /// If either side is zero.
    #[track_caller]
    pub fn new(width: usize, height: usize) -> Self {
        assert!(width > 0 && height > 0, "canvas must not be empty");
        Canvas {
            width,
            height,
            pixels: vec![Rgb(0, 0, 0); width * height],
        }
    }
    /// The pixel at column `x`, row `y`.
    pub fn get(&self, x: usize, y: usize) -> Rgb {
        self.pixels[y * self.width + x]
    }
}

/// A shape in pixel coordinates.
enum Flat {
    Disc { c: [f32; 2], r: f32 },
    Capsule { a: [f32; 2], b: [f32; 2], r: f32 },
    Polygon(Vec<[f32; 2]>),
}

/// A world point in the image: pixel position, depth (larger is farther) and pixels per metre.
#[derive(Clone, Copy)]
struct Projected {
    p: [f32; 2],
    depth: f32,
    scale: f32,
}

struct View {
    camera: Camera,
    w: f32,
    h: f32,
    // Perspective basis (right, up, forward) and focal length in pixels.
    basis: [[f32; 3]; 3],
    focal: f32,
}

fn sub(a: [f32; 3], b: [f32; 3]) -> [f32; 3] {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}
fn dot(a: [f32; 3], b: [f32; 3]) -> f32 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}
fn cross(a: [f32; 3], b: [f32; 3]) -> [f32; 3] {
    [
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ]
}
fn normalize(a: [f32; 3]) -> [f32; 3] {
    let n = dot(a, a).sqrt().max(1e-12);
    [a[0] / n, a[1] / n, a[2] / n]
}

impl View {
    fn new(camera: Camera, width: usize, height: usize) -> Self {
        let (w, h) = (width as f32, height as f32);
        let (basis, focal) = match camera {
            Camera::Side { .. } => ([[0.0; 3]; 3], 0.0),
            Camera::Perspective {
                eye,
                target,
                up,
                fovy,
            } => {
                let f = normalize(sub(target, eye));
                let r = normalize(cross(f, up));
                let u = cross(r, f);
                ([r, u, f], 0.5 * h / (0.5 * fovy.to_radians()).tan())
            }
        };
        View {
            camera,
            w,
            h,
            basis,
            focal,
        }
    }

    /// `None` if the point is behind a perspective camera.
    fn project(&self, x: [f32; 3]) -> Option<Projected> {
        match self.camera {
            Camera::Side { center, half_width } => {
                let scale = 0.5 * self.w / half_width;
                Some(Projected {
                    p: [
                        0.5 * self.w + (x[0] - center[0]) * scale,
                        0.5 * self.h - (x[2] - center[1]) * scale,
                    ],
                    depth: x[1],
                    scale,
                })
            }
            Camera::Perspective { eye, .. } => {
                let d = sub(x, eye);
                let [r, u, f] = self.basis;
                let z = dot(d, f);
                if z <= 1e-4 {
                    return None;
                }
                let scale = self.focal / z;
                Some(Projected {
                    p: [
                        0.5 * self.w + dot(d, r) * scale,
                        0.5 * self.h - dot(d, u) * scale,
                    ],
                    depth: z,
                    scale,
                })
            }
        }
    }

    /// Image-plane offset (pixels) of a small world displacement `a` at a point of scale `s`.
    fn offset(&self, a: [f32; 3], s: f32) -> [f32; 2] {
        match self.camera {
            Camera::Side { .. } => [a[0] * s, -a[2] * s],
            Camera::Perspective { .. } => [dot(a, self.basis[0]) * s, -dot(a, self.basis[1]) * s],
        }
    }

    fn flatten(&self, shape: &Shape) -> Option<(Flat, f32)> {
        Some(match shape {
            Shape::Sphere { center, radius } => {
                let c = self.project(*center)?;
                (
                    Flat::Disc {
                        c: c.p,
                        r: radius * c.scale,
                    },
                    c.depth,
                )
            }
            Shape::Capsule { a, b, radius } => {
                let (pa, pb) = (self.project(*a)?, self.project(*b)?);
                let r = radius * 0.5 * (pa.scale + pb.scale);
                (
                    Flat::Capsule {
                        a: pa.p,
                        b: pb.p,
                        r,
                    },
                    0.5 * (pa.depth + pb.depth),
                )
            }
            Shape::Line { a, b, width_px } => {
                let (pa, pb) = (self.project(*a)?, self.project(*b)?);
                let r = 0.5 * width_px;
                (
                    Flat::Capsule {
                        a: pa.p,
                        b: pb.p,
                        r,
                    },
                    0.5 * (pa.depth + pb.depth),
                )
            }
            Shape::Polygon(v) => {
                let pts: Option<Vec<Projected>> = v.iter().map(|&x| self.project(x)).collect();
                let pts = pts?;
                let depth = pts.iter().map(|p| p.depth).sum::<f32>() / pts.len().max(1) as f32;
                (Flat::Polygon(pts.iter().map(|p| p.p).collect()), depth)
            }
            Shape::Ellipsoid { center, axes } => {
                // The projected outline of {c + A u : |u| = 1} is the ellipse c' + L w, |w| = 1,
                // with L Lᵀ = (J A)(J A)ᵀ (J: the projection's Jacobian at the centre).
                let c = self.project(*center)?;
                let m: Vec<[f32; 2]> = axes.iter().map(|&a| self.offset(a, c.scale)).collect();
                let s11: f32 = m.iter().map(|v| v[0] * v[0]).sum();
                let s12: f32 = m.iter().map(|v| v[0] * v[1]).sum();
                let s22: f32 = m.iter().map(|v| v[1] * v[1]).sum();
                let l11 = s11.sqrt().max(1e-6);
                let l21 = s12 / l11;
                let l22 = (s22 - l21 * l21).max(0.0).sqrt();
                let pts = (0..24)
                    .map(|k| {
                        let t = k as f32 * std::f32::consts::TAU / 24.0;
                        let (cs, sn) = (t.cos(), t.sin());
                        [c.p[0] + l11 * cs, c.p[1] + l21 * cs + l22 * sn]
                    })
                    .collect();
                (Flat::Polygon(pts), c.depth)
            }
        })
    }
}

fn segment_distance(p: [f32; 2], a: [f32; 2], b: [f32; 2]) -> f32 {
    let (ab, ap) = ([b[0] - a[0], b[1] - a[1]], [p[0] - a[0], p[1] - a[1]]);
    let len2 = ab[0] * ab[0] + ab[1] * ab[1];
    let t = if len2 > 0.0 {
        ((ap[0] * ab[0] + ap[1] * ab[1]) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let d = [ap[0] - t * ab[0], ap[1] - t * ab[1]];
    (d[0] * d[0] + d[1] * d[1]).sqrt()
}

impl Flat {
    fn signed_distance(&self, p: [f32; 2]) -> f32 {
        match self {
            Flat::Disc { c, r } => ((p[0] - c[0]).powi(2) + (p[1] - c[1]).powi(2)).sqrt() - r,
            Flat::Capsule { a, b, r } => segment_distance(p, *a, *b) - r,
            Flat::Polygon(v) => {
                let n = v.len();
                let mut inside = false;
                let mut d = f32::INFINITY;
                for i in 0..n {
                    let (a, b) = (v[i], v[(i + 1) % n]);
                    d = d.min(segment_distance(p, a, b));
                    if (a[1] > p[1]) != (b[1] > p[1])
                        && p[0] < a[0] + (p[1] - a[1]) * (b[0] - a[0]) / (b[1] - a[1])
                    {
                        inside = !inside;
                    }
                }
                if inside { -d } else { d }
            }
        }
    }

    /// Pixel bounds [x0, x1) × [y0, y1), grown by one pixel for the anti-aliasing ramp.
    fn bounds(&self, w: usize, h: usize) -> (usize, usize, usize, usize) {
        let (mut lo, mut hi) = ([f32::INFINITY; 2], [f32::NEG_INFINITY; 2]);
        let mut grow = |p: [f32; 2], r: f32| {
            for k in 0..2 {
                lo[k] = lo[k].min(p[k] - r);
                hi[k] = hi[k].max(p[k] + r);
            }
        };
        match self {
            Flat::Disc { c, r } => grow(*c, *r),
            Flat::Capsule { a, b, r } => {
                grow(*a, *r);
                grow(*b, *r);
            }
            Flat::Polygon(v) => v.iter().for_each(|&p| grow(p, 0.0)),
        }
        let clamp = |x: f32, n: usize| (x.max(0.0) as usize).min(n);
        (
            clamp(lo[0] - 1.0, w),
            clamp(hi[0] + 2.0, w),
            clamp(lo[1] - 1.0, h),
            clamp(hi[1] + 2.0, h),
        )
    }
}

fn blend(dst: Rgb, src: Rgb, a: f32) -> Rgb {
    let mix = |d: u8, s: u8| (f32::from(d) + (f32::from(s) - f32::from(d)) * a).round() as u8;
    Rgb(mix(dst.0, src.0), mix(dst.1, src.1), mix(dst.2, src.2))
}

/// Draws `scene` into `canvas` (background first), with or without anti-aliasing.
pub fn render(scene: &Scene, canvas: &mut Canvas, antialias: bool) {
    canvas.pixels.fill(scene.background);
    let view = View::new(scene.camera, canvas.width, canvas.height);
    let mut flats: Vec<(Flat, f32, Rgb)> = scene
        .primitives
        .iter()
        .filter_map(|p| view.flatten(&p.shape).map(|(f, d)| (f, d, p.color)))
        .collect();
    // Far first; `sort_by` is stable, so equal depths keep insertion order.
    flats.sort_by(|a, b| b.1.total_cmp(&a.1));
    for (flat, _, color) in &flats {
        let (x0, x1, y0, y1) = flat.bounds(canvas.width, canvas.height);
        for y in y0..y1 {
            for x in x0..x1 {
                let d = flat.signed_distance([x as f32 + 0.5, y as f32 + 0.5]);
                let cover = if antialias {
                    (0.5 - d).clamp(0.0, 1.0)
                } else if d <= 0.0 {
                    1.0
                } else {
                    0.0
                };
                if cover > 0.0 {
                    let px = &mut canvas.pixels[y * canvas.width + x];
                    *px = blend(*px, *color, cover);
                }
            }
        }
    }
}
