//! Editions features: protoc 35.1's `FeatureSetDefaults` (what `protoc --edition_defaults_out` prints for
//! `google.protobuf.FeatureSet` between PROTO2 and 2024, the pool's defaults when no generator adds feature
//! extensions), and feature resolution (`FeatureResolver::Create` / `MergeFeatures`).
//!
//! Only the core `FeatureSet` fields are resolved: they are what every later check reads. Custom features
//! (extensions of `FeatureSet`) have no defaults in protoc's pool either; they stay in the explicit feature
//! bytes of each element.

pub mod resolve;

use crate::edition::Edition;

/// `FeatureSet` field numbers.
pub mod field {
    pub const FIELD_PRESENCE: u32 = 1;
    pub const ENUM_TYPE: u32 = 2;
    pub const REPEATED_FIELD_ENCODING: u32 = 3;
    pub const UTF8_VALIDATION: u32 = 4;
    pub const MESSAGE_ENCODING: u32 = 5;
    pub const JSON_FORMAT: u32 = 6;
    pub const ENFORCE_NAMING_STYLE: u32 = 7;
    pub const DEFAULT_SYMBOL_VISIBILITY: u32 = 8;
}

pub const EXPLICIT: i32 = 1;
pub const IMPLICIT: i32 = 2;
pub const LEGACY_REQUIRED: i32 = 3;
pub const OPEN: i32 = 1;
pub const CLOSED: i32 = 2;
pub const PACKED: i32 = 1;
pub const EXPANDED: i32 = 2;
pub const VERIFY: i32 = 2;
pub const DELIMITED: i32 = 2;
pub const LEGACY_BEST_EFFORT: i32 = 2;
pub const STYLE2024: i32 = 1;
pub const STYLE2026: i32 = 3;
pub const EXPORT_ALL: i32 = 1;
pub const EXPORT_TOP_LEVEL: i32 = 2;
pub const LOCAL_ALL: i32 = 3;
pub const STRICT: i32 = 4;

/// Resolved core features: the value of each `FeatureSet` field 1..=8 (0 = unknown).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Features {
    pub values: [i32; 8],
}

impl Features {
    pub fn get(&self, number: u32) -> i32 {
        self.values[number as usize - 1]
    }
    pub fn set(&mut self, number: u32, value: i32) {
        self.values[number as usize - 1] = value;
    }
    pub fn field_presence(&self) -> i32 {
        self.get(field::FIELD_PRESENCE)
    }
    pub fn enum_closed(&self) -> bool {
        self.get(field::ENUM_TYPE) == CLOSED
    }
    pub fn packed(&self) -> bool {
        self.get(field::REPEATED_FIELD_ENCODING) == PACKED
    }
    pub fn delimited(&self) -> bool {
        self.get(field::MESSAGE_ENCODING) == DELIMITED
    }
    pub fn utf8_verify(&self) -> bool {
        self.get(field::UTF8_VALIDATION) == VERIFY
    }
    pub fn legacy_best_effort_json(&self) -> bool {
        self.get(field::JSON_FORMAT) == LEGACY_BEST_EFFORT
    }
    pub fn naming_style(&self) -> i32 {
        self.get(field::ENFORCE_NAMING_STYLE)
    }
    pub fn default_symbol_visibility(&self) -> i32 {
        self.get(field::DEFAULT_SYMBOL_VISIBILITY)
    }

    /// `MergeFeatures`: `self` (merged parent) overridden by the explicitly set values of a child.
    pub fn merged_with(&self, explicit: &[(u32, i32)]) -> Features {
        let mut merged = *self;
        for &(number, value) in explicit {
            if (1..=8).contains(&number) {
                merged.set(number, value);
            }
        }
        merged
    }

    /// `ValidateMergedFeatures`: the message of the first feature still unknown after merging.
    pub fn validate(&self) -> Result<(), String> {
        const NAMES: [(&str, &str); 8] = [
            ("field_presence", "FIELD_PRESENCE"),
            ("enum_type", "ENUM_TYPE"),
            ("repeated_field_encoding", "REPEATED_FIELD_ENCODING"),
            ("utf8_validation", "UTF8_VALIDATION"),
            ("message_encoding", "MESSAGE_ENCODING"),
            ("json_format", "JSON_FORMAT"),
            ("enforce_naming_style", "ENFORCE_NAMING_STYLE"),
            ("default_symbol_visibility", "DEFAULT_SYMBOL_VISIBILITY"),
        ];
        for (i, (field, upper)) in NAMES.iter().enumerate() {
            if self.values[i] == 0 {
                return Err(format!(
                    "Feature field `{field}` must resolve to a known value, found {upper}_UNKNOWN"
                ));
            }
        }
        Ok(())
    }
}

/// protoc 35.1's defaults: (edition, fixed + overridable features merged).
const DEFAULTS: [(Edition, [i32; 8]); 5] = [
    (
        Edition::Legacy,
        [
            EXPLICIT,
            CLOSED,
            EXPANDED,
            3,
            1,
            LEGACY_BEST_EFFORT,
            2,
            EXPORT_ALL,
        ],
    ),
    (
        Edition::Proto3,
        [IMPLICIT, OPEN, PACKED, VERIFY, 1, 1, 2, EXPORT_ALL],
    ),
    (
        Edition::E2023,
        [EXPLICIT, OPEN, PACKED, VERIFY, 1, 1, 2, EXPORT_ALL],
    ),
    (
        Edition::E2024,
        [
            EXPLICIT,
            OPEN,
            PACKED,
            VERIFY,
            1,
            1,
            STYLE2024,
            EXPORT_TOP_LEVEL,
        ],
    ),
    (
        Edition::Unstable,
        [
            EXPLICIT,
            OPEN,
            PACKED,
            VERIFY,
            1,
            1,
            STYLE2026,
            EXPORT_TOP_LEVEL,
        ],
    ),
];

/// The pool's supported editions (`minimum_edition`, `maximum_edition`).
pub const MINIMUM_EDITION: Edition = Edition::Proto2;
pub const MAXIMUM_EDITION: Edition = Edition::E2024;

/// `FeatureResolver::Create`: the default features of an edition, or protoc's error for it.
pub fn defaults_for(edition: Edition) -> Result<Features, String> {
    if edition < MINIMUM_EDITION {
        return Err(format!(
            "Edition {} is earlier than the minimum supported edition {}",
            edition.short_name(),
            MINIMUM_EDITION.short_name()
        ));
    }
    if MAXIMUM_EDITION < edition && edition != Edition::Unstable {
        return Err(format!(
            "Edition {} is later than the maximum supported edition {}",
            edition.short_name(),
            MAXIMUM_EDITION.short_name()
        ));
    }
    let values = DEFAULTS
        .iter()
        .rev()
        .find(|(e, _)| *e <= edition)
        .map(|(_, v)| *v)
        .ok_or_else(|| {
            format!(
                "No valid default found for edition {}",
                edition.short_name()
            )
        })?;
    Ok(Features { values })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edition_defaults() {
        assert_eq!(
            defaults_for(Edition::Proto2).map(|f| f.enum_closed()),
            Ok(true)
        );
        assert_eq!(
            defaults_for(Edition::Proto3).map(|f| f.field_presence()),
            Ok(IMPLICIT)
        );
        assert_eq!(
            defaults_for(Edition::E2024).map(|f| f.naming_style()),
            Ok(STYLE2024)
        );
        assert!(defaults_for(Edition::E2026).is_err());
        assert_eq!(
            defaults_for(Edition::Legacy).err().as_deref(),
            Some("Edition LEGACY is earlier than the minimum supported edition PROTO2")
        );
    }
}
