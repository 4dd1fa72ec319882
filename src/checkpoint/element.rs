//! Conversion between `Array2<T>` and safetensors' little-endian row-major bytes, bit-exact
//! (NaN payloads and signed zeros survive: bytes are copied with `to_le_bytes`/`from_le_bytes`,
//! never through a float conversion).

use crate::Scalar;
use ndarray::Array2;
use safetensors::Dtype;
use std::any::Any;

/// The safetensors dtype of `T` (`F32` or `F64`).
///
/// # Panics
/// If `T` is neither `f32` nor `f64` (the only `Scalar` implementations of the crate).
#[track_caller]
pub fn dtype_of<T: Scalar>() -> Dtype {
    match T::NAME {
        "f32" => Dtype::F32,
        "f64" => Dtype::F64,
        other => panic!("checkpoints store f32 or f64, not {other}"),
    }
}

/// Row-major little-endian bytes of `a` (any memory layout).
///
/// # Panics
/// If `T` is neither `f32` nor `f64`.
#[track_caller]
pub fn to_le_bytes<T: Scalar>(a: &Array2<T>) -> Vec<u8> {
    let any = a as &dyn Any;
    if let Some(a) = any.downcast_ref::<Array2<f32>>() {
        a.iter().flat_map(|x| x.to_le_bytes()).collect()
    } else if let Some(a) = any.downcast_ref::<Array2<f64>>() {
        a.iter().flat_map(|x| x.to_le_bytes()).collect()
    } else {
        panic!("checkpoints store f32 or f64, not {}", T::NAME)
    }
}

/// The `rows × cols` array stored in `bytes` (row-major, little-endian, `T`'s width).
///
/// # Panics
/// If `bytes.len() != rows·cols·size_of::<T>()` (the reader validates lengths first) or `T` is
/// neither `f32` nor `f64`.
#[track_caller]
pub fn from_le_bytes<T: Scalar>(bytes: &[u8], rows: usize, cols: usize) -> Array2<T> {
    let width = size_of::<T>();
    assert_eq!(bytes.len(), rows * cols * width, "tensor byte length");
    let boxed: Box<dyn Any> = match T::NAME {
        "f32" => Box::new(
            Array2::from_shape_vec(
                (rows, cols),
                bytes
                    .chunks_exact(4)
                    .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                    .collect(),
            )
            .expect("length checked above"),
        ),
        "f64" => Box::new(
            Array2::from_shape_vec(
                (rows, cols),
                bytes
                    .chunks_exact(8)
                    .map(|c| f64::from_le_bytes(c.try_into().expect("chunk of 8")))
                    .collect(),
            )
            .expect("length checked above"),
        ),
        other => panic!("checkpoints store f32 or f64, not {other}"),
    };
    *boxed
        .downcast::<Array2<T>>()
        .expect("T::NAME identifies the type")
}
