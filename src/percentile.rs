//! Nearest-rank percentiles of latency figures (`/stats`, `bench`, `eval --squad`): one
//! definition, so every report means the same by p99.

/// The `percent`th percentile of sorted `values` (nearest rank); the default value when there
/// are none.
pub fn percentile<T: Copy + Default>(sorted: &[T], percent: usize) -> T {
    if sorted.is_empty() {
        return T::default();
    }
    let rank = (sorted.len() * percent)
        .div_ceil(100)
        .clamp(1, sorted.len());
    sorted[rank - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takes_nearest_ranks() {
        let check = |values: &[u64], percent: usize, expected: u64| {
            assert_eq!(
                percentile(values, percent),
                expected,
                "{values:?} p{percent}"
            );
        };
        check(&[], 50, 0);
        check(&[7], 99, 7);
        check(&[1, 2, 3, 4], 50, 2);
        check(&[1, 2, 3, 4], 99, 4);
        check(&(1..=100).collect::<Vec<_>>(), 99, 99);
        check(&(1..=1000).collect::<Vec<_>>(), 99, 990);
    }
}
