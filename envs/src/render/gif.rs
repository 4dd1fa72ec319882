//! Animated GIF output with a fixed 252-colour palette (a 6 × 7 × 6 RGB cube, green gets the
//! extra level because the eye resolves it best). A fixed palette is deterministic and needs no
//! per-frame quantisation; anti-aliased edges blend to the nearest cube colour.

use std::io::Write;

use crate::render::raster::Canvas;
use crate::render::scene::Rgb;

const LEVELS: [u8; 3] = [6, 7, 6];

/// A GIF encoding failure.
#[derive(Debug, thiserror::Error)]
pub enum GifError {
    /// The canvas is larger than a GIF allows.
    #[error("frame size {width}×{height} exceeds the GIF limit of 65535×65535 pixels")]
    TooLarge { width: usize, height: usize },
    /// A frame's size differs from the animation's.
    #[error("frame size {got:?} differs from the animation's {expected:?}")]
    SizeMismatch {
        got: (usize, usize),
        expected: (usize, usize),
    },
    /// The encoder or the writer failed.
    #[error("GIF encoding failed: {0}")]
    Encoding(#[from] ::gif::EncodingError),
}

fn palette() -> Vec<u8> {
    let mut p = Vec::with_capacity(256 * 3);
    for r in 0..LEVELS[0] {
        for g in 0..LEVELS[1] {
            for b in 0..LEVELS[2] {
                for (v, n) in [(r, LEVELS[0]), (g, LEVELS[1]), (b, LEVELS[2])] {
                    p.push((u32::from(v) * 255 / u32::from(n - 1)) as u8);
                }
            }
        }
    }
    p.resize(256 * 3, 0);
    p
}

/// Index of the palette colour nearest to `c` (per channel, which is exact for a cube).
pub fn palette_index(c: Rgb) -> u8 {
    let q = |v: u8, n: u8| ((u32::from(v) * u32::from(n - 1) + 127) / 255) as u8;
    let (r, g, b) = (q(c.0, LEVELS[0]), q(c.1, LEVELS[1]), q(c.2, LEVELS[2]));
    r * LEVELS[1] * LEVELS[2] + g * LEVELS[2] + b
}

/// Writes frames of one size to an animated, looping GIF.
pub struct GifWriter<W: Write> {
    encoder: ::gif::Encoder<W>,
    size: (usize, usize),
    indices: Vec<u8>,
}

impl<W: Write> GifWriter<W> {
    /// Starts an animation of `width × height` frames.
    pub fn new(out: W, width: usize, height: usize) -> Result<Self, GifError> {
        let (w, h) = match (u16::try_from(width), u16::try_from(height)) {
            (Ok(w), Ok(h)) => (w, h),
            _ => return Err(GifError::TooLarge { width, height }),
        };
        let mut encoder = ::gif::Encoder::new(out, w, h, &palette())?;
        encoder.set_repeat(::gif::Repeat::Infinite)?;
        Ok(GifWriter {
            encoder,
            size: (width, height),
            indices: Vec::with_capacity(width * height),
        })
    }

    /// Appends a frame shown for `delay_cs` hundredths of a second.
    pub fn write(&mut self, canvas: &Canvas, delay_cs: u16) -> Result<(), GifError> {
        if (canvas.width, canvas.height) != self.size {
            return Err(GifError::SizeMismatch {
                got: (canvas.width, canvas.height),
                expected: self.size,
            });
        }
        self.indices.clear();
        self.indices
            .extend(canvas.pixels.iter().map(|&c| palette_index(c)));
        let frame = ::gif::Frame {
            width: self.size.0 as u16,
            height: self.size.1 as u16,
            delay: delay_cs,
            buffer: std::borrow::Cow::Borrowed(&self.indices),
            ..::gif::Frame::default()
        };
        self.encoder.write_frame(&frame)?;
        Ok(())
    }

    /// Writes the trailer and returns the writer.
    pub fn finish(self) -> Result<W, GifError> {
        Ok(self.encoder.into_inner()?)
    }
}
