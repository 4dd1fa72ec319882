//! What a task draws: a camera and a list of coloured 3-D primitives in world coordinates
//! (metres, z up). [`crate::render::raster`] projects and fills them.

/// An sRGB colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// dm_control's "self" material (the robot's body).
    pub const SELF: Rgb = Rgb(178, 128, 76);
    /// dm_control's "effector" material (fingertips, fins, mouths).
    pub const EFFECTOR: Rgb = Rgb(178, 85, 48);
    /// dm_control's "target" material.
    pub const TARGET: Rgb = Rgb(153, 51, 51);
    /// Decoration (hinge caps).
    pub const DECORATION: Rgb = Rgb(77, 102, 128);
    /// Ground.
    pub const GROUND: Rgb = Rgb(51, 77, 102);
    /// Sky / water background.
    pub const SKY: Rgb = Rgb(102, 153, 204);
}

/// How world points map to the image.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Camera {
    /// Orthographic side view of the x–z plane, looking along +y (dm_control's planar
    /// cameras sit at −y). `center` is the world (x, z) at the image centre and `half_width`
    /// the world half-width, in metres, of the image.
    Side { center: [f32; 2], half_width: f32 },
    /// A fixed pinhole camera at `eye` looking at `target`, `up` giving the image's upward
    /// direction, `fovy` the vertical field of view in degrees.
    Perspective {
        eye: [f32; 3],
        target: [f32; 3],
        up: [f32; 3],
        fovy: f32,
    },
}

/// One drawable shape in world coordinates.
#[derive(Clone, Debug, PartialEq)]
pub enum Shape {
    /// A sphere (drawn as a disc).
    Sphere { center: [f32; 3], radius: f32 },
    /// A capsule: all points within `radius` of the segment `a`–`b`.
    Capsule {
        a: [f32; 3],
        b: [f32; 3],
        radius: f32,
    },
    /// An ellipsoid `center + A u`, |u| = 1; `axes` holds A's columns (rotated semi-axes).
    Ellipsoid {
        center: [f32; 3],
        axes: [[f32; 3]; 3],
    },
    /// A filled planar polygon (vertices in order).
    Polygon(Vec<[f32; 3]>),
    /// A line segment `width_px` pixels wide, whatever the depth.
    Line {
        a: [f32; 3],
        b: [f32; 3],
        width_px: f32,
    },
}

/// A shape with its colour.
#[derive(Clone, Debug, PartialEq)]
pub struct Primitive {
    /// Geometry.
    pub shape: Shape,
    /// Fill colour.
    pub color: Rgb,
}

/// A frame's content: the camera, the background and the primitives, drawn back to front
/// (ties keep insertion order).
#[derive(Clone, Debug, PartialEq)]
pub struct Scene {
    /// The camera; tasks set it (e.g. to track a body).
    pub camera: Camera,
    /// Background colour.
    pub background: Rgb,
    /// Primitives in insertion order.
    pub primitives: Vec<Primitive>,
}

impl Default for Scene {
    fn default() -> Self {
        Scene {
            camera: Camera::Side {
                center: [0.0, 0.5],
                half_width: 1.0,
            },
            background: Rgb::SKY,
            primitives: Vec::new(),
        }
    }
}

impl Scene {
    /// Removes every primitive (keeps the camera and background).
    pub fn clear(&mut self) {
        self.primitives.clear();
    }
    /// Adds a sphere.
    pub fn sphere(&mut self, center: [f32; 3], radius: f32, color: Rgb) {
        self.push(Shape::Sphere { center, radius }, color);
    }
    /// Adds a capsule.
    pub fn capsule(&mut self, a: [f32; 3], b: [f32; 3], radius: f32, color: Rgb) {
        self.push(Shape::Capsule { a, b, radius }, color);
    }
    /// Adds an ellipsoid with the given rotated semi-axes (columns of `R · diag(r)`).
    pub fn ellipsoid(&mut self, center: [f32; 3], axes: [[f32; 3]; 3], color: Rgb) {
        self.push(Shape::Ellipsoid { center, axes }, color);
    }
    /// Adds a filled polygon.
    pub fn polygon(&mut self, vertices: &[[f32; 3]], color: Rgb) {
        self.push(Shape::Polygon(vertices.to_vec()), color);
    }
    /// Adds a line of constant pixel width.
    pub fn line(&mut self, a: [f32; 3], b: [f32; 3], width_px: f32, color: Rgb) {
        self.push(Shape::Line { a, b, width_px }, color);
    }
    fn push(&mut self, shape: Shape, color: Rgb) {
        self.primitives.push(Primitive { shape, color });
    }
}
