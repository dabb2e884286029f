//! Comparing two verdicts: what kind of difference (if any), and a signature that groups the mutants hitting
//! the same difference so that a campaign keeps one finding per signature.

use std::fmt;

use crate::oracle::{Failure, Verdict};
use crate::support::{first_difference, line_diff};

/// The result of one comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Outcome {
    /// Both accept: same stderr (warnings), same files with the same bytes.
    AgreeAccepted,
    /// Both reject with the same stderr lines.
    AgreeRejected,
    /// protoc rejects what we accept: the worst kind.
    WeAcceptProtocRejects,
    /// protoc accepts what we reject.
    WeRejectProtocAccepts,
    /// Both accept, the descriptors differ.
    DescriptorsDiffer,
    /// Both reject, the stderr lines differ.
    ErrorsDiffer,
    /// Both accept, the warnings differ.
    WarningsDiffer,
    OurPanic,
    OurHang,
    /// protoc itself aborted (exit status other than 0 and 1); not compared.
    ProtocCrash,
}

impl Outcome {
    pub fn is_finding(self) -> bool {
        !matches!(
            self,
            Outcome::AgreeAccepted | Outcome::AgreeRejected | Outcome::ProtocCrash
        )
    }

    pub fn slug(self) -> &'static str {
        match self {
            Outcome::AgreeAccepted => "agree-accepted",
            Outcome::AgreeRejected => "agree-rejected",
            Outcome::WeAcceptProtocRejects => "we-accept-protoc-rejects",
            Outcome::WeRejectProtocAccepts => "we-reject-protoc-accepts",
            Outcome::DescriptorsDiffer => "descriptors-differ",
            Outcome::ErrorsDiffer => "errors-differ",
            Outcome::WarningsDiffer => "warnings-differ",
            Outcome::OurPanic => "our-panic",
            Outcome::OurHang => "our-hang",
            Outcome::ProtocCrash => "protoc-crash",
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.slug())
    }
}

/// The outcome, a signature (outcome + the first differing line with names and numbers blanked), and a
/// human-readable account of the difference.
pub fn classify(protoc: &Verdict, ours: &Result<Verdict, Failure>) -> (Outcome, String, String) {
    let ours = match ours {
        Ok(v) => v,
        Err(Failure::Panic(message)) => {
            let sig = format!("our-panic {}", shape(message));
            return (Outcome::OurPanic, sig, format!("panic: {message}\n"));
        }
        Err(Failure::Hang) => return (Outcome::OurHang, "our-hang".into(), "no result\n".into()),
    };
    let diff = line_diff(&protoc.stderr, &ours.stderr);
    let first_changed = diff
        .lines()
        .find(|l| l.starts_with("  - ") || l.starts_with("  + "))
        .map(shape)
        .unwrap_or_default();
    let outcome = match (protoc.accepted, ours.accepted) {
        (false, true) => Outcome::WeAcceptProtocRejects,
        (true, false) => Outcome::WeRejectProtocAccepts,
        (true, true) if protoc.files != ours.files => {
            let account = descriptor_account(protoc, ours);
            let sig = format!("{} {}", Outcome::DescriptorsDiffer, shape(&account));
            return (Outcome::DescriptorsDiffer, sig, account);
        }
        (true, true) if protoc.stderr != ours.stderr => Outcome::WarningsDiffer,
        (false, false) if protoc.stderr != ours.stderr => Outcome::ErrorsDiffer,
        (accepted, _) => {
            let agree = if accepted {
                Outcome::AgreeAccepted
            } else {
                Outcome::AgreeRejected
            };
            return (agree, String::new(), String::new());
        }
    };
    (outcome, format!("{outcome} {first_changed}"), diff)
}

fn descriptor_account(protoc: &Verdict, ours: &Verdict) -> String {
    let names = |v: &Verdict| v.files.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    if names(protoc) != names(ours) {
        return format!(
            "files built differ: protoc {:?}, ours {:?}\n",
            names(protoc),
            names(ours)
        );
    }
    let mut account = String::new();
    for ((name, theirs), (_, mine)) in protoc.files.iter().zip(&ours.files) {
        if theirs != mine {
            account.push_str(&format!(
                "{name}: descriptor bytes differ ({} bytes, protoc {}; first difference at byte {})\n",
                mine.len(),
                theirs.len(),
                first_difference(mine, theirs)
            ));
        }
    }
    account
}

/// A line with its paths, quoted names and numbers blanked: mutants hitting one bug share it.
fn shape(line: &str) -> String {
    let mut out = String::new();
    let mut in_quote = false;
    let mut last = ' ';
    for c in line.chars() {
        let mapped = if c == '"' {
            in_quote = !in_quote;
            '"'
        } else if in_quote {
            continue;
        } else if c.is_ascii_digit() {
            '#'
        } else {
            c
        };
        if !(mapped == '#' && last == '#') {
            out.push(mapped);
        }
        last = mapped;
    }
    // drop the file path before the first ':#' (line:col) or ': '
    match out.find(".proto") {
        Some(i) => out[i + ".proto".len()..].trim().to_string(),
        None => out.trim().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_group_by_message() {
        assert_eq!(
            shape("  - /tmp/x/a.proto:3:13: \"Foo\" is not defined."),
            shape("  - /tmp/y/b.proto:12:1: \"Bar.Baz\" is not defined.")
        );
        assert_ne!(
            shape("  - a.proto:3:13: \"Foo\" is not defined."),
            shape("  - a.proto:3:13: \"Foo\" is already defined.")
        );
    }
}
