//! PEP 508 requirement strings (as found in pyproject files), PEP 503/685 name normalization and uv's
//! specifier serialization (sorted by version then operator, joined with `,`).

use std::str::FromStr;

use pep440_rs::{Operator, Version, VersionSpecifier, VersionSpecifiers};

/// PEP 503 normalization: lowercase, runs of `-`, `_`, `.` become one `-`.
pub fn normalize_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            sep = true;
        } else {
            if sep && !out.is_empty() {
                out.push('-');
            }
            sep = false;
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// A parsed PEP 508 requirement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    /// The name as written.
    pub raw_name: String,
    /// The normalized name.
    pub name: String,
    /// Normalized extras, in written order, deduplicated.
    pub extras: Vec<String>,
    /// Specifiers (empty = any version).
    pub specifiers: Vec<VersionSpecifier>,
    /// A direct reference (`name @ url`).
    pub url: Option<String>,
    /// The marker text as written (after `;`), trimmed.
    pub marker: Option<String>,
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')
}

/// Parses a PEP 508 requirement string.
pub fn parse_requirement(text: &str) -> Result<Requirement, String> {
    let s = text.trim();
    let name_end = s.find(|c: char| !is_name_char(c)).unwrap_or(s.len());
    let raw_name = &s[..name_end];
    if raw_name.is_empty() || !raw_name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err(format!("`{text}`: expected a package name"));
    }
    let mut rest = s[name_end..].trim_start();
    let mut extras = Vec::new();
    if let Some(r) = rest.strip_prefix('[') {
        let close = r
            .find(']')
            .ok_or_else(|| format!("`{text}`: unclosed `[`"))?;
        for e in r[..close].split(',') {
            let e = e.trim();
            if e.is_empty() {
                continue;
            }
            if !e.chars().all(is_name_char) {
                return Err(format!("`{text}`: invalid extra `{e}`"));
            }
            let n = normalize_name(e);
            if !extras.contains(&n) {
                extras.push(n);
            }
        }
        rest = r[close + 1..].trim_start();
    }
    let (head, marker) = match rest.find(';') {
        Some(i) => (rest[..i].trim(), Some(rest[i + 1..].trim().to_string())),
        None => (rest.trim(), None),
    };
    let mut url = None;
    let mut specifiers = Vec::new();
    if let Some(u) = head.strip_prefix('@') {
        url = Some(u.trim().to_string());
    } else {
        let mut spec = head;
        if let Some(inner) = spec.strip_prefix('(') {
            spec = inner
                .strip_suffix(')')
                .ok_or_else(|| format!("`{text}`: unclosed `(`"))?;
        }
        let spec = spec.trim();
        if !spec.is_empty() {
            let parsed = VersionSpecifiers::from_str(spec)
                .map_err(|e| format!("`{text}`: invalid version specifier: {e}"))?;
            specifiers = parsed.iter().cloned().collect();
        }
    }
    if marker.as_deref() == Some("") {
        return Err(format!("`{text}`: empty marker after `;`"));
    }
    Ok(Requirement {
        raw_name: raw_name.to_string(),
        name: normalize_name(raw_name),
        extras,
        specifiers,
        url,
        marker,
    })
}

fn operator_rank(op: &Operator) -> u8 {
    match op {
        Operator::Equal => 0,
        Operator::EqualStar => 1,
        Operator::ExactEqual => 2,
        Operator::NotEqual => 3,
        Operator::NotEqualStar => 4,
        Operator::TildeEqual => 5,
        Operator::LessThan => 6,
        Operator::LessThanEqual => 7,
        Operator::GreaterThan => 8,
        Operator::GreaterThanEqual => 9,
    }
}

/// uv's `specifier = "..."` value: sorted by (version, operator), joined with `,` and no spaces.
pub fn format_specifiers(specs: &[VersionSpecifier]) -> String {
    let mut sorted: Vec<&VersionSpecifier> = specs.iter().collect();
    sorted.sort_by(|a, b| {
        a.version()
            .cmp(b.version())
            .then_with(|| operator_rank(a.operator()).cmp(&operator_rank(b.operator())))
    });
    sorted
        .iter()
        .map(|s| s.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// Does `version` satisfy every specifier? (Pre-releases are accepted when the specifier allows them.)
pub fn satisfies(version: &Version, specs: &[VersionSpecifier]) -> bool {
    specs.iter().all(|s| s.contains(version))
}

/// Parses a version, returning `None` when it is not PEP 440.
pub fn parse_version(v: &str) -> Option<Version> {
    Version::from_str(v).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_names() {
        assert_eq!(normalize_name("Ameide_SDK.python"), "ameide-sdk-python");
        assert_eq!(normalize_name("a__b--c"), "a-b-c");
        assert_eq!(normalize_name("GRPCIO"), "grpcio");
    }

    #[test]
    fn parses_every_form() {
        let r = parse_requirement("ameide-sdk-python==2.10.1").expect("pin");
        assert_eq!(
            (r.name.as_str(), format_specifiers(&r.specifiers).as_str()),
            ("ameide-sdk-python", "==2.10.1")
        );
        let r = parse_requirement("Ameide_SDK.python >= 2.10 ; sys_platform == \"linux\"")
            .expect("marker");
        assert_eq!(r.name, "ameide-sdk-python");
        assert_eq!(r.raw_name, "Ameide_SDK.python");
        assert_eq!(format_specifiers(&r.specifiers), ">=2.10");
        assert_eq!(r.marker.as_deref(), Some("sys_platform == \"linux\""));
        let r = parse_requirement("ameide-sdk-python[grpc, Extra_X]==2.10.1").expect("extras");
        assert_eq!(r.extras, vec!["grpc", "extra-x"]);
        let r = parse_requirement("httpx (>=0.27)").expect("parenthesized");
        assert_eq!(format_specifiers(&r.specifiers), ">=0.27");
        let r = parse_requirement("x @ https://example.com/x.whl").expect("url");
        assert_eq!(r.url.as_deref(), Some("https://example.com/x.whl"));
        assert!(parse_requirement("==1").is_err());
        assert!(parse_requirement("x>=").is_err());
    }

    #[test]
    fn joins_specifiers_like_uv() {
        let r = parse_requirement("protobuf < 7 , >= 4.25.0, != 5.0.0").expect("spec");
        assert_eq!(format_specifiers(&r.specifiers), ">=4.25.0,!=5.0.0,<7");
        let r = parse_requirement("GRPCIO ~= 1.60").expect("spec");
        assert_eq!(format_specifiers(&r.specifiers), "~=1.60");
        let r = parse_requirement("click==8.*").expect("spec");
        assert_eq!(format_specifiers(&r.specifiers), "==8.*");
        let r = parse_requirement("a<=1.4.4,>=1.4.4").expect("spec");
        assert_eq!(format_specifiers(&r.specifiers), "<=1.4.4,>=1.4.4");
    }
}
