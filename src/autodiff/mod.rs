//! Reverse-mode automatic differentiation: a tape per computation, `Copy` handles, a closed op set.
