//! Boosted regression trees as `scripts/fit_decision.py` writes them, checked and packed for
//! walking: the decision's confidence and the re-ranker's order are both sums of such trees.

use serde::Deserialize;

/// One regression tree. Node `i` sends an input vector left when
/// `inputs[split[i]] <= threshold[i]`; a child below zero is the leaf `-child - 1`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tree {
    pub split: Vec<usize>,
    pub threshold: Vec<f64>,
    pub left: Vec<i32>,
    pub right: Vec<i32>,
    pub leaf: Vec<f64>,
}

/// The trees packed into one array of nodes and one of leaves, so that a walk touches one
/// small node per level instead of four arrays per tree. A child at or above zero is a node,
/// below zero the leaf `-child - 1`; so is a root.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Forest {
    nodes: Vec<Node>,
    leaves: Vec<f64>,
    roots: Vec<i32>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Node {
    /// The largest `f32` at or below the fitted threshold: an `f32` input is above one
    /// exactly when it is above the other, and a node fits in 16 bytes.
    threshold: f32,
    split: u32,
    /// Where inputs at or below the threshold go, then the others.
    children: [i32; 2],
}

impl Forest {
    /// Packs the trees, or names the first that is not well formed for `n_inputs` inputs
    /// (see [`well_formed`]).
    pub fn pack(trees: &[Tree], n_inputs: usize) -> Result<Forest, usize> {
        if let Some(bad) = trees.iter().position(|tree| !well_formed(tree, n_inputs)) {
            return Err(bad);
        }
        let mut forest = Forest::default();
        for tree in trees {
            let (node_base, leaf_base) = (forest.nodes.len() as i32, forest.leaves.len() as i32);
            let moved = |child: i32| {
                if child < 0 {
                    child - leaf_base
                } else {
                    child + node_base
                }
            };
            forest.roots.push(if tree.split.is_empty() {
                moved(-1)
            } else {
                node_base
            });
            for at in 0..tree.split.len() {
                forest.nodes.push(Node {
                    threshold: f32_at_or_below(tree.threshold[at]),
                    split: tree.split[at] as u32,
                    children: [moved(tree.left[at]), moved(tree.right[at])],
                });
            }
            forest.leaves.extend(&tree.leaf);
        }
        Ok(forest)
    }

    /// No trees at all.
    pub fn is_empty(&self) -> bool {
        self.roots.is_empty()
    }

    /// The sum of the leaves `values` reach (as many values as the forest was packed for).
    #[cfg(test)]
    fn score(&self, values: &[f32]) -> f64 {
        self.score_each(&[values])[0]
    }

    /// The sum of the leaves each of `inputs` reaches. Each tree is walked for up to [`LANES`] inputs
    /// at once: their walks do not wait on each other's loads, so the processor overlaps them.
    pub fn score_each(&self, inputs: &[&[f32]]) -> Vec<f64> {
        let mut sums = vec![0.0; inputs.len()];
        for (lanes, sums) in inputs.chunks(LANES).zip(sums.chunks_mut(LANES)) {
            for &root in &self.roots {
                let mut at = [root; LANES];
                let mut walking = true;
                while walking {
                    walking = false;
                    for (at, values) in at.iter_mut().zip(lanes) {
                        if *at >= 0 {
                            let node = &self.nodes[*at as usize];
                            let right = values[node.split as usize] > node.threshold;
                            *at = node.children[usize::from(right)];
                            walking = true;
                        }
                    }
                }
                for (sum, at) in sums.iter_mut().zip(at) {
                    *sum += self.leaves[(-at - 1) as usize];
                }
            }
        }
        sums
    }
}

/// How many inputs one walk of a tree serves (the decision scores eight sentences).
const LANES: usize = 8;

/// The largest `f32` at or below `threshold` (see [`Node::threshold`]).
fn f32_at_or_below(threshold: f64) -> f32 {
    let near = threshold as f32;
    if f64::from(near) > threshold {
        near.next_down()
    } else {
        near
    }
}

/// Every array as long as it must be, every split on one of `n_inputs` inputs, every child a
/// node further down (so a walk ends) or a leaf that exists, every number finite.
fn well_formed(tree: &Tree, n_inputs: usize) -> bool {
    let nodes = tree.split.len();
    let child_ok = |at: usize, child: i32| {
        if child < 0 {
            ((-child - 1) as usize) < tree.leaf.len()
        } else {
            (child as usize) > at && (child as usize) < nodes
        }
    };
    tree.threshold.len() == nodes
        && tree.left.len() == nodes
        && tree.right.len() == nodes
        && tree.leaf.len() == nodes + 1
        && tree.split.iter().all(|&input| input < n_inputs)
        && tree
            .threshold
            .iter()
            .chain(&tree.leaf)
            .all(|v| v.is_finite())
        && (0..nodes).all(|at| child_ok(at, tree.left[at]) && child_ok(at, tree.right[at]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(split: &[usize], threshold: &[f64], left: &[i32], right: &[i32], leaf: &[f64]) -> Tree {
        Tree {
            split: split.to_vec(),
            threshold: threshold.to_vec(),
            left: left.to_vec(),
            right: right.to_vec(),
            leaf: leaf.to_vec(),
        }
    }

    #[test]
    fn sums_the_leaves_each_tree_reaches() {
        // Input 0 at 0.5, then input 1 at 0.5; a constant tree beside it.
        let split = tree(&[0, 1], &[0.5, 0.5], &[-1, -2], &[1, -3], &[-2.0, 0.0, 2.0]);
        let constant = tree(&[], &[], &[], &[], &[0.5]);
        let forest = Forest::pack(&[split, constant], 2).unwrap();
        assert_eq!(forest.score(&[0.2, 1.0]), -1.5);
        assert_eq!(forest.score(&[0.9, 0.0]), 0.5);
        assert_eq!(forest.score(&[0.9, 1.0]), 2.5);
        assert!(Forest::pack(&[], 2).unwrap().is_empty());
    }

    #[test]
    fn walks_several_inputs_as_one_at_a_time() {
        let split = tree(&[0, 1], &[0.5, 0.1], &[-1, -2], &[1, -3], &[-2.0, 0.0, 2.0]);
        let other = tree(&[1], &[0.3], &[-1], &[-2], &[0.25, -0.75]);
        let forest = Forest::pack(&[split, other], 2).unwrap();
        // Ten inputs: more than one batch of lanes, values on and around each threshold.
        let inputs: Vec<[f32; 2]> = (0..10)
            .map(|at| [0.45 + 0.02 * at as f32, 0.1 * (at % 5) as f32])
            .collect();
        let slices: Vec<&[f32]> = inputs.iter().map(|values| values.as_slice()).collect();
        let each = forest.score_each(&slices);
        for (values, score) in inputs.iter().zip(each) {
            let alone: f64 = [
                if f64::from(values[0]) <= 0.5 {
                    -2.0
                } else if f64::from(values[1]) <= 0.1 {
                    0.0
                } else {
                    2.0
                },
                if f64::from(values[1]) <= 0.3 {
                    0.25
                } else {
                    -0.75
                },
            ]
            .iter()
            .sum();
            assert_eq!(score, alone, "{values:?}");
        }
    }

    #[test]
    fn compares_inputs_as_with_the_fitted_threshold() {
        // 0.1 is no f32: an input of 0.1_f32 (just above it) goes right, as it did in f64.
        for threshold in [0.1, 0.5, -0.3, 1e-40, 3.5e38, 1.0 / 3.0] {
            let below = f32_at_or_below(threshold);
            assert!(f64::from(below) <= threshold);
            assert!(f64::from(below.next_up()) > threshold);
        }
        assert!(0.1_f32 > f32_at_or_below(0.1));
        assert!(f64::from(0.1_f32) > 0.1);
    }

    #[test]
    fn names_the_first_malformed_tree() {
        let good = tree(&[0], &[0.5], &[-1], &[-2], &[1.0, 2.0]);
        assert!(Forest::pack(std::slice::from_ref(&good), 1).is_ok());
        // An input that does not exist, a child pointing back up, a leaf missing, a NaN.
        let bad = [
            tree(&[1], &[0.5], &[-1], &[-2], &[1.0, 2.0]),
            tree(&[0], &[0.5], &[0], &[-2], &[1.0, 2.0]),
            tree(&[0], &[0.5], &[-1], &[-2], &[1.0]),
            tree(&[0], &[f64::NAN], &[-1], &[-2], &[1.0, 2.0]),
        ];
        for bad in bad {
            assert_eq!(Forest::pack(&[good.clone(), bad], 1), Err(1));
        }
    }
}
