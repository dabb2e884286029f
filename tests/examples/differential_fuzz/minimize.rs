//! Shrinks a mutant that shows a difference while it keeps showing it: delta debugging over lines, then over
//! tokens (comments and spacing count as tokens, so they go too), within a budget of comparisons.

use crate::tokens::tokenize;

/// The smallest text found for which `still` holds, trying at most `budget` candidates.
pub fn minimize(source: &str, budget: usize, mut still: impl FnMut(&str) -> bool) -> String {
    let mut left = budget;
    let lines: Vec<String> = source.split_inclusive('\n').map(str::to_string).collect();
    let lines = ddmin(lines, &mut left, &mut still);
    let tokens: Vec<String> = tokenize(&lines.concat())
        .into_iter()
        .map(|t| t.text)
        .collect();
    ddmin(tokens, &mut left, &mut still).concat()
}

/// Zeller's ddmin, complements only: removes ever smaller chunks of `units` while `still` holds.
fn ddmin(
    mut units: Vec<String>,
    left: &mut usize,
    still: &mut impl FnMut(&str) -> bool,
) -> Vec<String> {
    let mut n = 2;
    while units.len() >= 2 && *left > 0 {
        let chunk = units.len().div_ceil(n);
        let mut reduced = false;
        for start in (0..units.len()).step_by(chunk) {
            if *left == 0 {
                break;
            }
            *left -= 1;
            let candidate: Vec<String> = units[..start]
                .iter()
                .chain(&units[(start + chunk).min(units.len())..])
                .cloned()
                .collect();
            if still(&candidate.concat()) {
                units = candidate;
                n = (n - 1).max(2);
                reduced = true;
                break;
            }
        }
        if !reduced {
            if n >= units.len() {
                break;
            }
            n = (2 * n).min(units.len());
        }
    }
    units
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_only_what_the_predicate_needs() {
        let source = "syntax = \"proto3\";\nmessage A { int32 a = 1; }\nmessage B { int32 b = 1; int32 c = 1; }\n";
        let min = minimize(source, 1000, |s| s.contains("c = 1"));
        assert_eq!(min, "c = 1");
    }
}
