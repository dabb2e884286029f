//! `google.protobuf.Edition`: the edition of a file, ordered by its enum number as protoc compares them.

/// The values of descriptor.proto's `Edition` enum (protoc 35.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Edition {
    Unknown,
    Test1,
    Test2,
    Legacy,
    Proto2,
    Proto3,
    E2023,
    E2024,
    E2026,
    Unstable,
    Test99997,
    Test99998,
    Test99999,
    Max,
}

const ALL: [(Edition, i32, &str); 14] = [
    (Edition::Unknown, 0, "UNKNOWN"),
    (Edition::Test1, 1, "1_TEST_ONLY"),
    (Edition::Test2, 2, "2_TEST_ONLY"),
    (Edition::Legacy, 900, "LEGACY"),
    (Edition::Proto2, 998, "PROTO2"),
    (Edition::Proto3, 999, "PROTO3"),
    (Edition::E2023, 1000, "2023"),
    (Edition::E2024, 1001, "2024"),
    (Edition::E2026, 1002, "2026"),
    (Edition::Unstable, 9999, "UNSTABLE"),
    (Edition::Test99997, 99997, "99997_TEST_ONLY"),
    (Edition::Test99998, 99998, "99998_TEST_ONLY"),
    (Edition::Test99999, 99999, "99999_TEST_ONLY"),
    (Edition::Max, 0x7FFF_FFFF, "MAX"),
];

impl Edition {
    /// `Edition_Parse("EDITION_" + name)`.
    pub fn from_name(name: &str) -> Option<Edition> {
        ALL.iter().find(|(_, _, n)| *n == name).map(|(e, _, _)| *e)
    }

    pub fn from_number(number: i32) -> Option<Edition> {
        ALL.iter()
            .find(|(_, n, _)| *n == number)
            .map(|(e, _, _)| *e)
    }

    pub fn number(self) -> i32 {
        ALL.iter()
            .find(|(e, _, _)| *e == self)
            .map_or(0, |(_, n, _)| *n)
    }

    /// protoc's `ShortEditionName` (how editions appear in its messages: `2023`, `PROTO2`).
    pub fn short_name(self) -> &'static str {
        ALL.iter()
            .find(|(e, _, _)| *e == self)
            .map_or("", |(_, _, n)| n)
    }

    /// proto2 and proto3 (`IsLegacyEdition`).
    pub fn is_legacy(self) -> bool {
        self < Edition::E2023
    }
}

/// The short name of an edition number that may not be a known value (`Edition_Name` gives "" then).
pub fn short_name_of(number: i32) -> &'static str {
    Edition::from_number(number).map_or("", Edition::short_name)
}
